package security_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/security"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

// causeWorld is a case of the "shop" organisation with its owner, a
// manager, legal, a viewer, and another organisation's owner.
type causeWorld struct {
	st                            *store.Store
	cases                         *cases.Service
	svc                           *security.Service
	notices                       *notices.Service
	owner, manager, legal, viewer *auth.Principal
	other                         *auth.Principal
	caseID                        int64
}

func newCauseWorld(t *testing.T) *causeWorld {
	t.Helper()
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	a := apptest.Auth(t, st, clk)
	cs, as := apptest.Cases(st, clk)
	w := &causeWorld{st: st, cases: cs, svc: security.NewService(st, clk, cs), notices: notices.NewService(st, clk, cs, as, apptest.Renderer(t))}
	w.owner = apptest.Principal(t, a, "owner@shop.example", "shop", auth.RoleOwner)
	w.manager = apptest.Principal(t, a, "manager@shop.example", "shop", auth.RoleManager)
	w.legal = apptest.Principal(t, a, "legal@shop.example", "shop", auth.RoleLegal)
	w.viewer = apptest.Principal(t, a, "viewer@shop.example", "shop", auth.RoleViewer)
	w.other = apptest.Principal(t, a, "owner@other.example", "other", auth.RoleOwner)
	w.caseID = apptest.NewCase(t, cs, clk, w.owner)
	return w
}

// register sets measures of the shop's register.
func (w *causeWorld) register(t *testing.T, statuses map[string]string) {
	t.Helper()
	for id, status := range statuses {
		in := security.Update{MeasureID: id, Status: status}
		if status == security.StatusNotApplicable {
			in.Reason = "決済は外部の決済代行会社のリンク型のみ"
		}
		if _, err := w.svc.SetMeasure(context.Background(), w.owner, in); err != nil {
			t.Fatal(err)
		}
	}
}

func (w *causeWorld) cause(t *testing.T, code, description string) security.CaseCause {
	t.Helper()
	cc, err := w.svc.AddCause(context.Background(), w.manager, w.caseID, security.CauseInput{Code: code, Description: description, Source: "PFI最終報告書"})
	if err != nil {
		t.Fatal(err)
	}
	return cc
}

// itemKeys names the plan's items by catalogue measure and cause.
func itemKeys(ms []notices.Measure) []string {
	var out []string
	for _, m := range ms {
		key := m.TitleJA
		if m.SecurityMeasure != nil {
			key = *m.SecurityMeasure + "<-" + *m.CauseCode
		}
		out = append(out, key)
	}
	return out
}

// Every cause of the taxonomy is labelled in both languages and maps only
// to measures of the catalogue; the mapping the issue names is there;
// "other" maps to none and needs a description.
func TestCauseTaxonomyMapsToCatalogue(t *testing.T) {
	t.Parallel()
	must := map[string][]string{
		security.CausePageTamper: {security.MeasureAdminAccess, security.MeasureAdminMFA, security.MeasurePatching, security.MeasureWebAppVuln,
			security.MeasureLogMonitoring, security.MeasureWAF},
		security.CauseSQLInjection:       {security.MeasureWebAppVuln, security.MeasureWAF, security.MeasureNonRetention},
		security.CauseVulnerablePlugin:   {security.MeasurePatching},
		security.CauseExposedDirectory:   {security.MeasureDataDirectory},
		security.CauseCardTesting:        {security.MeasureCardTesting, security.MeasureEMV3DS},
		security.CauseCredentialStuffing: {security.MeasureLoginFraud},
		security.CauseInsider:            {security.MeasureLeastPrivilege, security.MeasureLogMonitoring},
		security.CauseMisdelivery:        {security.MeasureTraining},
		security.CauseLostDevice:         {security.MeasureTraining},
		security.CauseOther:              nil,
	}
	all := security.Causes()
	if len(all) != len(must) {
		t.Fatalf("%d causes, want %d", len(all), len(must))
	}
	for _, c := range all {
		t.Run(c.Code, func(t *testing.T) {
			want, listed := must[c.Code]
			if !listed {
				t.Fatalf("cause %s is not in the issue's taxonomy", c.Code)
			}
			if c.Label.JA == "" || c.Label.EN == "" {
				t.Errorf("label %+v", c.Label)
			}
			seen := map[string]bool{}
			for _, id := range c.Prevented {
				if _, ok := security.MeasureByID(id); !ok {
					t.Errorf("maps to %q, which is not in the catalogue", id)
				}
				if seen[id] {
					t.Errorf("maps to %s twice", id)
				}
				seen[id] = true
			}
			for _, id := range want {
				if !seen[id] {
					t.Errorf("does not map to %s", id)
				}
			}
			if (c.Code == security.CauseOther) != (len(c.Prevented) == 0) || (c.Code == security.CauseOther) != c.NeedsDescription {
				t.Errorf("maps to %v, needs a description: %v", c.Prevented, c.NeedsDescription)
			}
			if got, ok := security.CauseByCode(c.Code); !ok || got.Code != c.Code {
				t.Errorf("CauseByCode(%s) = %v %v", c.Code, got.Code, ok)
			}
		})
	}
	if _, ok := security.CauseByCode("bad_luck"); ok {
		t.Error("an unknown code was found")
	}
}

// A cause is refused, naming the field or the reason, when its code is
// unknown, "other" says nothing, the text is too long, the code is
// recorded already, the person may not work cases, or the case is
// another organisation's, voided or closed; nothing is stored then.
func TestCauseRecordingRules(t *testing.T) {
	t.Parallel()
	w := newCauseWorld(t)
	ctx := context.Background()
	w.cause(t, security.CausePageTamper, "管理画面のパスワードが推測され、決済画面のJavaScriptが改ざんされた")
	voided := apptest.NewCase(t, w.cases, clocktest.New(t), w.owner)
	if _, err := w.cases.Void(ctx, w.owner, voided, "テストで登録した"); err != nil {
		t.Fatal(err)
	}
	closed := apptest.NewCase(t, w.cases, clocktest.New(t), w.owner)
	w.st.DB.Exec(`UPDATE cases SET phase = 'closed', closed_at = now() WHERE id = ?`, closed)

	tests := []struct {
		name   string
		p      *auth.Principal
		caseID int64
		in     security.CauseInput
		field  string // the validation error's field, or
		code   string // the domain error's code, or
		kind   error  // the error's kind
	}{
		{"unknown code", w.manager, w.caseID, security.CauseInput{Code: "bad_luck"}, "code", "", nil},
		{"other without a description", w.manager, w.caseID, security.CauseInput{Code: security.CauseOther, Description: "  "}, "description", "", nil},
		{"description too long", w.manager, w.caseID, security.CauseInput{Code: security.CauseInsider, Description: strings.Repeat("あ", 5001)}, "description", "", nil},
		{"source too long", w.manager, w.caseID, security.CauseInput{Code: security.CauseInsider, Source: strings.Repeat("x", 301)}, "source", "", nil},
		{"recorded already", w.manager, w.caseID, security.CauseInput{Code: security.CausePageTamper}, "code", "", nil},
		{"a viewer", w.viewer, w.caseID, security.CauseInput{Code: security.CauseInsider}, "", "", apperr.ErrForbidden},
		{"another organisation's case", w.other, w.caseID, security.CauseInput{Code: security.CauseInsider}, "", "", apperr.ErrNotFound},
		{"a voided case", w.manager, voided, security.CauseInput{Code: security.CauseInsider}, "", "conflict.case_voided", nil},
		{"a closed case", w.manager, closed, security.CauseInput{Code: security.CauseInsider}, "", "conflict.case_closed", nil},
	}
	for _, tc := range tests {
		_, err := w.svc.AddCause(ctx, tc.p, tc.caseID, tc.in)
		var ve *apperr.ValidationError
		var ae *apperr.Error
		switch {
		case tc.field != "":
			if !errors.As(err, &ve) || ve.For(tc.field) == "" {
				t.Errorf("%s: %v, want a validation error on %s", tc.name, err, tc.field)
			}
		case tc.code != "":
			if !errors.As(err, &ae) || ae.Code != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			}
		case !errors.Is(err, tc.kind):
			t.Errorf("%s: %v, want %v", tc.name, err, tc.kind)
		}
	}
	if n := apptest.Count(t, w.st, `SELECT count(*) FROM case_causes`); n != 1 {
		t.Fatalf("%d causes stored, want the first one only", n)
	}

	// "other" with its finding is recorded, twice if need be; a card
	// number quoted in a finding is stored masked.
	w.cause(t, security.CauseOther, "委託先の作業端末から")
	cc := w.cause(t, security.CauseOther, "ログに 4111 1111 1111 1111 が残っていた")
	if strings.Contains(cc.Description, "4111 1111 1111 1111") || strings.Contains(cc.Description, "4111111111111111") {
		t.Fatalf("card number stored: %q", cc.Description)
	}
	list, err := w.svc.CaseCauses(ctx, w.viewer, w.caseID)
	if err != nil || len(list) != 3 || list[0].Code != security.CausePageTamper || list[1].Code != security.CauseOther {
		t.Fatalf("causes %+v %v", list, err)
	}
	if _, err := w.svc.CaseCauses(ctx, w.other, w.caseID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("another organisation lists the causes: %v", err)
	}
	if err := w.svc.RemoveCause(ctx, w.other, w.caseID, list[1].ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("another organisation removes a cause: %v", err)
	}
	if err := w.svc.RemoveCause(ctx, w.manager, w.caseID, list[1].ID); err != nil {
		t.Fatal(err)
	}
	if n := apptest.Count(t, w.st, `SELECT count(*) FROM timeline_entries WHERE case_id = ? AND action LIKE 'prevention.cause_%'`, w.caseID); n != 4 {
		t.Fatalf("%d timeline entries for three causes added and one removed", n)
	}
	if n := apptest.Count(t, w.st, `SELECT count(*) FROM audit_log WHERE action LIKE 'prevention.cause_%'`); n != 4 {
		t.Fatalf("%d audit rows for three causes added and one removed", n)
	}
}

// Two causes against a register where some measures are in place (or not
// applicable): the plan gets exactly the missing measures, once each, in
// the causes' order, each naming its cause; building again adds nothing,
// and a measure found missing later is added alone.
func TestPlanBuiltFromTwoCausesAgainstTheRegister(t *testing.T) {
	t.Parallel()
	w := newCauseWorld(t)
	ctx := context.Background()
	w.register(t, map[string]string{
		security.MeasureAdminAccess: security.StatusInPlace,
		security.MeasureWAF:         security.StatusNotApplicable,
		security.MeasurePatching:    security.StatusPartial,
	})
	if _, err := w.svc.BuildPlan(ctx, w.manager, w.caseID); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("building without causes: %v", err)
	}
	w.cause(t, security.CausePageTamper, "管理画面への不正ログイン後、決済画面が改ざんされた")
	w.cause(t, security.CauseSQLInjection, "検索機能のSQLインジェクション")

	plan, err := w.svc.PreventionPlan(ctx, w.viewer, w.caseID)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"admin_mfa<-page_tamper", "patching<-page_tamper", "webapp_vuln<-page_tamper", "log_monitoring<-page_tamper", "non_retention<-sql_injection"}
	var proposed []string
	for _, p := range plan.Proposals {
		proposed = append(proposed, p.MeasureID+"<-"+p.CauseCode)
	}
	if !slices.Equal(proposed, want) {
		t.Fatalf("proposed %v, want %v", proposed, want)
	}
	if _, err := w.svc.BuildPlan(ctx, w.viewer, w.caseID); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("a viewer builds the plan: %v", err)
	}
	added, err := w.svc.BuildPlan(ctx, w.manager, w.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if got := itemKeys(added); !slices.Equal(got, want) {
		t.Fatalf("added %v, want %v", got, want)
	}
	mfa, _ := security.MeasureByID(security.MeasureAdminMFA)
	if added[0].TitleJA != mfa.Title.JA || added[0].TitleEN != mfa.Title.EN || added[0].Status != "planned" {
		t.Fatalf("item %+v, want the catalogue's titles, planned", added[0])
	}

	// Again: nothing new.
	if again, err := w.svc.BuildPlan(ctx, w.manager, w.caseID); err != nil || len(again) != 0 {
		t.Fatalf("rebuilding added %v (%v)", itemKeys(again), err)
	}
	// The register changes: admin access turns out not to be in place.
	w.register(t, map[string]string{security.MeasureAdminAccess: security.StatusNotInPlace})
	more, err := w.svc.BuildPlan(ctx, w.manager, w.caseID)
	if err != nil || !slices.Equal(itemKeys(more), []string{"admin_access<-page_tamper"}) {
		t.Fatalf("after the register changed: %v (%v)", itemKeys(more), err)
	}
	if n := apptest.Count(t, w.st, `SELECT count(*) FROM prevention_measures WHERE case_id = ?`, w.caseID); n != 6 {
		t.Fatalf("%d items, want 6", n)
	}
	plan, err = w.svc.PreventionPlan(ctx, w.viewer, w.caseID)
	if err != nil || len(plan.Proposals) != 0 || len(plan.Items) != 6 || len(plan.Causes) != 2 {
		t.Fatalf("plan after building: %d proposals, %d items, %d causes (%v)", len(plan.Proposals), len(plan.Items), len(plan.Causes), err)
	}
	for _, ms := range plan.Causes[0].Measures {
		if ms.MeasureID == security.MeasureWAF && (ms.Status != security.StatusNotApplicable || ms.InPlan) {
			t.Fatalf("WAF shown as %+v", ms)
		}
	}
}

// Approval makes a numbered version, frozen: it names the content it
// approves, later edits do not change it, and only legal approves.
func TestPlanApprovalFreezesAVersion(t *testing.T) {
	t.Parallel()
	w := newCauseWorld(t)
	ctx := context.Background()
	w.cause(t, security.CauseCardTesting, "決済APIに短時間で大量のオーソリが送られた")
	if _, err := w.svc.BuildPlan(ctx, w.manager, w.caseID); err != nil {
		t.Fatal(err)
	}
	plan, err := w.svc.PreventionPlan(ctx, w.legal, w.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if plan.NextVersion != 1 || plan.Latest != nil || plan.Current || len(plan.ContentSHA256) != 64 {
		t.Fatalf("plan before approval: next %d, latest %v, current %v", plan.NextVersion, plan.Latest, plan.Current)
	}
	if _, err := w.svc.ApprovePlan(ctx, w.owner, w.caseID, plan.ContentSHA256); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("the owner approves: %v", err)
	}
	var ve *apperr.ValidationError
	if _, err := w.svc.ApprovePlan(ctx, w.legal, w.caseID, ""); !errors.As(err, &ve) || ve.For("content_sha256") == "" {
		t.Fatalf("approving without naming the content: %v", err)
	}
	// An item changes after legal loaded the page: refused.
	first := plan.Items[0]
	done := "done"
	if _, err := w.notices.SaveMeasure(ctx, w.manager, w.caseID, first.ID, notices.MeasureInput{Status: &done}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.ApprovePlan(ctx, w.legal, w.caseID, plan.ContentSHA256); !errors.Is(err, security.ErrPlanChanged) {
		t.Fatalf("approving what changed since: %v", err)
	}
	plan, _ = w.svc.PreventionPlan(ctx, w.legal, w.caseID)
	v1, err := w.svc.ApprovePlan(ctx, w.legal, w.caseID, plan.ContentSHA256)
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version != 1 || len(v1.Items) != len(plan.Items) || v1.Items[0].Status != "done" || v1.ContentSHA256 != plan.ContentSHA256 {
		t.Fatalf("version 1: %+v", v1)
	}
	if _, err := w.svc.ApprovePlan(ctx, w.legal, w.caseID, mustPlan(t, w).ContentSHA256); err == nil || !strings.Contains(err.Error(), "conflict") {
		t.Fatalf("approving the same plan again: %v", err)
	}

	// Later edits leave version 1 as it was approved.
	planned := "planned"
	title := "後から変えた題名"
	if _, err := w.notices.SaveMeasure(ctx, w.manager, w.caseID, first.ID, notices.MeasureInput{Status: &planned, TitleJA: &title}); err != nil {
		t.Fatal(err)
	}
	latest, err := notices.LatestPlan(ctx, w.st.DB, w.owner.OrgID(), w.caseID)
	if err != nil || latest.Version != 1 || latest.Items[0].Status != "done" || latest.Items[0].TitleJA == title {
		t.Fatalf("version 1 after an edit: %+v (%v)", latest, err)
	}
	if p := mustPlan(t, w); p.Current || p.NextVersion != 2 {
		t.Fatalf("the edited plan reads as approved: %+v", p)
	}
	// The database refuses to change an approved version.
	if err := w.st.DB.Exec(`UPDATE prevention_plan_versions SET items = '[]' WHERE case_id = ?`, w.caseID).Error; err == nil {
		t.Fatal("an approved version was changed")
	}
	v2, err := w.svc.ApprovePlan(ctx, w.legal, w.caseID, mustPlan(t, w).ContentSHA256)
	if err != nil || v2.Version != 2 || v2.Items[0].TitleJA != title {
		t.Fatalf("version 2: %+v (%v)", v2, err)
	}
	if n := apptest.Count(t, w.st, `SELECT count(*) FROM audit_log WHERE action = 'prevention.plan_approve'`); n != 2 {
		t.Fatalf("%d approvals audited", n)
	}
}

func mustPlan(t *testing.T, w *causeWorld) security.Plan {
	t.Helper()
	p, err := w.svc.PreventionPlan(context.Background(), w.legal, w.caseID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A task made for an item is a recovery task with the item's owner, and
// the item links to it; a second one is refused. The reopen step counts
// the approved version's items and shows the non-retention entry.
func TestPlanItemTaskAndReopenState(t *testing.T) {
	t.Parallel()
	w := newCauseWorld(t)
	ctx := context.Background()
	w.register(t, map[string]string{security.MeasureNonRetention: security.StatusInPlace})
	w.cause(t, security.CauseMisdelivery, "メールの宛先を誤った")
	items, err := w.svc.BuildPlan(ctx, w.manager, w.caseID)
	if err != nil || len(items) != 2 {
		t.Fatalf("items %v (%v)", itemKeys(items), err)
	}
	owner := w.manager.User.ID
	if _, err := w.notices.SaveMeasure(ctx, w.manager, w.caseID, items[0].ID, notices.MeasureInput{OwnerID: &owner}); err != nil {
		t.Fatal(err)
	}
	task, err := w.svc.CreateItemTask(ctx, w.manager, w.caseID, items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if task.Phase != cases.PhaseRecovery || task.AssigneeID == nil || *task.AssigneeID != owner || task.Title != items[0].TitleJA {
		t.Fatalf("task %+v", task)
	}
	if n := apptest.Count(t, w.st, `SELECT count(*) FROM prevention_measures WHERE id = ? AND task_id = ?`, items[0].ID, task.ID); n != 1 {
		t.Fatal("the item is not linked to its task")
	}
	var ae *apperr.Error
	if _, err := w.svc.CreateItemTask(ctx, w.manager, w.caseID, items[0].ID); !errors.As(err, &ae) || ae.Code != "conflict.plan_item_has_task" {
		t.Fatalf("a second task: %v", err)
	}
	if _, err := w.svc.CreateItemTask(ctx, w.other, w.caseID, items[1].ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("another organisation makes a task: %v", err)
	}

	st, err := w.svc.PaymentsReopen(ctx, w.viewer, w.caseID)
	if err != nil || st.Latest != nil || st.NonRetention.Status != security.StatusInPlace {
		t.Fatalf("reopen state before approval: %+v (%v)", st, err)
	}
	done := "done"
	if _, err := w.notices.SaveMeasure(ctx, w.manager, w.caseID, items[1].ID, notices.MeasureInput{Status: &done}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.ApprovePlan(ctx, w.legal, w.caseID, mustPlan(t, w).ContentSHA256); err != nil {
		t.Fatal(err)
	}
	st, err = w.svc.PaymentsReopen(ctx, w.viewer, w.caseID)
	if err != nil || st.Latest == nil || st.Latest.Version != 1 || st.Done != 1 || st.Open != 1 || st.Changed {
		t.Fatalf("reopen state after approval: %+v (%v)", st, err)
	}
	if _, err := w.notices.SaveMeasure(ctx, w.manager, w.caseID, items[0].ID, notices.MeasureInput{Status: &done}); err != nil {
		t.Fatal(err)
	}
	if st, _ = w.svc.PaymentsReopen(ctx, w.viewer, w.caseID); !st.Changed || st.Done != 1 {
		t.Fatalf("reopen state after a later edit: %+v", st)
	}
}
