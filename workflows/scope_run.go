package workflows

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/scoping"
)

// ScopeRunWorker computes a queued scope run. One attempt is one
// transaction that starts the run over, so a retry after a crash finds
// no half-written run: scoping.Service.Run is idempotent.
type ScopeRunWorker struct {
	river.WorkerDefaults[jobs.ScopeRun]
	scoping    *scoping.Service
	jobTimeout time.Duration // the client's JobTimeout; 0: River's default
}

// Timeout lets a large run go past the client's default job timeout,
// never past a shorter one the process is configured with.
func (w *ScopeRunWorker) Timeout(*river.Job[jobs.ScopeRun]) time.Duration {
	return longJobTimeout(jobs.ScopeRunTimeout, w.jobTimeout)
}

// Work computes the run; after the last attempt it marks the run failed
// with the error, so that it does not show as queued forever and the
// case can be scoped again.
func (w *ScopeRunWorker) Work(ctx context.Context, job *river.Job[jobs.ScopeRun]) error {
	err := w.scoping.Run(ctx, job.Args.RunID)
	return failAfterLastAttempt(ctx, err, job.Attempt, job.MaxAttempts, job.Args.RunID, w.scoping.MarkFailed)
}
