package workflows

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/app/jobs"
)

// ImportPeopleWorker loads an uploaded affected-person list. The import
// commits in chunks of its own (pgx transactions, for COPY), so the job is
// not completed inside one of them: people.Service.Run is idempotent and a
// re-run of a finished import returns at once.
type ImportPeopleWorker struct {
	river.WorkerDefaults[jobs.ImportPeople]
	deps Deps
}

// Timeout lets a large import run past the client's default job timeout.
// A process configured with a shorter job timeout keeps it, so that an
// attempt always ends before River would rescue it as stuck.
func (w *ImportPeopleWorker) Timeout(*river.Job[jobs.ImportPeople]) time.Duration {
	if w.deps.JobTimeout > 0 {
		return min(jobs.ImportPeopleTimeout, w.deps.JobTimeout)
	}
	return jobs.ImportPeopleTimeout
}

// Work runs the import; after the last attempt it marks the import failed
// so that it does not show as running forever.
func (w *ImportPeopleWorker) Work(ctx context.Context, job *river.Job[jobs.ImportPeople]) error {
	if w.deps.People == nil {
		return errors.New("this worker process has no people service")
	}
	err := w.deps.People.Run(ctx, job.Args.ImportID)
	if err != nil && job.Attempt >= job.MaxAttempts {
		if ferr := w.deps.People.MarkFailed(context.WithoutCancel(ctx), job.Args.ImportID, err.Error()); ferr != nil {
			return errors.Join(err, ferr)
		}
	}
	return err
}
