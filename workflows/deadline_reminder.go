package workflows

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/store"
)

// DeadlineReminderWorker turns a due reminder into in-app notifications
// for the case owner and the assignees of the case's open tasks, and
// queues one e-mail per notification, all in the transaction that
// completes the job: a crash leaves either nothing or everything.
type DeadlineReminderWorker struct {
	river.WorkerDefaults[jobs.DeadlineReminder]
	deps Deps
}

type reminderRow struct {
	assessment.Reminder
	RuleID    string
	CaseID    int64
	Reference string
	Title     string
	DueAt     *time.Time
	TargetAt  *time.Time
	Timezone  string
	Status    string
	Open      bool
}

// Work delivers the reminder unless it was cancelled or its obligation
// has been dealt with in the meantime.
func (w *DeadlineReminderWorker) Work(ctx context.Context, job *river.Job[jobs.DeadlineReminder]) error {
	var due struct {
		FireAt time.Time
		State  string
	}
	if err := w.deps.Store.DB.WithContext(ctx).Raw(`SELECT fire_at, state FROM reminders WHERE id = ?`, job.Args.ReminderID).Scan(&due).Error; err != nil {
		return err
	}
	if wait := due.FireAt.Sub(w.deps.Clock.Now()); due.State == "scheduled" && wait > 0 {
		return river.JobSnooze(min(wait, jobs.ReminderSnoozeStep))
	}
	return w.deps.Store.InTx(ctx, func(tx *store.Tx) error {
		var r reminderRow
		err := tx.DB.Raw(`SELECT r.*, o.rule_id, o.case_id, o.due_at, o.target_at, o.status,
				(o.applicable AND o.status NOT IN ('submitted','waived')) AS open,
				c.reference, c.title, g.timezone
			FROM reminders r
			JOIN obligations o ON o.id = r.obligation_id
			JOIN cases c ON c.id = o.case_id
			JOIN organisations g ON g.id = r.organisation_id
			WHERE r.id = ? FOR UPDATE OF r`, job.Args.ReminderID).Scan(&r).Error
		if err != nil {
			return err
		}
		if r.ID == 0 || r.State != "scheduled" || !r.Open {
			if r.ID != 0 && r.State == "scheduled" {
				tx.DB.Exec(`UPDATE reminders SET state = 'cancelled', updated_at = ? WHERE id = ?`, tx.Now(), r.ID)
			}
			_, err := river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx.SQLTx(), job)
			return err
		}
		var recipients []int64
		if err := tx.DB.Raw(`SELECT DISTINCT u FROM (
				SELECT owner_id AS u FROM cases WHERE id = ? AND owner_id IS NOT NULL
				UNION SELECT assignee_id FROM tasks WHERE case_id = ? AND assignee_id IS NOT NULL AND status IN ('todo','doing')
			) x JOIN memberships m ON m.user_id = x.u AND m.organisation_id = ?`, r.CaseID, r.CaseID, r.OrganisationID).Scan(&recipients).Error; err != nil {
			return err
		}
		title, body := reminderText(r)
		for _, uid := range recipients {
			var id int64
			err := tx.DB.Raw(`INSERT INTO notifications (organisation_id, user_id, case_id, reminder_id, title, body, link, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (reminder_id, user_id) DO NOTHING RETURNING id`,
				r.OrganisationID, uid, r.CaseID, r.ID, title, body, fmt.Sprintf("/cases/%d", r.CaseID), tx.Now()).Scan(&id).Error
			if err != nil {
				return err
			}
			if id == 0 {
				continue // already notified by an earlier attempt that committed
			}
			if _, err := tx.Enqueue(ctx, jobs.SendNotificationEmail{NotificationID: id}, nil); err != nil {
				return err
			}
		}
		if err := tx.DB.Exec(`UPDATE reminders SET state = 'sent', updated_at = ? WHERE id = ?`, tx.Now(), r.ID).Error; err != nil {
			return err
		}
		_, err = river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx.SQLTx(), job)
		return err
	})
}

// reminderText is bilingual: a reminder may reach people who read either.
func reminderText(r reminderRow) (title, body string) {
	loc, err := time.LoadLocation(r.Timezone)
	if err != nil {
		loc = time.UTC
	}
	deadline := r.DueAt
	if deadline == nil {
		deadline = r.TargetAt
	}
	when := "-"
	if deadline != nil {
		when = deadline.In(loc).Format("2006-01-02 15:04 MST")
	}
	ja := map[string]string{"warn": "期限が近づいています", "day_before": "期限まで24時間", "due": "期限になりました", "overdue": "期限を過ぎています"}[r.Threshold]
	en := map[string]string{"warn": "deadline approaching", "day_before": "due in 24 hours", "due": "due now", "overdue": "OVERDUE"}[r.Threshold]
	title = fmt.Sprintf("[%s] %s: %s / %s", r.Reference, r.RuleID, ja, en)
	body = fmt.Sprintf("%s\n%s\n期限 / Deadline: %s\n状態 / Status: %s", r.Title, r.RuleID, when, r.Status)
	return title, body
}
