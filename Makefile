# BreachDesk. The README's two commands: `make run` and `make test`.
GO ?= go
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
BIN := bin/breachdesk

.PHONY: run build test vet fuzz bench clean

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

## fuzz: run each fuzz target for a short, bounded time
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseFacts -fuzztime 30s ./app/obligations/

clean:
	rm -rf bin
