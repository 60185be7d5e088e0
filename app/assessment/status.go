package assessment

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// Obligation returns one obligation of the principal's organisation.
func (s *Service) Obligation(ctx context.Context, p *auth.Principal, id int64) (Obligation, error) {
	var o Obligation
	if p.OrgID() == 0 {
		return o, apperr.ErrNotFound
	}
	err := s.st.DB.WithContext(ctx).Where("id = ? AND organisation_id = ?", id, p.OrgID()).Take(&o).Error
	if store.IsNotFound(err) {
		return o, apperr.ErrNotFound
	}
	return o, err
}

// ObligationInCase returns obligation id only if it belongs to caseID.
func (s *Service) ObligationInCase(ctx context.Context, p *auth.Principal, caseID, id int64) (Obligation, error) {
	o, err := s.Obligation(ctx, p, id)
	if err == nil && o.CaseID != caseID {
		return o, apperr.ErrNotFound
	}
	return o, err
}

// Submission records that a report or notice was sent.
type Submission struct {
	SubmittedAt        time.Time `json:"submitted_at"`
	RecipientReference string    `json:"recipient_reference"`
}

// Submit marks an obligation submitted, with the time it was sent and the
// recipient's reference number, and cancels its reminders.
func (s *Service) Submit(ctx context.Context, p *auth.Principal, id int64, in Submission) (Obligation, error) {
	o, err := s.Obligation(ctx, p, id)
	if err != nil {
		return o, err
	}
	if err := p.Require(auth.RoleOwner, auth.RoleManager, auth.RoleLegal); err != nil {
		return o, err
	}
	v := &apperr.ValidationError{}
	if in.SubmittedAt.IsZero() {
		in.SubmittedAt = s.now()
	} else if in.SubmittedAt.After(s.now().Add(5 * time.Minute)) {
		v.Add("submitted_at", "is in the future")
	}
	in.RecipientReference = strings.TrimSpace(in.RecipientReference)
	if utf8.RuneCountInString(in.RecipientReference) > 200 {
		v.Add("recipient_reference", "must be at most 200 characters")
	}
	if pan.Contains(in.RecipientReference) {
		v.Add("recipient_reference", "contains a full card number")
	}
	if err := v.OrNil(); err != nil {
		return o, err
	}
	if !o.Applicable || o.Status == StatusSubmitted || o.Status == StatusWaived {
		return o, fmt.Errorf("%w: the obligation is %s", apperr.ErrConflict, describe(o))
	}
	at := in.SubmittedAt.UTC()
	return s.decide(ctx, p, o, map[string]any{"status": StatusSubmitted, "submitted_at": at, "recipient_reference": in.RecipientReference},
		"obligation.submit", fmt.Sprintf("%s submitted (%s)", o.RuleID, at.Format(time.RFC3339)))
}

// Waive records legal's decision that an obligation does not have to be
// met, with the reason; reminders stop.
func (s *Service) Waive(ctx context.Context, p *auth.Principal, id int64, reason string) (Obligation, error) {
	o, err := s.Obligation(ctx, p, id)
	if err != nil {
		return o, err
	}
	if err := p.Require(auth.RoleLegal); err != nil {
		return o, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 2000 {
		return o, apperr.Invalid("reason", "is required (at most 2,000 characters)")
	}
	reason, _ = pan.Mask(reason)
	if !o.Applicable || o.Status == StatusSubmitted || o.Status == StatusWaived {
		return o, fmt.Errorf("%w: the obligation is %s", apperr.ErrConflict, describe(o))
	}
	return s.decide(ctx, p, o, map[string]any{"status": StatusWaived, "waive_reason": reason}, "obligation.waive", fmt.Sprintf("%s waived: %s", o.RuleID, reason))
}

// SetDraftState moves an obligation between pending, drafted and approved
// as its document is written and checked; approval is legal's.
func (s *Service) SetDraftState(ctx context.Context, p *auth.Principal, id int64, status string) (Obligation, error) {
	o, err := s.Obligation(ctx, p, id)
	if err != nil {
		return o, err
	}
	roles := []auth.Role{auth.RoleOwner, auth.RoleManager, auth.RoleLegal}
	switch status {
	case StatusPending, StatusDrafted:
	case StatusApproved:
		roles = []auth.Role{auth.RoleLegal}
	default:
		return o, apperr.Invalid("status", "must be pending, drafted or approved")
	}
	if err := p.Require(roles...); err != nil {
		return o, err
	}
	if !o.Open() {
		return o, fmt.Errorf("%w: the obligation is %s", apperr.ErrConflict, describe(o))
	}
	return s.decide(ctx, p, o, map[string]any{"status": status}, "obligation."+status, fmt.Sprintf("%s marked %s", o.RuleID, status))
}

func (s *Service) decide(ctx context.Context, p *auth.Principal, o Obligation, fields map[string]any, action, summary string) (Obligation, error) {
	fields["decided_by"] = p.User.ID
	fields["updated_at"] = s.now()
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Model(&Obligation{}).Where("id = ? AND organisation_id = ?", o.ID, o.OrganisationID).Updates(fields).Error; err != nil {
			return err
		}
		if err := tx.DB.Take(&o, o.ID).Error; err != nil {
			return err
		}
		if err := s.deadlines.schedule(ctx, tx, o, s.now()); err != nil {
			return err
		}
		if err := timeline.Auto(ctx, tx, o.OrganisationID, o.CaseID, action, summary); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: o.OrganisationID, Action: action, TargetType: "obligation", TargetID: fmt.Sprint(o.ID), Details: fields})
	})
	return o, err
}

func describe(o Obligation) string {
	if !o.Applicable {
		return "no longer applicable"
	}
	return "already " + o.Status
}
