package assessment

import (
	"context"
	"fmt"
	"time"

	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/store"
)

// dueReminder is a reminder with what its notification says and who
// gets it.
type dueReminder struct {
	Reminder
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

// Deliver turns reminder id into in-app notifications for the case owner
// and the assignees of the case's open tasks, queues one e-mail per
// notification and marks the reminder sent. complete runs last in the
// same transaction (the worker completes its job there), so a crash
// leaves either nothing or everything. A reminder cancelled meanwhile,
// or whose obligation has been dealt with, is marked cancelled instead
// and nobody is notified; complete still runs.
//
// A reminder not due yet is left alone, complete is not run, and wait
// is how long until it is due.
func (d *Deadlines) Deliver(ctx context.Context, id int64, complete func(tx *store.Tx) error) (wait time.Duration, err error) {
	var due struct {
		FireAt time.Time
		State  string
	}
	if err := d.st.DB.WithContext(ctx).Raw(`SELECT fire_at, state FROM reminders WHERE id = ?`, id).Scan(&due).Error; err != nil {
		return 0, err
	}
	if wait := due.FireAt.Sub(d.now()); due.State == "scheduled" && wait > 0 {
		return wait, nil
	}
	return 0, d.st.InTx(ctx, func(tx *store.Tx) error {
		var r dueReminder
		err := tx.DB.Raw(`SELECT r.*, o.rule_id, o.case_id, o.due_at, o.target_at, o.status,
				(o.applicable AND o.status NOT IN ('submitted','waived')) AS open,
				c.reference, c.title, g.timezone
			FROM reminders r
			JOIN obligations o ON o.id = r.obligation_id
			JOIN cases c ON c.id = o.case_id
			JOIN organisations g ON g.id = r.organisation_id
			WHERE r.id = ? FOR UPDATE OF r`, id).Scan(&r).Error
		if err != nil {
			return err
		}
		if r.ID == 0 || r.State != "scheduled" || !r.Open {
			if r.ID != 0 && r.State == "scheduled" {
				if err := tx.DB.Exec(`UPDATE reminders SET state = 'cancelled', updated_at = ? WHERE id = ?`, tx.Now(), r.ID).Error; err != nil {
					return err
				}
			}
			return complete(tx)
		}
		if err := d.notify(ctx, tx, r); err != nil {
			return err
		}
		if err := tx.DB.Exec(`UPDATE reminders SET state = 'sent', updated_at = ? WHERE id = ?`, tx.Now(), r.ID).Error; err != nil {
			return err
		}
		return complete(tx)
	})
}

// notify writes one notification per recipient of r and queues its
// e-mail. A recipient already notified of r (by an earlier attempt that
// committed) is skipped.
func (d *Deadlines) notify(ctx context.Context, tx *store.Tx, r dueReminder) error {
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
			continue
		}
		if _, err := tx.Enqueue(ctx, jobs.SendNotificationEmail{NotificationID: id}, nil); err != nil {
			return err
		}
	}
	return nil
}

// reminderText is bilingual: a reminder may reach people who read either.
func reminderText(r dueReminder) (title, body string) {
	loc := obligations.Location(r.Timezone) // as auth.Organisation.Location
	deadline := r.DueAt
	if deadline == nil {
		deadline = r.TargetAt
	}
	when := "-"
	if deadline != nil {
		when = deadline.In(loc).Format("2006-01-02 15:04 MST")
	}
	ja := map[string]string{ThresholdWarn: "期限が近づいています", ThresholdDayBefore: "期限まで24時間", ThresholdDue: "期限になりました", ThresholdOverdue: "期限を過ぎています"}[r.Threshold]
	en := map[string]string{ThresholdWarn: "deadline approaching", ThresholdDayBefore: "due in 24 hours", ThresholdDue: "due now", ThresholdOverdue: "OVERDUE"}[r.Threshold]
	title = fmt.Sprintf("[%s] %s: %s / %s", r.Reference, r.RuleID, ja, en)
	body = fmt.Sprintf("%s\n%s\n期限 / Deadline: %s\n状態 / Status: %s", r.Title, r.RuleID, when, r.Status)
	return title, body
}
