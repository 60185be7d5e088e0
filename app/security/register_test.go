package security_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/security"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

var jst = time.FixedZone("JST", 9*3600)

// world is a security service on a fresh database with two merchant
// organisations: acme (owner, manager, responder, viewer) and beta
// (owner), each with one evidence item on a case.
type world struct {
	t                                 *testing.T
	clk                               *clocktest.Clock
	st                                *store.Store
	auth                              *auth.Service
	cases                             *cases.Service
	svc                               *security.Service
	owner, manager, responder, viewer *auth.Principal
	other                             *auth.Principal
	acmeEvidence, betaEvidence        int64
}

func newWorld(t *testing.T, clk *clocktest.Clock) *world {
	t.Helper()
	st := storetest.New(t, clk)
	a := apptest.Auth(t, st, clk)
	cs, _ := apptest.Cases(st, clk)
	w := &world{t: t, clk: clk, st: st, auth: a, cases: cs, svc: security.NewService(st, clk, cs, security.WithRenderer(apptest.Renderer(t)))}
	w.owner = apptest.Principal(t, a, "owner@acme.example", "acme", auth.RoleOwner)
	w.manager = apptest.Principal(t, a, "manager@acme.example", "acme", auth.RoleManager)
	w.responder = apptest.Principal(t, a, "responder@acme.example", "acme", auth.RoleResponder)
	w.viewer = apptest.Principal(t, a, "viewer@acme.example", "acme", auth.RoleViewer)
	w.other = apptest.Principal(t, a, "owner@beta.example", "beta", auth.RoleOwner)
	w.acmeEvidence = w.upload(w.owner, "waf-config.txt")
	w.betaEvidence = w.upload(w.other, "beta-scan.txt")
	return w
}

func (w *world) upload(p *auth.Principal, name string) int64 {
	w.t.Helper()
	ev := evidence.NewService(w.st, w.clk, 0)
	caseID := apptest.NewCase(w.t, w.cases, w.clk, p)
	it, err := ev.Upload(context.Background(), p, caseID, name, strings.NewReader("report of "+name), "")
	if err != nil {
		w.t.Fatal(err)
	}
	return it.ID
}

func (w *world) entry(p *auth.Principal, id string) security.Entry {
	w.t.Helper()
	entries, err := w.svc.Register(context.Background(), p)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, e := range entries {
		if e.MeasureID == id {
			return e
		}
	}
	w.t.Fatalf("no entry %s", id)
	return security.Entry{}
}

func TestSecurityCatalogueIsComplete(t *testing.T) {
	t.Parallel()
	c := security.Catalogue()
	if c.Version == "" || c.Date == "" || len(c.Measures) != 14 {
		t.Fatalf("catalogue %s %s with %d measures", c.Version, c.Date, len(c.Measures))
	}
	seen := map[string]bool{}
	for _, m := range c.Measures {
		if seen[m.ID] {
			t.Errorf("measure %s twice", m.ID)
		}
		seen[m.ID] = true
		if m.Title.JA == "" || m.Title.EN == "" || m.Description.JA == "" || m.Description.EN == "" {
			t.Errorf("%s lacks a Japanese or English title or description", m.ID)
		}
		if m.ReviewMonths <= 0 || len(m.Sources) == 0 {
			t.Errorf("%s: review every %d months, %d sources", m.ID, m.ReviewMonths, len(m.Sources))
		}
		for _, s := range m.Sources {
			// A text not read carries no date and says why.
			if s.CheckedOn == "" && s.Note == nil {
				t.Errorf("%s: source %q has neither a date read nor a note", m.ID, s.Cite.EN)
			}
		}
		if got, ok := security.MeasureByID(m.ID); !ok || got.ID != m.ID {
			t.Errorf("MeasureByID(%s) = %v %v", m.ID, got.ID, ok)
		}
	}
	var checklist []string
	for _, m := range security.ChecklistMeasures() {
		checklist = append(checklist, m.ID)
	}
	want := []string{security.MeasureNonRetention, security.MeasureAdminAccess, security.MeasureDataDirectory, security.MeasureWebAppVuln,
		security.MeasureAntiMalware, security.MeasureCardTesting, security.MeasureLoginFraud}
	if strings.Join(checklist, ",") != strings.Join(want, ",") {
		t.Errorf("checklist items %v, want %v", checklist, want)
	}
	admin, _ := security.MeasureByID(security.MeasureAdminAccess)
	lockout := false
	for _, s := range admin.SubItems {
		lockout = lockout || (s.ID == "lockout" && s.Threshold == "≤10")
	}
	if !lockout {
		t.Errorf("admin access has no lockout sub-item at ≤10 failures: %+v", admin.SubItems)
	}
	if _, ok := security.MeasureByID("firewall_of_dreams"); ok {
		t.Error("an unknown id was found")
	}
}

// The register's rules: each bad input is refused naming its field and
// stores nothing; good input is stored.
func TestSecuritySetMeasureRules(t *testing.T) {
	t.Parallel()
	w := newWorld(t, clocktest.Frozen(time.Date(2026, 12, 7, 10, 0, 0, 0, jst)))
	ctx := context.Background()
	tests := []struct {
		name      string
		p         *auth.Principal
		in        security.Update
		field     string // the field refused; "" for success
		forbidden bool
	}{
		{name: "not applicable needs a reason", p: w.responder, in: security.Update{MeasureID: security.MeasureEMV3DS, Status: security.StatusNotApplicable}, field: "reason"},
		{name: "not applicable with a blank reason", p: w.responder, in: security.Update{MeasureID: security.MeasureWAF, Status: security.StatusNotApplicable, Reason: "  \n "}, field: "reason"},
		{name: "unknown measure", p: w.responder, in: security.Update{MeasureID: "firewall_of_dreams", Status: security.StatusInPlace}, field: "measure_id"},
		{name: "unknown status", p: w.responder, in: security.Update{MeasureID: security.MeasureTraining, Status: "mostly"}, field: "status"},
		{name: "owner from another organisation", p: w.responder, in: security.Update{MeasureID: security.MeasureAntiMalware, Status: security.StatusInPlace, OwnerID: w.other.User.ID}, field: "owner_id"},
		{name: "evidence from another organisation", p: w.responder, in: security.Update{MeasureID: security.MeasureDataDirectory, Status: security.StatusInPlace, EvidenceIDs: []int64{w.acmeEvidence, w.betaEvidence}}, field: "evidence_ids"},
		{name: "evidence that does not exist", p: w.responder, in: security.Update{MeasureID: security.MeasureDataDirectory, Status: security.StatusInPlace, EvidenceIDs: []int64{w.acmeEvidence + 1000}}, field: "evidence_ids"},
		{name: "last checked in the future", p: w.responder, in: security.Update{MeasureID: security.MeasureCardTesting, Status: security.StatusInPlace, LastChecked: "2026-12-08"}, field: "last_checked"},
		{name: "last checked not a date", p: w.responder, in: security.Update{MeasureID: security.MeasureCardTesting, Status: security.StatusInPlace, LastChecked: "7/12/2026"}, field: "last_checked"},
		{name: "review before the check", p: w.responder, in: security.Update{MeasureID: security.MeasureLeastPrivilege, Status: security.StatusInPlace, LastChecked: "2026-12-01", NextReview: "2026-11-30"}, field: "next_review"},
		{name: "year out of range", p: w.responder, in: security.Update{MeasureID: security.MeasureLeastPrivilege, Status: security.StatusInPlace, NextReview: "0001-01-01"}, field: "next_review"},
		{name: "reason too long", p: w.responder, in: security.Update{MeasureID: security.MeasureLogMonitoring, Status: security.StatusPartial, Reason: strings.Repeat("長", 2001)}, field: "reason"},
		{name: "viewer may not change it", p: w.viewer, in: security.Update{MeasureID: security.MeasurePatching, Status: security.StatusInPlace}, forbidden: true},
		{name: "not applicable with a reason", p: w.responder, in: security.Update{MeasureID: security.MeasureEMV3DS, Status: security.StatusNotApplicable, Reason: "no card payments on the site"}},
		{name: "in place with own evidence and owner", p: w.responder, in: security.Update{MeasureID: security.MeasureWAF, Status: security.StatusInPlace, OwnerID: w.manager.User.ID, EvidenceIDs: []int64{w.acmeEvidence, w.acmeEvidence}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, known := security.MeasureByID(tc.in.MeasureID)
			var before security.Entry
			if known {
				before = w.entry(w.owner, tc.in.MeasureID)
			}
			_, err := w.svc.SetMeasure(ctx, tc.p, tc.in)
			switch {
			case tc.forbidden:
				if !errors.Is(err, apperr.ErrForbidden) {
					t.Fatalf("err = %v, want forbidden", err)
				}
			case tc.field != "":
				var ve *apperr.ValidationError
				if !errors.As(err, &ve) || ve.For(tc.field) == "" {
					t.Fatalf("err = %v, want a validation error naming %s", err, tc.field)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
			}
			if err != nil && known {
				if after := w.entry(w.owner, tc.in.MeasureID); after.Status != before.Status || after.UpdatedAt != nil && before.UpdatedAt == nil {
					t.Errorf("a refused change was stored: %+v", after)
				}
			}
		})
	}
	waf := w.entry(w.owner, security.MeasureWAF)
	if waf.Status != security.StatusInPlace || waf.OwnerID == nil || *waf.OwnerID != w.manager.User.ID || len(waf.Evidence) != 1 || waf.Evidence[0].ID != w.acmeEvidence ||
		waf.UpdatedBy == nil || *waf.UpdatedBy != w.responder.User.ID || waf.CatalogueVersion != security.CatalogueVersion {
		t.Errorf("waf entry %+v", waf)
	}
	// beta's register knows nothing of acme's.
	if e := w.entry(w.other, security.MeasureWAF); e.Status != security.StatusUnassessed || len(e.Evidence) != 0 {
		t.Errorf("beta sees %+v", e)
	}
	if n := apptest.Count(t, w.st, `SELECT count(*) FROM audit_log WHERE action = 'security.measure.update' AND organisation_id = ?`, w.owner.OrgID()); n != 2 {
		t.Errorf("%d audit rows, want 2 (one per stored change)", n)
	}
}

// Dates default from the injected clock and the measure's interval, and
// the readiness view puts gaps first.
func TestSecurityDefaultsAndReadiness(t *testing.T) {
	t.Parallel()
	w := newWorld(t, clocktest.Frozen(time.Date(2026, 12, 7, 1, 0, 0, 0, jst))) // 2026-12-06 16:00 UTC: the date is Tokyo's
	ctx := context.Background()
	set := func(in security.Update) security.Entry {
		t.Helper()
		e, err := w.svc.SetMeasure(ctx, w.owner, in)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	admin := set(security.Update{MeasureID: security.MeasureAdminAccess, Status: security.StatusInPlace})
	if admin.LastChecked != "2026-12-07" || admin.NextReview != "2027-12-07" || admin.Overdue {
		t.Errorf("admin access: checked %s, review %s, overdue %v", admin.LastChecked, admin.NextReview, admin.Overdue)
	}
	patch := set(security.Update{MeasureID: security.MeasurePatching, Status: security.StatusInPlace, LastChecked: "2026-06-01"})
	if patch.NextReview != "2026-09-01" || !patch.Overdue || !patch.Gap() {
		t.Errorf("patching: review %s overdue %v", patch.NextReview, patch.Overdue)
	}
	set(security.Update{MeasureID: security.MeasureWAF, Status: security.StatusNotInPlace, Reason: "ordered, live in January"})
	set(security.Update{MeasureID: security.MeasureTraining, Status: security.StatusPartial})
	set(security.Update{MeasureID: security.MeasureEMV3DS, Status: security.StatusNotApplicable, Reason: "bank transfer only"})
	entries, err := w.svc.Register(ctx, w.owner)
	if err != nil {
		t.Fatal(err)
	}
	order := security.Readiness(entries)
	var got []string
	for _, e := range order {
		got = append(got, e.MeasureID)
	}
	if got[0] != security.MeasureWAF || got[1] != security.MeasureTraining || got[len(got)-1] != security.MeasureEMV3DS || got[len(got)-2] != security.MeasureAdminAccess ||
		got[len(got)-3] != security.MeasurePatching {
		t.Errorf("readiness order %v", got)
	}
	for _, e := range order[2 : len(order)-3] {
		if e.Status != security.StatusUnassessed {
			t.Errorf("%s (%s) between the gaps and the overdue review", e.MeasureID, e.Status)
		}
	}
}
