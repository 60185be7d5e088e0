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
# axe-core for the browser tests (see the rule below `test`).
AXE := frontend/node_modules/axe-core/axe.min.js

.PHONY: run build test lint-api test-dates vet vulncheck fuzz bench faulttest clean

## run: build, migrate and serve on :8080 (finds or starts PostgreSQL)
run: build
	./$(BIN) serve

## build: compile the binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/breachdesk

# Parallel tests per package: they wait on PostgreSQL and the browser far
# more than they compute, so more than the two cores' default keeps both
# busy (app/web: 159 s at the default, 124 s at 6, on the 2-core machines).
TEST_PARALLEL ?= 6

## test: vet and run every test against a real PostgreSQL, then print
## what the API checks found (the negative test's counts, the generated
## client's output: see app/web/api_negative_test.go, client_gen_test.go)
test: vet $(AXE)
	@rm -f .api-report.txt
	BREACHDESK_API_REPORT=$(CURDIR)/.api-report.txt $(GO) test -count=1 -parallel $(TEST_PARALLEL) -timeout 15m ./...
	@echo "--- API contract checks"; cat .api-report.txt

## lint-api: lint the OpenAPI document with Redocly's CLI (from npm); its
## one warning, info-license, stays until the project chooses a licence
lint-api: build
	@./$(BIN) openapi > bin/openapi.json
	npx --yes @redocly/cli@2.77.0 lint --format=stylish bin/openapi.json

## axe-core, which the browser tests run on every page they look at, comes
## from npm (frontend/package.json, pinned by its lock file). Without npm
## the check is skipped outside CI; CI (.ci/run) installs npm.
$(AXE): frontend/package.json frontend/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix frontend --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the browser tests skip the accessibility check"; fi

## test-dates: the tests again with the test clock's "today" on each of
## TEST_DATES, days that break naive date code: the day the suite first broke
## (day 30 in the 12/29–1/3 closure), the eve of the closure, Golden Week's
## eve (JST and UTC dates differ), the leap day's eve, the US DST eve, and a
## substitute holiday in the past (so that no test counts on its typed dates
## lying behind today). A test that silently depends on the real date fails
## here on any day. Left out: cmd/breachdesk, whose tests run breachdesk
## processes on the system clock.
TEST_DATES ?= 2026-12-02T17:30:00+09:00 2026-12-28T23:30:00+09:00 2027-04-28T08:30:00+09:00 2028-02-28T23:30:00+09:00 2027-03-13T18:00:00-08:00 2025-05-06T12:00:00+09:00
# Two days run at a time (.ci/test-dates; DATES_AT_ONCE=1 for one).
test-dates:
	@bash .ci/test-dates "$(GO)" $(TEST_PARALLEL) $(TEST_DATES)

## vulncheck: govulncheck against a database built from golang.org/x/vulndb
## on the module proxy (vuln.go.dev is out of reach); fails on a reachable one
vulncheck:
	bash .ci/vulncheck

## vet: gofmt, go vet, staticcheck, and deadcode (no function that neither
## the binary nor a test can reach)
# The two linters are pinned here and built by `go run pkg@version` from the
# module proxy: nothing is added to go.mod, and they are kept only in the Go
# module and build caches (and staticcheck's own cache beside go-build).
# Measured on the 2-core machines from a cold build cache, they add about 3
# CPU-minutes to go vet's 5; warm, staticcheck takes seconds and deadcode,
# which caches nothing, about 30 CPU-seconds. deadcode always exits 0, so
# its output is the verdict; -test counts a function reached only from
# tests as used.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
DEADCODE ?= golang.org/x/tools/cmd/deadcode@v0.52.0
vet:
	@fmt_out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$fmt_out" ]; then echo "gofmt needed:"; echo "$$fmt_out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@echo "$(GO) run $(DEADCODE) -test ./..."; \
	dead=$$($(GO) run $(DEADCODE) -test ./...) || exit 1; \
	if [ -n "$$dead" ]; then echo "deadcode: unreachable functions:"; echo "$$dead"; exit 1; fi

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
