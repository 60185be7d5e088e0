package assessment_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
)

// The system completes an obligation without a signed-in user, in the
// caller's transaction, as Submit would: submitted with the time and
// reference, reminders cancelled, timeline and audit written, no deciding
// user. A bad submission is a domain error that writes nothing; an
// obligation of another organisation, of no such rule, or no longer open
// is left as it is.
func TestCompleteBySystemSubmitsWithoutAUser(t *testing.T) {
	t.Parallel()
	fx := setup(t, clocktest.New(t))
	ctx := context.Background()
	c, err := fx.cases.Create(ctx, &fx.owner, cases.NewCase{Title: "Leak", AwareAt: fx.clk.Now().Add(-time.Hour), IncidentType: "unauthorized_access"})
	if err != nil {
		t.Fatal(err)
	}
	obs, _ := fx.as.Obligations(ctx, &fx.owner, c.Case.ID)
	prelim := obligation(t, obs, "jp.appi.ppc.preliminary")
	if len(reminders(t, fx.st, prelim.ID, "scheduled")) == 0 {
		t.Fatal("the preliminary report has no reminders to cancel")
	}
	org := fx.owner.OrgID()
	complete := func(orgID int64, rule string, in assessment.Submission) error {
		return fx.st.InTx(ctx, func(tx *store.Tx) error { return fx.as.CompleteBySystem(ctx, tx, orgID, c.Case.ID, rule, in) })
	}
	read := func() assessment.Obligation {
		o, err := fx.as.Obligation(ctx, &fx.owner, prelim.ID)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}

	err = complete(org, prelim.RuleID, assessment.Submission{SubmittedAt: fx.clk.Now().Add(time.Hour), RecipientReference: "letters"})
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) || ve.For("submitted_at") == "" {
		t.Fatalf("a submission in the future: %v, want a validation error on submitted_at", err)
	}
	if o := read(); !o.Open() {
		t.Fatalf("a refused submission changed the obligation to %s", o.Status)
	}
	if err := complete(org+1000, prelim.RuleID, assessment.Submission{}); err != nil {
		t.Fatal(err)
	}
	if err := complete(org, "no.such.rule", assessment.Submission{}); err != nil {
		t.Fatal(err)
	}
	if o := read(); !o.Open() {
		t.Fatalf("another organisation's or rule's completion changed the obligation to %s", o.Status)
	}

	at := fx.clk.Now().Add(-10 * time.Minute).Truncate(time.Microsecond)
	if err := complete(org, prelim.RuleID, assessment.Submission{SubmittedAt: at, RecipientReference: "letters: batch #1"}); err != nil {
		t.Fatal(err)
	}
	o := read()
	if o.Status != assessment.StatusSubmitted || o.SubmittedAt == nil || !o.SubmittedAt.Equal(at) || o.RecipientReference != "letters: batch #1" || o.DecidedBy != nil {
		t.Fatalf("completed: %s at %v, reference %q, decided by %v", o.Status, o.SubmittedAt, o.RecipientReference, o.DecidedBy)
	}
	if n := len(reminders(t, fx.st, prelim.ID, "scheduled")); n != 0 {
		t.Errorf("%d reminders still scheduled", n)
	}
	var entries, audits int64
	fx.st.DB.Raw(`SELECT count(*) FROM timeline_entries WHERE case_id = ? AND action = 'obligation.submit' AND actor_id IS NULL`, c.Case.ID).Scan(&entries)
	fx.st.DB.Raw(`SELECT count(*) FROM audit_log WHERE action = 'obligation.submit' AND target_id = ? AND actor = 'system'`, fmt.Sprint(prelim.ID)).Scan(&audits)
	if entries != 1 || audits != 1 {
		t.Errorf("%d timeline entries and %d audit rows by the system, want 1 each", entries, audits)
	}

	// Completing again changes nothing: the first submission stands.
	if err := complete(org, prelim.RuleID, assessment.Submission{SubmittedAt: fx.clk.Now(), RecipientReference: "again"}); err != nil {
		t.Fatal(err)
	}
	if o := read(); !o.SubmittedAt.Equal(at) || o.RecipientReference != "letters: batch #1" {
		t.Errorf("a second completion moved the submission to %v %q", o.SubmittedAt, o.RecipientReference)
	}
	// A waived obligation stays waived.
	final := obligation(t, obs, "jp.appi.ppc.final")
	if _, err := fx.as.Waive(ctx, &fx.legal, final.ID, "counsel: not reportable"); err != nil {
		t.Fatal(err)
	}
	if err := complete(org, final.RuleID, assessment.Submission{}); err != nil {
		t.Fatal(err)
	}
	if o, _ := fx.as.Obligation(ctx, &fx.owner, final.ID); o.Status != assessment.StatusWaived {
		t.Errorf("a waived obligation became %s", o.Status)
	}
}
