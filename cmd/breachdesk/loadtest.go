package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/loadtest"
)

const loadtestUsage = `loadtest [--url URL] [--token T] [--email E --password P] [--duration 30m] [--clients 16] [flags]

Drives a RUNNING server with the mixed use of an incident team and reports
errors, latency per operation and the server's memory over time. Each
virtual user, with pauses between operations, opens the dashboard and case
pages (needs --email/--password), and through the API lists and creates
cases, saves assessments, adds tasks, comments and timeline entries,
uploads evidence, reads letter batches, imports small person lists and
generates documents (waiting for those background jobs). The server's
/metrics is read every --sample-every for its memory (RSS, Go heap in use,
goroutines), compared between the first and the last minute of the run.

It WRITES data (cases, evidence, persons, documents) in the user's
organisation: use a staging or demo database, never production.

Give --token (API traffic; ` + "`breachdesk token create`" + `) and/or --email and
--password (page views; without a token the API is used through the same
browser session). The account must not have two-factor authentication.
The token and password may come from BREACHDESK_LOADTEST_TOKEN and
BREACHDESK_LOADTEST_PASSWORD instead, keeping them out of the process list.

Progress is printed every --report-every; the final report at the end or
on Ctrl-C. Exit status: 0 ok, 1 error rate above --max-error-rate or the
run could not start, 2 bad usage.

Example (a server started with BREACHDESK_COOKIE_SECURE=false on plain http):
  breachdesk loadtest --url http://127.0.0.1:8080 --token bdt_… \
    --email owner@demo.example --password … --duration 3m --clients 8`

// runLoadtest is the thin CLI over app/loadtest; it needs no database or
// configuration, only the server's address and a login.
func runLoadtest(args []string) int {
	fs := newFlags("loadtest", loadtestUsage)
	cfg := loadtest.Config{Clock: clock.System}
	fs.StringVar(&cfg.URL, "url", "http://localhost:8080", "the running server's base URL")
	fs.StringVar(&cfg.Token, "token", "", "API bearer token (default $BREACHDESK_LOADTEST_TOKEN)")
	fs.StringVar(&cfg.Email, "email", "", "log in as this user for page views")
	fs.StringVar(&cfg.Password, "password", "", "that user's password (default $BREACHDESK_LOADTEST_PASSWORD)")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Minute, "how long to run")
	fs.IntVar(&cfg.Clients, "clients", 16, "virtual users")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed: the same seed gives each user the same sequence of operations")
	fs.DurationVar(&cfg.Think, "think", 500*time.Millisecond, "mean pause between one user's operations (uniform 0 to twice this; 0 for none)")
	fs.DurationVar(&cfg.ReportEvery, "report-every", 30*time.Second, "progress line interval")
	fs.DurationVar(&cfg.SampleEvery, "sample-every", 5*time.Second, "how often to read the server's /metrics (with $BREACHDESK_METRICS_TOKEN)")
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "limit for one request")
	fs.DurationVar(&cfg.PollTimeout, "poll-timeout", 2*time.Minute, "how long an import or a document may take before it counts as an error")
	fs.Float64Var(&cfg.MaxErrorRate, "max-error-rate", 0.01, "fail (exit 1) when more than this fraction of operations fail (0.01 = 1%)")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	if code, done := parse(fs, args); done {
		return code
	}
	// Read after parsing, not as flag defaults, so that --help never prints the secrets.
	if cfg.Token == "" {
		cfg.Token = os.Getenv("BREACHDESK_LOADTEST_TOKEN")
	}
	if cfg.Password == "" {
		cfg.Password = os.Getenv("BREACHDESK_LOADTEST_PASSWORD")
	}
	// The server's own variable: the same token lets the run read /metrics.
	cfg.MetricsToken = os.Getenv("BREACHDESK_METRICS_TOKEN")
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "breachdesk loadtest: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(os.Stderr, "breachdesk loadtest: %v\n", err)
		return 2
	}
	// app/auth, linked into this binary, hashes a dummy password with
	// Argon2 (64 MiB) when the process starts; the generator never needs
	// that memory and shares the machine with the server, so hand it back
	// now instead of carrying ~100 MB of RSS for the whole run.
	debug.FreeOSMemory()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg.Out = os.Stdout
	rep, err := loadtest.Run(ctx, cfg)
	if err != nil {
		return fail(os.Stderr, err)
	}
	rep.WriteText(os.Stdout)
	if *jsonOut != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err == nil {
			err = os.WriteFile(*jsonOut, append(b, '\n'), 0o644)
		}
		if err != nil {
			return fail(os.Stderr, fmt.Errorf("write the JSON report: %w", err))
		}
	}
	if rep.Failed() {
		fmt.Fprintf(os.Stderr, "breachdesk loadtest: error rate %.2f%% is above the limit of %.2f%%\n", 100*rep.ErrorRate, 100*rep.MaxErrorRate)
		return 1
	}
	return 0
}
