package workflows

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/people"
)

// ImportPeopleWorker loads an uploaded affected-person list. The import
// commits in chunks of its own (pgx transactions, for COPY), so the job is
// not completed inside one of them: people.Service.Run is idempotent and a
// re-run of a finished import returns at once.
type ImportPeopleWorker struct {
	river.WorkerDefaults[jobs.ImportPeople]
	people     *people.Service
	jobTimeout time.Duration // the client's JobTimeout; 0: River's default
}

// Timeout lets a large import run past the client's default job timeout.
// A process configured with a shorter job timeout keeps it, so that an
// attempt always ends before River would rescue it as stuck.
func (w *ImportPeopleWorker) Timeout(*river.Job[jobs.ImportPeople]) time.Duration {
	return longJobTimeout(jobs.ImportPeopleTimeout, w.jobTimeout)
}

// Work runs the import; after the last attempt it marks the import failed
// so that it does not show as running forever.
func (w *ImportPeopleWorker) Work(ctx context.Context, job *river.Job[jobs.ImportPeople]) error {
	err := w.people.Run(ctx, job.Args.ImportID)
	return failAfterLastAttempt(ctx, err, job.Attempt, job.MaxAttempts, job.Args.ImportID, w.people.MarkFailed)
}
