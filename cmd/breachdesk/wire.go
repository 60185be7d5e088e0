package main

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/calendar"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/config"
	"github.com/breachdesk/breachdesk/app/demo"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/inquiries"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/notifications"
	"github.com/breachdesk/breachdesk/app/orders"
	"github.com/breachdesk/breachdesk/app/oversight"
	"github.com/breachdesk/breachdesk/app/people"
	"github.com/breachdesk/breachdesk/app/scoping"
	"github.com/breachdesk/breachdesk/app/security"
	"github.com/breachdesk/breachdesk/app/sso"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/web"
	"github.com/breachdesk/breachdesk/app/webhooks"
	"github.com/breachdesk/breachdesk/workflows"
)

// app is one process's object graph: every service, made once by wire
// and handed what it needs when it is made. Nothing is installed into a
// service afterwards, and no field is nil except checkpointer.
type app struct {
	cfg   config.Config
	clock clock.Clock
	st    *store.Store

	auth       *auth.Service
	deadlines  *assessment.Deadlines
	cases      *cases.Service
	assessment *assessment.Service
	evidence   *evidence.Service
	drafts     *drafts.Service
	notices    *notices.Service
	inquiries  *inquiries.Service
	people     *people.Service
	letters    *letters.Service
	emailer    *notifications.Emailer
	calendar   *calendar.Service
	webhooks   *webhooks.Service
	security   *security.Service
	orders     *orders.Service
	scoping    *scoping.Service

	// checkpointer signs the audit log's head; nil when checkpoints are
	// off (no signing key configured).
	checkpointer *audit.Checkpointer
}

// wire builds the graph that serve, worker and demo run on, in the order
// the dependencies point: what needs only the database first, then the
// services that use them. The deadlines bookkeeping comes before the case
// service, which calls it when a case opens, moves its clock start or
// closes; the assessment service, which reads cases, comes after and
// shares it. Jobs are enqueued through the store, which has its own
// inserting River client, so the services need no job client.
func wire(cfg config.Config, clk clock.Clock, st *store.Store) (*app, error) {
	a, err := newAuth(cfg, clk, st)
	if err != nil {
		return nil, err
	}
	mailOpts := []mail.Option{mail.WithIDKey(cfg.SecretKey)}
	if cfg.DKIM.Enabled() {
		mailOpts = append(mailOpts, mail.WithDKIM(cfg.DKIM.Domain, cfg.DKIM.Selector, cfg.DKIM.Key, clk.Now))
	}
	mailer, err := mail.NewSMTP(cfg.SMTPURL, cfg.MailFrom, mailOpts...)
	if err != nil {
		return nil, err
	}
	font, err := pdf.FindFont(cfg.PDFFont)
	if err != nil {
		return nil, fmt.Errorf("PDF font: %w", err)
	}
	renderer, err := pdf.NewRenderer(font)
	if err != nil {
		return nil, fmt.Errorf("PDF font %s: %w", font, err)
	}
	checkpointer, err := newCheckpointer(cfg, clk, st)
	if err != nil {
		return nil, err
	}

	deadlines := assessment.NewDeadlines(st, clk)
	cs := cases.NewService(st, clk, deadlines)
	as := assessment.NewService(st, clk, cs, deadlines)
	cal, err := calendar.NewService(st, clk, cs, cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	hooks, err := webhooks.NewService(st, clk, webhooks.Options{SecretKey: cfg.SecretKey, AllowLoopback: cfg.WebhookAllowLoopback})
	if err != nil {
		return nil, err
	}
	lopts := letters.Options{Renderer: renderer, Rate: cfg.SMTPRate}
	if cfg.SMTPURL != "" {
		lopts.Dialer = mailer // without a server, e-mail letters wait and are retried
	}
	return &app{
		cfg: cfg, clock: clk, st: st,
		auth:         a,
		deadlines:    deadlines,
		cases:        cs,
		assessment:   as,
		calendar:     cal,
		evidence:     evidence.NewService(st, clk, cfg.MaxUploadBytes),
		drafts:       drafts.NewService(st, clk, cs, as, renderer),
		notices:      notices.NewService(st, clk, cs, as, renderer),
		inquiries:    inquiries.NewService(st, clk, cs, as, renderer),
		people:       people.NewService(st, clk, cs),
		letters:      letters.NewService(st, clk, cs, as, lopts),
		emailer:      notifications.NewEmailer(st, clk, mailer, cfg.BaseURL),
		webhooks:     hooks,
		security:     security.NewService(st, clk, cs, security.WithRenderer(renderer)),
		orders:       orders.NewService(st, clk, cs),
		scoping:      scoping.NewService(st, clk, cs, as),
		checkpointer: checkpointer,
	}, nil
}

// newAuth is the auth service as the configuration sets it up; the user,
// token and org profile commands need nothing else.
func newAuth(cfg config.Config, clk clock.Clock, st *store.Store) (*auth.Service, error) {
	return auth.NewService(st, clk, auth.Options{SecretKey: cfg.SecretKey, SessionTTL: cfg.SessionTTL,
		Window: cfg.Throttle.Window, MaxPerAccount: cfg.Throttle.MaxPerAccount, MaxPerIP: cfg.Throttle.MaxPerIP})
}

// workers is the River client that works the jobs with a's services.
func (a *app) workers() (*workflows.Client, error) {
	return workflows.NewClient(workflows.Deps{Webhooks: a.webhooks, Store: a.st, Clock: a.clock, Auth: a.auth, Deadlines: a.deadlines, Emailer: a.emailer,
		Drafts: a.drafts, People: a.people, Letters: a.letters, Orders: a.orders, Scoping: a.scoping,
		LetterWorkers: a.cfg.Jobs.LetterWorkers, JobTimeout: a.cfg.Jobs.Timeout, RescueAfter: a.cfg.Jobs.RescueAfter,
		AuditCheckpointer: a.checkpointer, AuditCheckpointEvery: a.cfg.Audit.Every, Security: a.security})
}

// web is the HTTP server over a's services. Its /metrics carries the
// work the workers do (jobs, deadlines, letters, imports) besides HTTP.
func (a *app) web() (*web.Server, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(oversight.NewWorkCollector(a.st, a.clock))
	var rp *sso.Service
	if a.cfg.OIDC.Enabled() {
		var err error
		if rp, err = sso.New(sso.Options{Config: a.cfg.OIDC, Key: a.cfg.SecretKey, Clock: a.clock, Auth: a.auth}); err != nil {
			return nil, err
		}
	}
	return web.New(web.Deps{Webhooks: a.webhooks, Config: a.cfg, Clock: a.clock, Store: a.st, Auth: a.auth, Cases: a.cases, Assessment: a.assessment,
		Evidence: a.evidence, Drafts: a.drafts, Notices: a.notices, People: a.people, Letters: a.letters, Inquiries: a.inquiries,
		Calendar: a.calendar, Registry: reg, SSO: rp, Security: a.security, Orders: a.orders, Scoping: a.scoping})
}

// demoServices are what demo.Seed needs from a.
func (a *app) demoServices() demo.Services {
	return demo.Services{Clock: a.clock, Store: a.st, Auth: a.auth, Cases: a.cases, Assessment: a.assessment}
}
