package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/breachdesk/breachdesk/app/demo"
	"github.com/breachdesk/breachdesk/app/web"
	"github.com/breachdesk/breachdesk/workflows"
)

func runServe(args []string) int {
	fs := newFlags("serve", "serve\n\nServes the web UI and API on BREACHDESK_ADDR (default :8080) and runs the\nbackground workers. Migrates the database first; seeds the demo organisation\non an empty database (BREACHDESK_SEED_DEMO=false to skip).")
	if code, done := parse(fs, args); done {
		return code
	}
	return run(true)
}

func runWorker(args []string) int {
	fs := newFlags("worker", "worker\n\nRuns background workers only. Start as many as needed; they share the jobs\nthrough the database.")
	if code, done := parse(fs, args); done {
		return code
	}
	return run(false)
}

// run starts the workers and, with withHTTP, the web server, until SIGINT
// or SIGTERM; then it stops taking requests, lets running jobs finish and
// shuts down.
func run(withHTTP bool) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e, err := open(ctx, true)
	if err != nil {
		return fail(os.Stderr, err)
	}
	defer e.close()

	if e.cfg.SMTPURL == "" {
		slog.Warn("BREACHDESK_SMTP_URL is not set: reminders stay in-app; their e-mails are cancelled with that reason")
	}
	a, err := wire(e.cfg, e.clock, e.st)
	if err != nil {
		return fail(os.Stderr, err)
	}
	if a.checkpointer == nil {
		slog.Warn(checkpointsOffWarning)
	}
	client, err := a.workers()
	if err != nil {
		return fail(os.Stderr, err)
	}
	if withHTTP && e.cfg.SeedDemo {
		if empty, err := demo.IsEmpty(ctx, e.st); err != nil {
			return fail(os.Stderr, err)
		} else if empty {
			logins, err := demo.Seed(ctx, a.demoServices())
			if err != nil {
				return fail(os.Stderr, err)
			}
			demo.Print(os.Stdout, e.cfg.BaseURL, logins)
		}
	}

	if err := client.Start(ctx); err != nil {
		return fail(os.Stderr, fmt.Errorf("start workers: %w", err))
	}
	slog.Info("workers started")

	errc := make(chan error, 1)
	var srv *web.Server
	var metricsSrv *http.Server
	if withHTTP {
		srv, err = a.web()
		if err != nil {
			return fail(os.Stderr, err)
		}
		go func() { errc <- srv.Listen(e.cfg.Addr) }()
		if addr := e.cfg.Metrics.Addr; addr != "" {
			metricsSrv = &http.Server{Addr: addr, Handler: srv.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second}
			go func() {
				slog.Info("metrics listening", "addr", addr)
				if err := metricsSrv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
					errc <- fmt.Errorf("metrics listener: %w", err)
				}
			}()
		}
		fmt.Fprintf(os.Stdout, "BreachDesk is running at %s (listening on %s)\n", e.cfg.BaseURL, e.cfg.Addr)
	}

	code := 0
	select {
	case <-ctx.Done():
		slog.Info("shutting down")
	case err := <-errc:
		slog.Error("http server stopped", "err", err)
		code = 1
	}
	if srv != nil {
		if err := srv.Shutdown(20 * time.Second); err != nil {
			slog.Error("http shutdown", "err", err)
		}
	}
	if metricsSrv != nil {
		_ = metricsSrv.Close()
	}
	workflows.Stop(client, 30*time.Second)
	finalCheckpoint(a.checkpointer)
	slog.Info("stopped")
	return code
}
