package security

import (
	"context"
	"fmt"

	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/store"
)

// maxRemindersPerRun bounds one run of RemindDueReviews; the next run
// (the job is periodic) takes the rest.
const maxRemindersPerRun = 500

// dueReview is a measure whose next review date has come.
type dueReview struct {
	OrganisationID int64
	MeasureID      string
	DueOn          string
	OwnerID        *int64
}

// RemindDueReviews notifies, once per measure and due date, the people
// responsible for each measure whose next review date has come (today or
// earlier in its organisation's zone): the measure's owner while a member,
// else the organisation's owners and managers. Each notification queues
// its e-mail in the same transaction. It returns how many reviews it
// reminded of; a second run at the same time reminds of none.
func (s *Service) RemindDueReviews(ctx context.Context) (int, error) {
	now := s.clk.Now()
	var due []dueReview
	// The due test is per organisation zone: its "today" is now there.
	err := s.st.DB.WithContext(ctx).Raw(`SELECT m.organisation_id, m.measure_id, to_char(m.next_review_on, 'YYYY-MM-DD') AS due_on, m.owner_id
		FROM security_measures m JOIN organisations o ON o.id = m.organisation_id
		WHERE m.next_review_on IS NOT NULL
			AND m.next_review_on <= (?::timestamptz AT TIME ZONE COALESCE(NULLIF(o.timezone, ''), ?))::date
			AND NOT EXISTS (SELECT 1 FROM security_review_reminders r
				WHERE r.organisation_id = m.organisation_id AND r.measure_id = m.measure_id AND r.due_on = m.next_review_on)
		ORDER BY m.next_review_on, m.organisation_id, m.measure_id LIMIT ?`, now, obligations.DefaultTimezone, maxRemindersPerRun).Scan(&due).Error
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, d := range due {
		if _, ok := MeasureByID(d.MeasureID); !ok {
			continue // a measure the catalogue dropped: nothing to review
		}
		done, err := s.remind(ctx, d)
		if err != nil {
			return sent, err
		}
		if done {
			sent++
		}
	}
	return sent, nil
}

// remind writes one review's notifications in one transaction, claiming
// the (measure, due date) first so that concurrent runs notify once.
func (s *Service) remind(ctx context.Context, d dueReview) (bool, error) {
	done := false
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		res := tx.DB.Exec(`INSERT INTO security_review_reminders (organisation_id, measure_id, due_on, sent_at)
			VALUES (?, ?, ?::date, ?) ON CONFLICT DO NOTHING`, d.OrganisationID, d.MeasureID, d.DueOn, tx.Now())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return nil
		}
		var recipients []struct {
			ID       int64
			Language string
		}
		if err := tx.DB.Raw(`SELECT u.id, u.language FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.organisation_id = ? AND u.disabled_at IS NULL AND (
				u.id = ? OR (NOT EXISTS (SELECT 1 FROM memberships o JOIN users ou ON ou.id = o.user_id
					WHERE o.organisation_id = ? AND o.user_id = ? AND ou.disabled_at IS NULL)
				AND m.role IN ('owner', 'manager')))
			ORDER BY u.id`, d.OrganisationID, d.OwnerID, d.OrganisationID, d.OwnerID).Scan(&recipients).Error; err != nil {
			return err
		}
		m, _ := MeasureByID(d.MeasureID)
		msgs, err := messages()
		if err != nil {
			return err
		}
		for _, to := range recipients {
			lang := to.Language
			if lang != "en" {
				lang = "ja"
			}
			var id int64
			if err := tx.DB.Raw(`INSERT INTO notifications (organisation_id, user_id, title, body, link, created_at)
				VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, d.OrganisationID, to.ID,
				msgs.T(lang, "security.reminder_title", m.Title.In(lang)), msgs.T(lang, "security.reminder_body", d.DueOn),
				"/security#m-"+d.MeasureID, tx.Now()).Scan(&id).Error; err != nil {
				return err
			}
			if _, err := tx.Enqueue(ctx, jobs.SendNotificationEmail{NotificationID: id}, nil); err != nil {
				return err
			}
		}
		done = true
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: d.OrganisationID, Action: "security.review.remind", TargetType: "security_measure",
			TargetID: d.MeasureID, Details: map[string]any{"due_on": d.DueOn, "recipients": len(recipients)}})
	})
	if err != nil {
		return false, fmt.Errorf("security: remind %s of organisation %d: %w", d.MeasureID, d.OrganisationID, err)
	}
	return done, nil
}
