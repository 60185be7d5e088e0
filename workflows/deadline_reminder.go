package workflows

import (
	"context"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/store"
)

// DeadlineReminderWorker turns a due reminder into in-app notifications
// and their e-mail jobs (assessment.Deadlines.Deliver), completing the job
// in the same transaction: a crash leaves either nothing or everything.
type DeadlineReminderWorker struct {
	river.WorkerDefaults[jobs.DeadlineReminder]
	deadlines *assessment.Deadlines
}

// Work delivers the reminder, or snoozes until it is due: the job is
// scheduled a little early (see jobs.ReminderLead).
func (w *DeadlineReminderWorker) Work(ctx context.Context, job *river.Job[jobs.DeadlineReminder]) error {
	wait, err := w.deadlines.Deliver(ctx, job.Args.ReminderID, func(tx *store.Tx) error {
		_, err := river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx.SQLTx(), job)
		return err
	})
	if err != nil {
		return err
	}
	if wait > 0 {
		return river.JobSnooze(min(wait, jobs.ReminderSnoozeStep))
	}
	return nil
}
