package assessment

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm/clause"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
	"github.com/breachdesk/breachdesk/app/webhooks"
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
	SubmittedAt        time.Time `json:"submitted_at" doc:"when it was sent; now when left out, never in the future"`
	RecipientReference string    `json:"recipient_reference" maxLength:"200" doc:"the recipient's reference number for it"`
}

// Submit marks an obligation submitted, with the time it was sent and the
// recipient's reference number, and cancels its reminders.
func (s *Service) Submit(ctx context.Context, p *auth.Principal, id int64, in Submission) (Obligation, error) {
	o, err := s.Obligation(ctx, p, id)
	if err != nil {
		return o, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return o, err
	}
	c, err := s.cases.Get(ctx, p, o.CaseID)
	if err != nil {
		return o, err
	}
	if in, err = s.CheckSubmission(c, in); err != nil {
		return o, err
	}
	if !o.Applicable || o.Status == StatusSubmitted || o.Status == StatusWaived {
		return o, apperr.Conflict(decided(o))
	}
	fields, action, summary := submitted(o, in)
	return s.decide(ctx, p, o, fields, action, summary)
}

// SubmitDocument marks the obligation of rule in case caseID submitted
// (as Submit does) in tx, the transaction that marks the document
// answering it sent: the two change together or not at all. An
// obligation that is not applicable or no longer open is left as it is.
func (s *Service) SubmitDocument(ctx context.Context, tx *store.Tx, p *auth.Principal, caseID int64, rule string, in Submission) error {
	o, err := lockedObligation(tx, p, caseID, rule)
	if err != nil || o.ID == 0 || !o.Open() {
		return err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return err
	}
	c, err := caseOf(tx, p.OrgID(), caseID)
	if err != nil {
		return err
	}
	if in, err = s.CheckSubmission(c, in); err != nil {
		return err
	}
	fields, action, summary := submitted(o, in)
	_, err = s.decideTx(ctx, tx, p, o, fields, action, summary)
	return err
}

// CompleteBySystem marks the obligation of rule in case caseID of
// organisation orgID submitted in tx, for a change the system made
// without a signed-in user (the letters worker notifying the last
// person, say): the change and the obligation commit together or not at
// all. It records the submission as Submit does (reminders cancelled,
// timeline, audit log with the actor in ctx) but with no deciding user.
// An obligation that is not applicable or no longer open is left as it
// is, so calling it again changes nothing.
func (s *Service) CompleteBySystem(ctx context.Context, tx *store.Tx, orgID, caseID int64, rule string, in Submission) error {
	o, err := lockedObligationOf(tx, orgID, caseID, rule)
	if err != nil || o.ID == 0 || !o.Open() {
		return err
	}
	c, err := caseOf(tx, orgID, caseID)
	if err != nil {
		return err
	}
	if in, err = s.CheckSubmission(c, in); err != nil {
		return err
	}
	fields, action, entry := submitted(o, in)
	_, err = s.decideTx(ctx, tx, nil, o, fields, action, entry)
	return err
}

// CheckSubmission validates in, a submission in case c, and fills in its
// defaults (the time sent is now when not given: the drill's time in a
// drill, see cases.DrillClock). Callers that write anything before the
// obligation call it first, so that a refused submission writes nothing.
func (s *Service) CheckSubmission(c cases.Case, in Submission) (Submission, error) {
	v := &apperr.ValidationError{}
	now := s.cases.ClockOf(c).Now()
	if in.SubmittedAt.IsZero() {
		in.SubmittedAt = now
	} else if in.SubmittedAt.After(now.Add(5 * time.Minute)) {
		v.Add("submitted_at", "validation.future")
	}
	in.RecipientReference = strings.TrimSpace(in.RecipientReference)
	if utf8.RuneCountInString(in.RecipientReference) > 200 {
		v.Add("recipient_reference", "validation.max_chars", 200)
	}
	if pan.Contains(in.RecipientReference) {
		v.Add("recipient_reference", "validation.full_pan")
	}
	return in, v.OrNil()
}

// submitted is the decision that o was sent as in says.
func submitted(o Obligation, in Submission) (fields map[string]any, action string, entry apperr.Message) {
	at := in.SubmittedAt.UTC()
	return map[string]any{"status": StatusSubmitted, "submitted_at": at, "recipient_reference": in.RecipientReference},
		"obligation.submit", apperr.Msg("timeline.obligation_submitted", obligations.Title(o.RuleID), at)
}

// Waive records legal's decision that an obligation does not have to be
// met, with the reason; reminders stop.
func (s *Service) Waive(ctx context.Context, p *auth.Principal, id int64, reason string) (Obligation, error) {
	o, err := s.Obligation(ctx, p, id)
	if err != nil {
		return o, err
	}
	if err := p.Require(auth.Approve); err != nil {
		return o, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 2000 {
		return o, apperr.Invalid("reason", "validation.required_max_chars", 2000)
	}
	reason, _ = pan.Mask(reason)
	if !o.Applicable || o.Status == StatusSubmitted || o.Status == StatusWaived {
		return o, apperr.Conflict(decided(o))
	}
	return s.decide(ctx, p, o, map[string]any{"status": StatusWaived, "waive_reason": reason}, "obligation.waive", apperr.Msg("timeline.obligation_waived", obligations.Title(o.RuleID), reason))
}

// SetDraftState moves an obligation between pending, drafted and approved
// as its document is written and checked; approval is legal's.
func (s *Service) SetDraftState(ctx context.Context, p *auth.Principal, id int64, status string) (Obligation, error) {
	o, err := s.Obligation(ctx, p, id)
	if err != nil {
		return o, err
	}
	perm, err := draftStatePermission(status)
	if err != nil {
		return o, err
	}
	if err := p.Require(perm); err != nil {
		return o, err
	}
	if !o.Open() {
		return o, apperr.Conflict(decided(o))
	}
	return s.decide(ctx, p, o, map[string]any{"status": status}, "obligation."+status, statusEntry(o, status))
}

// FollowDocument moves the obligation of rule in case caseID to status
// (as SetDraftState does) in tx, the transaction that moves the document
// drafting it: the two change together or not at all. An obligation that
// is not applicable, no longer open or already at status is left as it
// is; the document's own state is the record.
func (s *Service) FollowDocument(ctx context.Context, tx *store.Tx, p *auth.Principal, caseID int64, rule, status string) error {
	perm, err := draftStatePermission(status)
	if err != nil {
		return err
	}
	o, err := lockedObligation(tx, p, caseID, rule)
	if err != nil || o.ID == 0 || !o.Open() || o.Status == status {
		return err
	}
	if err := p.Require(perm); err != nil {
		return err
	}
	_, err = s.decideTx(ctx, tx, p, o, map[string]any{"status": status}, "obligation."+status, statusEntry(o, status))
	return err
}

// lockedObligation is the applicable obligation of rule in the
// principal's case caseID, locked for the rest of tx; its ID is 0 when
// there is none.
func lockedObligation(tx *store.Tx, p *auth.Principal, caseID int64, rule string) (Obligation, error) {
	return lockedObligationOf(tx, p.OrgID(), caseID, rule)
}

// lockedObligationOf is lockedObligation for organisation orgID, for the
// system, which acts without a principal.
func lockedObligationOf(tx *store.Tx, orgID, caseID int64, rule string) (Obligation, error) {
	var o Obligation
	if orgID == 0 {
		return o, nil
	}
	err := tx.DB.Clauses(clause.Locking{Strength: "UPDATE"}).
		Where("organisation_id = ? AND case_id = ? AND rule_id = ? AND applicable", orgID, caseID, rule).Limit(1).Find(&o).Error
	return o, err
}

// draftStateRoles are the roles that may set an obligation to status.
func draftStatePermission(status string) (auth.Permission, error) {
	switch status {
	case StatusPending, StatusDrafted:
		return auth.WriteDocuments, nil
	case StatusApproved:
		return auth.Approve, nil
	}
	return 0, apperr.Invalid("status", "validation.one_of", strings.Join([]string{StatusPending, StatusDrafted, StatusApproved}, ", "))
}

// decide changes o with fields in a transaction of its own.
func (s *Service) decide(ctx context.Context, p *auth.Principal, o Obligation, fields map[string]any, action string, entry apperr.Message) (Obligation, error) {
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		o, err = s.decideTx(ctx, tx, p, o, fields, action, entry)
		return err
	})
	return o, err
}

// decideTx changes o with fields in tx, reschedules its reminders and
// records the decision on the timeline and in the audit log. A nil p is
// the system: no user decided.
func (s *Service) decideTx(ctx context.Context, tx *store.Tx, p *auth.Principal, o Obligation, fields map[string]any, action string, entry apperr.Message) (Obligation, error) {
	// A voided case takes no decision: its obligations never existed.
	if err := cases.LockWritable(ctx, tx, o.CaseID); err != nil {
		return o, err
	}
	fields["decided_by"] = nil // the system (CompleteBySystem)
	if p != nil {
		fields["decided_by"] = p.User.ID
	}
	fields["updated_at"] = s.now()
	if err := tx.DB.Model(&Obligation{}).Where("id = ? AND organisation_id = ?", o.ID, o.OrganisationID).Updates(fields).Error; err != nil {
		return o, err
	}
	if err := tx.DB.Take(&o, o.ID).Error; err != nil {
		return o, err
	}
	if err := s.deadlines.schedule(ctx, tx, o, s.now()); err != nil {
		return o, err
	}
	if err := timeline.Record(ctx, tx, o.OrganisationID, o.CaseID, action, entry.Code, entry.Args...); err != nil {
		return o, err
	}
	if action == "obligation.submit" {
		if err := webhooks.Emit(ctx, tx, o.OrganisationID, webhooks.EventObligationSubmitted, webhooks.Payload{"case_id": o.CaseID, "obligation_id": o.ID,
			"rule_id": o.RuleID, "submitted_at": o.SubmittedAt}); err != nil {
			return o, err
		}
	}
	return o, audit.Record(ctx, tx, audit.Entry{OrganisationID: o.OrganisationID, Action: action, TargetType: "obligation", TargetID: fmt.Sprint(o.ID), Details: fields})
}

// decided names the message that o can no longer be decided on.
func decided(o Obligation) string {
	switch {
	case !o.Applicable:
		return "conflict.obligation_not_applicable"
	case o.Status == StatusWaived:
		return "conflict.obligation_waived"
	}
	return "conflict.obligation_submitted"
}

// statusEntry is the timeline entry for o moved to status.
func statusEntry(o Obligation, status string) apperr.Message {
	return apperr.Msg("timeline.obligation_status", obligations.Title(o.RuleID), StatusNames[status])
}
