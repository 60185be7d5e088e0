package assessment

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/webhooks"
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
	Computed  []byte // the engine's obligation, for its recipient's name
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
		err := tx.DB.Raw(`SELECT r.*, o.rule_id, o.case_id, o.due_at, o.target_at, o.status, o.computed,
				(o.applicable AND o.status NOT IN ('submitted','waived') AND c.voided_at IS NULL) AS open,
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
		if err := emitReminder(ctx, tx, r); err != nil {
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
	var recipients []struct {
		ID       int64
		Language string
	}
	if err := tx.DB.Raw(`SELECT DISTINCT x.u AS id, u.language FROM (
			SELECT owner_id AS u FROM cases WHERE id = ? AND owner_id IS NOT NULL
			UNION SELECT assignee_id FROM tasks WHERE case_id = ? AND assignee_id IS NOT NULL AND status IN ('todo','doing')
		) x JOIN memberships m ON m.user_id = x.u AND m.organisation_id = ? JOIN users u ON u.id = x.u`, r.CaseID, r.CaseID, r.OrganisationID).Scan(&recipients).Error; err != nil {
		return err
	}
	for _, to := range recipients {
		title, body := reminderText(r, to.Language)
		var id int64
		err := tx.DB.Raw(`INSERT INTO notifications (organisation_id, user_id, case_id, reminder_id, title, body, link, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (reminder_id, user_id) DO NOTHING RETURNING id`,
			r.OrganisationID, to.ID, r.CaseID, r.ID, title, body, fmt.Sprintf("/cases/%d", r.CaseID), tx.Now()).Scan(&id).Error
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

// thresholdWords are a reminder's thresholds as a reminder says them.
var thresholdWords = map[string]i18n.Text{
	ThresholdWarn: {JA: "期限が近づいています", EN: "deadline approaching"}, ThresholdDayBefore: {JA: "期限まで24時間です", EN: "due in 24 hours"},
	ThresholdDue: {JA: "期限になりました", EN: "due now"}, ThresholdOverdue: {JA: "期限を過ぎています", EN: "OVERDUE"},
}

// reminderText is the notification in the recipient's language (Japanese
// unless they chose English), its deadline in the organisation's zone:
// who is owed what, by when, and where it stands.
func reminderText(r dueReminder, lang string) (title, body string) {
	loc := obligations.Location(r.Timezone) // as auth.Organisation.Location
	deadline := r.DueAt
	if deadline == nil {
		deadline = r.TargetAt
	}
	var ob obligations.Obligation
	_ = json.Unmarshal(r.Computed, &ob)
	// The rule's title names the obligation ("個人情報保護委員会への速報"):
	// the subject is what legal staff read in their inbox, and a rule key
	// (jp.appi.ppc.preliminary) means nothing to them.
	name := obligations.Title(r.RuleID).In(lang)
	who := name
	if recipient := ob.Recipient.In(lang); recipient != "" && !strings.Contains(name, recipient) {
		who = name + "（" + recipient + "）"
		if lang == "en" {
			who = name + " (" + recipient + ")"
		}
	}

	if lang == "en" {
		when := "-"
		if deadline != nil {
			when = deadline.In(loc).Format("2 January 2006 15:04 MST")
		}
		return fmt.Sprintf("[%s] %s: %s", r.Reference, name, thresholdWords[r.Threshold].In(lang)),
			fmt.Sprintf("%s\n%s\nDeadline: %s\nStatus: %s", r.Title, who, when, StatusNames[r.Status].In(lang))
	}
	when := "－"
	if deadline != nil {
		t := deadline.In(loc)
		when = fmt.Sprintf("%d年%d月%d日 %d時%02d分", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute())
	}
	return fmt.Sprintf("[%s] %s：%s", r.Reference, name, thresholdWords[r.Threshold].In(lang)),
		fmt.Sprintf("%s\n%s\n期限：%s\n状態：%s", r.Title, who, when, StatusNames[r.Status].In(lang))
}

// emitReminder sends r's threshold to the organisation's webhooks, in the
// transaction that marks it sent: overdue as obligation.overdue, every
// earlier threshold as obligation.due_soon with the threshold named.
func emitReminder(ctx context.Context, tx *store.Tx, r dueReminder) error {
	ev := webhooks.EventObligationDueSoon
	if r.Threshold == ThresholdOverdue {
		ev = webhooks.EventObligationOverdue
	}
	return webhooks.Emit(ctx, tx, r.OrganisationID, ev, webhooks.Payload{"case_id": r.CaseID, "reference": r.Reference,
		"obligation_id": r.ObligationID, "rule_id": r.RuleID, "threshold": r.Threshold, "due_at": r.DueAt, "target_at": r.TargetAt})
}
