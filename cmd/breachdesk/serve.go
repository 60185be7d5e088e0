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

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/demo"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/inquiries"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/people"
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

	mailer, err := mail.NewSMTP(e.cfg.SMTPURL, e.cfg.MailFrom)
	if err != nil {
		return fail(os.Stderr, err)
	}
	if e.cfg.SMTPURL == "" {
		slog.Warn("BREACHDESK_SMTP_URL is not set: reminders stay in-app; their e-mails are cancelled with that reason")
	}
	font, err := documents.FindFont(e.cfg.PDFFont)
	if err != nil {
		return fail(os.Stderr, fmt.Errorf("PDF font: %w", err))
	}
	renderer, err := documents.NewRenderer(font)
	if err != nil {
		return fail(os.Stderr, fmt.Errorf("PDF font %s: %w", font, err))
	}
	cs := cases.NewService(e.st, e.clock)
	as := assessment.NewService(e.st, e.clock, cs)
	ds := drafts.NewService(e.st, e.clock, cs, as, renderer)
	ps := people.NewService(e.st, e.clock, cs)
	lopts := letters.Options{Renderer: renderer, Rate: e.cfg.SMTPRate}
	if e.cfg.SMTPURL != "" {
		lopts.Dialer = mailer // without a server, e-mail letters wait and are retried
	}
	ls := letters.NewService(e.st, e.clock, cs, lopts)
	checkpointer, err := newCheckpointer(e)
	if err != nil {
		return fail(os.Stderr, err)
	}
	if checkpointer == nil {
		slog.Warn(checkpointsOffWarning)
	}
	client, err := workflows.NewClient(workflows.Deps{Store: e.st, Clock: e.clock, Auth: e.auth, Mailer: mailer, BaseURL: e.cfg.BaseURL, Drafts: ds, People: ps,
		Letters: ls, LetterWorkers: e.cfg.Jobs.LetterWorkers, JobTimeout: e.cfg.Jobs.Timeout, RescueAfter: e.cfg.Jobs.RescueAfter,
		AuditCheckpointer: checkpointer, AuditCheckpointEvery: e.cfg.Audit.Every}, workflows.Work)
	if err != nil {
		return fail(os.Stderr, err)
	}
	if withHTTP && e.cfg.SeedDemo {
		if empty, err := demo.IsEmpty(ctx, e.st); err != nil {
			return fail(os.Stderr, err)
		} else if empty {
			logins, err := demo.Seed(ctx, demo.Services{Clock: e.clock, Store: e.st, Auth: e.auth, Cases: cs, Assessment: as})
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
		srv, err = web.New(web.Deps{Config: e.cfg, Clock: e.clock, Store: e.st, Auth: e.auth, Cases: cs,
			Assessment: as, Evidence: evidence.NewService(e.st, e.clock, e.cfg.MaxUploadBytes), Drafts: ds,
			Notices: notices.NewService(e.st, e.clock, cs, as, renderer), People: ps, Letters: ls,
			Inquiries: inquiries.NewService(e.st, e.clock, cs, as, renderer)})
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
	finalCheckpoint(checkpointer)
	slog.Info("stopped")
	return code
}
