package web_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/store"
)

// A voided case takes no decision through the actions that reach it by
// another object's id: an obligation submitted or waived, a document
// approved, sent back or marked sent, bounces recorded. Each is refused with
// conflict.case_voided and changes nothing.
func TestVoidedCaseRefusesDecisionsByObjectID(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	alice := h.user("alice@a.example", "org-a", auth.RoleOwner)
	lee := h.user("lee@a.example", "org-a", auth.RoleLegal)
	owner, legal := h.principalIn(alice, "org-a", auth.RoleOwner), h.principalIn(lee, "org-a", auth.RoleLegal)
	c, err := h.cases.Create(ctx, owner, cases.NewCase{Title: "誤登録", AwareAt: h.clk.Now().Add(-48 * time.Hour), IncidentType: "card_skimming", Playbook: "jp-card-leak"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := h.drafts.Generate(ctx, owner, c.Case.ID, "ppc_preliminary", "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.InTx(ctx, func(tx *store.Tx) error { return h.drafts.RenderInTx(ctx, tx, d.ID) }); err != nil {
		t.Fatal(err)
	}
	if d, err = h.drafts.Get(ctx, owner, d.ID); err != nil {
		t.Fatal(err)
	}
	var obligationID int64
	h.st.DB.Raw(`SELECT id FROM obligations WHERE case_id = ? AND rule_id = 'jp.appi.ppc.preliminary'`, c.Case.ID).Scan(&obligationID)
	if _, err := h.cases.Void(ctx, owner, c.Case.ID, "テストで登録した"); err != nil {
		t.Fatal(err)
	}
	voided := func(what string, err error) {
		t.Helper()
		var e *apperr.Error
		if !errors.As(err, &e) || e.Code != "conflict.case_voided" {
			t.Errorf("%s on a voided case: %v, want conflict.case_voided", what, err)
		}
	}
	_, err = h.as.Submit(ctx, owner, obligationID, assessment.Submission{RecipientReference: "PPC-1"})
	voided("submitting an obligation", err)
	_, err = h.as.Waive(ctx, legal, obligationID, "不要")
	voided("waiving an obligation", err)
	_, err = h.drafts.Approve(ctx, legal, d.ID, d.ContentHash())
	voided("approving a document", err)
	_, err = h.drafts.SendBack(ctx, legal, d.ID, "直してください")
	voided("sending a document back", err)
	ls := letters.NewService(h.st, h.clk, h.cases, h.as, letters.Options{Renderer: apptest.Renderer(t)})
	_, err = ls.RecordBounces(ctx, owner, c.Case.ID, []letters.Bounce{{Email: "p1@example.jp", Reason: "550 unknown"}})
	voided("recording bounces", err)
	var changed int64
	h.st.DB.Raw(`SELECT count(*) FROM obligations WHERE case_id = ? AND status IN ('submitted', 'waived', 'approved')`, c.Case.ID).Scan(&changed)
	if changed != 0 {
		t.Fatalf("%d obligations of the voided case changed", changed)
	}
	h.st.DB.Raw(`SELECT count(*) FROM documents WHERE case_id = ? AND (status <> 'draft' OR returned_at IS NOT NULL)`, c.Case.ID).Scan(&changed)
	if changed != 0 {
		t.Fatal("the voided case's document changed")
	}
}
