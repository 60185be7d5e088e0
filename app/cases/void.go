package cases

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// voidReasonMax is the longest reason a void may give.
const voidReasonMax = 2000

// Voided reports whether the case was withdrawn as opened in error.
func (c Case) Voided() bool { return c.VoidedAt != nil }

// errVoided refuses a change to a voided case. A voided case is kept as
// it was withdrawn, so that the record of the mistake stays exact.
func errVoided() error { return apperr.Conflict("conflict.case_voided") }

// GetWritable is Get for a change: a voided case is refused with a
// conflict (conflict.case_voided). Every service that changes a case or
// what hangs off it loads the case through here, which makes it the one
// place the rule lives; the check inside the transaction is LockWritable.
func (s *Service) GetWritable(ctx context.Context, p *auth.Principal, id int64) (Case, error) {
	c, err := s.Get(ctx, p, id)
	if err != nil {
		return c, err
	}
	if c.Voided() {
		return c, errVoided()
	}
	return c, nil
}

// LockWritable locks the case's row until tx ends and refuses a voided
// case. A change that must not race a void (a second publication of the
// case's notice, say) takes it inside its transaction: Void takes the
// same lock, so one of the two waits for the other and sees its result.
func LockWritable(ctx context.Context, tx *store.Tx, caseID int64) error {
	var row struct{ Voided bool }
	if err := tx.DB.WithContext(ctx).Raw(`SELECT voided_at IS NOT NULL AS voided FROM cases WHERE id = ? FOR UPDATE`, caseID).Scan(&row).Error; err != nil {
		return err
	}
	if row.Voided {
		return errVoided()
	}
	return nil
}

// Void withdraws a case opened in error (a test, a duplicate, a wrong
// awareness date): it leaves the dashboard, its counts and every list of
// deadlines, its reminders are cancelled, and it accepts no further
// change, but it stays readable by its address, on its timeline and in
// the audit log, with who voided it, when and why. A case whose public
// notice is online is refused: a published notice must not silently
// lose its case; it is taken down first. So is a case whose letters are
// still being sent.
func (s *Service) Void(ctx context.Context, p *auth.Principal, id int64, reason string) (Case, error) {
	c, err := s.Get(ctx, p, id)
	if err != nil {
		return c, err
	}
	if err := p.Require(auth.ManageCases); err != nil {
		return c, err
	}
	if c.Voided() {
		return c, errVoided()
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return c, apperr.Invalid("reason", "validation.void_reason_required")
	case n > voidReasonMax:
		return c, apperr.Invalid("reason", "validation.max_chars", voidReasonMax)
	}
	reason, _ = pan.Mask(reason)
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		// The row lock makes a concurrent void, publication or letter
		// batch wait, so the checks below see what they committed.
		if err := LockWritable(ctx, tx, c.ID); err != nil {
			return err
		}
		var busy struct{ Published, Sending int64 }
		if err := tx.DB.Raw(`SELECT
				(SELECT count(*) FROM notices WHERE case_id = ? AND organisation_id = ? AND status = 'published') AS published,
				(SELECT count(*) FROM letter_batches WHERE case_id = ? AND organisation_id = ? AND status = 'running') AS sending`,
			c.ID, c.OrganisationID, c.ID, c.OrganisationID).Scan(&busy).Error; err != nil {
			return err
		}
		if busy.Published > 0 {
			return apperr.Conflict("conflict.case_void_notice_published")
		}
		if busy.Sending > 0 {
			return apperr.Conflict("conflict.case_void_letters_sending")
		}
		now := s.now()
		c.VoidedAt, c.VoidedBy, c.VoidReason, c.UpdatedAt = &now, &p.User.ID, reason, now
		if err := tx.DB.Model(&Case{}).Where("id = ?", c.ID).
			Updates(map[string]any{"voided_at": now, "voided_by": p.User.ID, "void_reason": reason, "updated_at": now}).Error; err != nil {
			return err
		}
		// Its reminders would keep calling people about deadlines that
		// never existed.
		if err := s.obligations.CaseVoided(ctx, tx, c); err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "case.void", "timeline.case_voided", reason); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "case.void", TargetType: "case", TargetID: fmt.Sprint(c.ID),
			Details: map[string]any{"reference": c.Reference, "reason": reason}})
	})
	if err != nil {
		return Case{}, err
	}
	return c, nil
}
