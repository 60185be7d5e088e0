package workflows

import (
	"context"
	"errors"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/notifications"
)

// NotificationEmailWorker e-mails one notification
// (notifications.Emailer.Email, which says how often it may be sent).
type NotificationEmailWorker struct {
	river.WorkerDefaults[jobs.SendNotificationEmail]
	emailer *notifications.Emailer
}

// Work sends the e-mail. Temporary failures return an error so River
// retries with backoff; a refusal that retrying will not change cancels
// the job with the reason.
func (w *NotificationEmailWorker) Work(ctx context.Context, job *river.Job[jobs.SendNotificationEmail]) error {
	err := w.emailer.Email(ctx, job.Args.NotificationID)
	if errors.Is(err, notifications.ErrUndeliverable) {
		return river.JobCancel(err)
	}
	return err
}
