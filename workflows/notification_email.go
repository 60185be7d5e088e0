package workflows

import (
	"context"
	"fmt"
	"strings"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/mail"
)

// NotificationEmailWorker e-mails one notification. It sends at most once
// per notification, except in the short window between the SMTP server's
// acceptance and the commit of emailed_at: a crash exactly there resends
// on retry. The Message-ID is derived from the notification, so a
// receiving system can drop such a duplicate.
type NotificationEmailWorker struct {
	river.WorkerDefaults[jobs.SendNotificationEmail]
	deps Deps
}

// Work sends the e-mail. Temporary SMTP failures return an error so River
// retries with backoff; permanent ones cancel the job with the reason.
func (w *NotificationEmailWorker) Work(ctx context.Context, job *river.Job[jobs.SendNotificationEmail]) error {
	var n struct {
		ID        int64
		Title     string
		Body      string
		Link      string
		EmailedAt *string
		Email     string
	}
	err := w.deps.Store.DB.WithContext(ctx).Raw(`SELECT n.id, n.title, n.body, n.link, n.emailed_at::text, u.email
		FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.id = ?`, job.Args.NotificationID).Scan(&n).Error
	if err != nil {
		return err
	}
	if n.ID == 0 || n.EmailedAt != nil {
		return nil
	}
	if w.deps.Mailer == nil {
		return river.JobCancel(mail.ErrNotConfigured)
	}
	text := n.Body + "\n\n" + strings.TrimRight(w.deps.BaseURL, "/") + n.Link + "\n"
	err = w.deps.Mailer.Send(ctx, mail.Message{To: n.Email, Subject: n.Title, Text: text,
		MessageID: fmt.Sprintf("notification-%d@breachdesk", n.ID), Date: w.deps.Clock.Now()})
	if err != nil {
		if mail.IsTemporary(err) {
			return err
		}
		return river.JobCancel(err)
	}
	return w.deps.Store.DB.WithContext(ctx).Exec(`UPDATE notifications SET emailed_at = ? WHERE id = ?`, w.deps.Clock.Now(), n.ID).Error
}
