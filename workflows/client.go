// Package workflows holds BreachDesk's background jobs on River: one file
// per job kind with its worker, the registration of all workers and the
// client set-up. The args of jobs that services enqueue live in app/jobs,
// so that a service enqueues without importing its worker; only the
// periodic jobs, which nothing but the client enqueues, keep their args
// beside their worker. Job args carry ids only, never personal data.
package workflows

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/notifications"
	"github.com/breachdesk/breachdesk/app/orders"
	"github.com/breachdesk/breachdesk/app/people"
	"github.com/breachdesk/breachdesk/app/scoping"
	"github.com/breachdesk/breachdesk/app/security"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/webhooks"
)

// Deps are the services the workers call. Every service is required;
// the durations have defaults.
type Deps struct {
	Store     *store.Store
	Clock     clock.Clock // a test clock also drives River's time
	Auth      *auth.Service
	Deadlines *assessment.Deadlines  // delivers due reminders
	Emailer   *notifications.Emailer // e-mails notifications
	Drafts    *drafts.Service
	People    *people.Service
	Letters   *letters.Service

	// LetterRetryBase is the first retry delay of a letter chunk after a
	// temporary SMTP failure (default 10 s; tests use less).
	LetterRetryBase time.Duration
	// LetterWorkers is how many letter chunks one process works at once
	// (default 2: rendering is CPU-bound).
	LetterWorkers int
	// JobTimeout bounds one attempt (default 10 min); RescueAfter is when
	// a job whose worker died is run again (default 15 min).
	JobTimeout, RescueAfter time.Duration
	// AuditCheckpointer signs the audit chain's head every
	// AuditCheckpointEvery (default 10 min). It is optional, as the
	// signing key is: without it this process writes no checkpoints and
	// does not work the audit queue.
	AuditCheckpointer    *audit.Checkpointer
	AuditCheckpointEvery time.Duration
	// Webhooks delivers webhook events. It is optional so that a process
	// built without it still starts, but then this process does not work
	// the webhooks queue (another one must); production wires it.
	Webhooks *webhooks.Service
	// WebhookRetryBase is the first retry delay of a failed webhook
	// delivery (default 30 s; tests use less).
	WebhookRetryBase time.Duration
	// Security reminds of security measures due for review. Optional, as
	// Webhooks is: without it this process schedules no such reminders
	// (another one must); production wires it.
	Security *security.Service
	// Orders loads order imports. Optional like Webhooks (a process
	// without it does not work import_orders jobs); production wires it.
	Orders *orders.Service
	// Scoping computes scope runs. Optional like Orders (a process
	// without it does not work scope_run jobs); production wires it.
	Scoping *scoping.Service
}

// check refuses Deps without one of its services: a missing one is a
// wiring mistake, found when the process starts rather than when a job
// of its kind first runs.
func (d Deps) check() error {
	var missing []string
	for _, dep := range []struct {
		name string
		nil  bool
	}{
		{"Store", d.Store == nil}, {"Clock", d.Clock == nil}, {"Auth", d.Auth == nil}, {"Deadlines", d.Deadlines == nil},
		{"Emailer", d.Emailer == nil}, {"Drafts", d.Drafts == nil}, {"People", d.People == nil}, {"Letters", d.Letters == nil},
	} {
		if dep.nil {
			missing = append(missing, dep.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("workflows: Deps without %s", strings.Join(missing, ", "))
	}
	return nil
}

// Client is BreachDesk's River client type, bound to database/sql
// transactions so that GORM and River share one.
type Client = river.Client[*sql.Tx]

// NewClient builds the River client that works the jobs, on the store's
// pool. Services enqueue through the store (store.Tx.Enqueue), which has
// an inserting client of its own, so nothing here is installed anywhere.
func NewClient(deps Deps) (*Client, error) {
	if err := deps.check(); err != nil {
		return nil, err
	}
	cfg := &river.Config{
		Logger:               slog.Default(),
		JobTimeout:           cmp.Or(deps.JobTimeout, 10*time.Minute),
		RescueStuckJobsAfter: cmp.Or(deps.RescueAfter, 15*time.Minute),
	}
	// A test clock (one River can stub its time with) decides when
	// River's scheduled jobs are due, so tests move the clock instead of
	// sleeping; the system clock leaves River on the real time.
	if t, ok := deps.Clock.(rivertype.TimeGenerator); ok {
		cfg.Test.Time = t
		// River's job rescuer and cleaner read the wall clock, not the
		// test time (river v0.51.2, internal/maintenance/job_rescuer.go
		// and job_cleaner.go): on a test clock days from the wall clock
		// they would take running jobs for stuck (and run them twice) and
		// delete finished ones at once. On a test clock they wait a
		// century; the tests of rescuing run on the system clock.
		const never = 100 * 365 * 24 * time.Hour
		cfg.RescueStuckJobsAfter = never
		cfg.CompletedJobRetentionPeriod, cfg.CancelledJobRetentionPeriod, cfg.DiscardedJobRetentionPeriod = never, never, never
	}
	workers := river.NewWorkers()
	if err := register(workers, deps); err != nil {
		return nil, err
	}
	cfg.Workers = workers
	cfg.Queues = map[string]river.QueueConfig{
		river.QueueDefault: {MaxWorkers: 20},
		jobs.QueueLetters:  {MaxWorkers: cmp.Or(deps.LetterWorkers, 2)},
	}
	cfg.PeriodicJobs = periodicJobs()
	if deps.AuditCheckpointer != nil {
		cfg.Queues[QueueAudit] = river.QueueConfig{MaxWorkers: 1}
		cfg.PeriodicJobs = append(cfg.PeriodicJobs, auditCheckpointJob(cmp.Or(deps.AuditCheckpointEvery, 10*time.Minute)))
	}
	if deps.Webhooks != nil {
		cfg.Queues[jobs.QueueWebhooks] = river.QueueConfig{MaxWorkers: 10}
	}
	if deps.Security != nil {
		cfg.PeriodicJobs = append(cfg.PeriodicJobs, securityReviewJob())
	}
	// Short fetch cooldown and poll: reminders should fire close to their
	// time (a snoozed job waits for the next poll, see jobs.ReminderLead).
	cfg.FetchCooldown = 50 * time.Millisecond
	cfg.FetchPollInterval = 200 * time.Millisecond
	c, err := river.NewClient(riverdatabasesql.NewWithPgxListener(deps.Store.SQL, deps.Store.Pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return c, nil
}

// Stop lets running jobs finish (up to timeout), then cancels the rest;
// cancelled jobs are retried by the next worker, so nothing is lost.
func Stop(c *Client, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := c.Stop(ctx); err != nil {
		slog.Warn("jobs did not finish in time, cancelling", "err", err)
		hard, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel2()
		_ = c.StopAndCancel(hard)
	}
}
