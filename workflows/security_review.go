package workflows

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/app/security"
)

// securityReviewEvery is how often due security reviews are looked for.
// Review dates are days, so an hour is prompt enough.
const securityReviewEvery = time.Hour

// SecurityReviewArgs asks for reminders of the security measures whose
// review date has come.
type SecurityReviewArgs struct{}

// Kind is the River job kind.
func (SecurityReviewArgs) Kind() string { return "security_review_reminders" }

// InsertOpts makes the job unique per period, so several processes
// starting together enqueue it once; the work itself is idempotent too
// (one reminder per measure and due date, see security.RemindDueReviews).
func (SecurityReviewArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByPeriod: securityReviewEvery}}
}

// SecurityReviewWorker runs SecurityReviewArgs.
type SecurityReviewWorker struct {
	river.WorkerDefaults[SecurityReviewArgs]
	security *security.Service
}

// Work notifies the owners of measures due for review.
func (w *SecurityReviewWorker) Work(ctx context.Context, job *river.Job[SecurityReviewArgs]) error {
	n, err := w.security.RemindDueReviews(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		slog.Info("security reviews reminded", "count", n)
	}
	return nil
}

// securityReviewJob is the periodic job of SecurityReviewArgs.
func securityReviewJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(securityReviewEvery), func() (river.JobArgs, *river.InsertOpts) {
		return SecurityReviewArgs{}, nil
	}, &river.PeriodicJobOpts{RunOnStart: true})
}
