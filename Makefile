# BreachDesk. The README's two commands: `make run` and `make test`.
GO ?= go
# The machines run GOTOOLCHAIN=local (go1.26.8, which has known
# vulnerabilities) and ignore go.mod's toolchain line: every go command
# started from here uses this patched toolchain, fetched once from the Go
# module proxy. .ci/run exports the same.
export GOTOOLCHAIN := go1.27.3
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
BIN := bin/breachdesk

.PHONY: run build test vet fuzz bench faulttest clean

## run: build, migrate and serve on :8080 (finds or starts PostgreSQL)
run: build
	./$(BIN) serve

## build: compile the binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/breachdesk

## test: vet and run every test against a real PostgreSQL
test: vet
	$(GO) test -count=1 -timeout 15m ./...

vet:
	@fmt_out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$fmt_out" ]; then echo "gofmt needed:"; echo "$$fmt_out"; exit 1; fi
	$(GO) vet ./...

## bench: measure against baselines in the same run; writes bench-results.json
bench:
	rm -f bench-results.json bench-results.md
	BREACHDESK_BENCH=1 $(GO) test -count=1 -p 1 -timeout 30m -run 'TestBenchReport' -v ./... | grep -v '^=== \|^--- \|^ok \|no test files\|no tests to run\|^PASS\|^\s*benchreport'
	@echo; echo "bench-results.json:"; cat bench-results.json

## loadtest: 30 minutes of mixed use against a server that is ALREADY RUNNING at
## BREACHDESK_URL (e.g. `make run` elsewhere; it writes data: staging or demo only).
## Give BREACHDESK_LOADTEST_TOKEN and/or LOADTEST_EMAIL with BREACHDESK_LOADTEST_PASSWORD;
## LOADTEST_FLAGS for more, e.g. LOADTEST_FLAGS='--duration 3m --clients 8'.
BREACHDESK_URL ?= http://localhost:8080
.PHONY: loadtest
loadtest: build
	./$(BIN) loadtest --url '$(BREACHDESK_URL)' $(if $(LOADTEST_EMAIL),--email '$(LOADTEST_EMAIL)') $(LOADTEST_FLAGS)

## faulttest: kill -9 workers mid letter batch and mid import (at random
## points, FAULT_REPEAT times), restart PostgreSQL under the server, take the
## SMTP server down for FAULT_SMTP_DOWN, fill spooled uploads past the limit
## and kill the server mid-upload; each ends with counts checked. `make test`
## runs them once (SMTP down for two retries only).
FAULT_REPEAT ?= 3
FAULT_SMTP_DOWN ?= 2m
faulttest:
	FAULT_SMTP_DOWN=$(FAULT_SMTP_DOWN) $(GO) test -count=$(FAULT_REPEAT) -timeout 30m -run 'Fault|Crash' -v ./cmd/breachdesk/ ./app/letters/ ./app/people/ | grep -E '^(=== RUN|--- |PASS|FAIL|ok)|_test.go'

## fuzz: run every fuzz target for FUZZTIME each (make fuzz FUZZTIME=1m)
# go test -fuzz takes one target of one package per run, so the targets are
# found as package:Target pairs (every func Fuzz… in a _test.go file) and
# .ci/fuzz runs them one after the other; a new target needs no change here.
FUZZTIME ?= 10s
FUZZ_TARGETS = $(shell grep -rHo --include='*_test.go' --exclude-dir=.git --exclude-dir=.data --exclude-dir=tmp '^func Fuzz[A-Za-z0-9_]*' . | sed -E 's|^\./(.*)/[^/]*:func (Fuzz.*)|./\1:\2|' | sort -u)
fuzz:
	GO=$(GO) bash .ci/fuzz $(FUZZTIME) $(FUZZ_TARGETS)

clean:
	rm -rf bin
