package workflows

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/orders"
)

// ImportOrdersWorker loads an uploaded order export. Like the person
// import it commits in chunks of its own, so the job is not completed
// inside one of them: orders.Service.Run is idempotent.
type ImportOrdersWorker struct {
	river.WorkerDefaults[jobs.ImportOrders]
	orders     *orders.Service
	jobTimeout time.Duration // the client's JobTimeout; 0: River's default
}

// Timeout lets a large import run past the client's default job timeout,
// never past a shorter one the process is configured with.
func (w *ImportOrdersWorker) Timeout(*river.Job[jobs.ImportOrders]) time.Duration {
	return longJobTimeout(jobs.ImportOrdersTimeout, w.jobTimeout)
}

// Work runs the import; after the last attempt it marks the import failed
// so that it does not show as running forever.
func (w *ImportOrdersWorker) Work(ctx context.Context, job *river.Job[jobs.ImportOrders]) error {
	err := w.orders.Run(ctx, job.Args.ImportID)
	return failAfterLastAttempt(ctx, err, job.Attempt, job.MaxAttempts, job.Args.ImportID, w.orders.MarkFailed)
}
