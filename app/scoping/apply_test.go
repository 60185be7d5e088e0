package scoping_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/scoping"
)

// fiveCustomers are orders of five members over October and November.
func fiveCustomers(e *env) {
	e.addOrders(
		card("o1", "2026-10-02 10:00", "M1", "m1@example.jp", "一郎", "東京1"),
		card("o2", "2026-10-15 10:00", "M2", "m2@example.jp", "二郎", "東京2"),
		card("o3", "2026-11-10 10:00", "M3", "m3@example.jp", "三郎", "東京3"),
		card("o4", "2026-11-29 10:00", "M4", "m4@example.jp", "四郎", "東京4"),
		card("o5", "2026-11-25 11:00", "M1", "m1@example.jp", "一郎", "東京1"),
		card("o6", "2026-12-03 10:00", "M5", "m5@example.jp", "五郎", "東京5"),
	)
}

// Moving a window's end shows, against the applied scope, who is added
// and removed and how the counts change, before anything is replaced.
func TestRescopeDiffAfterAWindowMoves(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	fiveCustomers(e)
	v := e.setWindows(window("2026-10-01 00:00", "2026-11-30 23:59", scoping.ConfidenceConfirmed))
	first := e.scope()
	d, err := e.svc.Diff(ctx, e.owner, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Against != nil || d.Added != 4 || d.Removed != 0 {
		t.Errorf("first diff: %+v", d)
	}
	if _, err := e.svc.Apply(ctx, e.owner, first.ID, v.Version, 0); err != nil {
		t.Fatal(err)
	}
	// The window now runs from 10 October to 28 November, and a second,
	// suspected window covers December's first days.
	w := v.Windows[0]
	w.Start, w.End = jst("2026-10-10 00:00"), jst("2026-11-28 00:00")
	v2, err := e.svc.SaveWindow(ctx, e.owner, e.caseID, v.Version, w)
	if err != nil {
		t.Fatal(err)
	}
	v3 := e.setWindows(window("2026-12-01 00:00", "2026-12-05 00:00", scoping.ConfidenceSuspected))
	second := e.scope()
	if second.WindowVersion != v3.Version || v2.Version+1 != v3.Version {
		t.Fatalf("run of version %d, windows at %d", second.WindowVersion, v3.Version)
	}
	d, err = e.svc.Diff(ctx, e.owner, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	names := func(ps []scoping.Person) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	// 一郎 stays (o5 was in, o1 is out: same person by member id), 四郎
	// leaves, 五郎 comes in as possibly affected.
	if d.Against == nil || d.Against.ID != first.ID || d.Added != 1 || d.Removed != 1 || d.Changed != 0 ||
		!slices.Equal(names(d.AddedPersons), []string{"五郎"}) || !slices.Equal(names(d.RemovedPersons), []string{"四郎"}) {
		t.Errorf("diff: %+v", d)
	}
	if d.ConfirmedBefore != 4 || d.ConfirmedAfter != 3 || d.UpperBoundBefore != 4 || d.UpperBoundAfter != 4 {
		t.Errorf("counts before/after: %+v", d)
	}
	// The comparison is kept on the run for the applied run it was made
	// against, and a second view reads it back unchanged.
	if n := e.count(`SELECT count(*) FROM scope_runs WHERE id = ? AND diff_against = ? AND diff IS NOT NULL`, second.ID, first.ID); n != 1 {
		t.Errorf("the comparison was not kept on the run")
	}
	again, err := e.svc.Diff(ctx, e.owner, second.ID)
	if err != nil || again.Against == nil || again.Against.ID != first.ID || again.Added != d.Added || again.Removed != d.Removed ||
		!slices.Equal(names(again.AddedPersons), names(d.AddedPersons)) || !slices.Equal(names(again.RemovedPersons), names(d.RemovedPersons)) {
		t.Errorf("kept comparison %+v (%v), want %+v", again, err, d)
	}
	// Nothing replaced yet: the people list is the first scope's.
	if n := e.count(`SELECT count(*) FROM people WHERE case_id = ? AND scope_run_id = ?`, e.caseID, first.ID); n != 4 {
		t.Errorf("%d persons of the first scope before applying the second", n)
	}
	// An approval names the version it approves, and a stale run cannot
	// be applied.
	if _, err := e.svc.Apply(ctx, e.owner, second.ID, v2.Version, first.ID); !slices.Equal(fields(err), []string{"window_version"}) {
		t.Errorf("applying with another version: %v", err)
	}
	if _, err := e.svc.Apply(ctx, e.owner, first.ID, v.Version, first.ID); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("applying a run of old windows: %v", err)
	}
}

// Apply replaces the list only on the comparison its caller saw: not when
// another scope was applied since, nor when orders came in (or are still
// coming in) after the run started.
func TestApplyRefusesAStaleComparison(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	fiveCustomers(e)
	v := e.setWindows(window("2026-10-01 00:00", "2026-11-30 23:59", scoping.ConfidenceConfirmed))
	first, second := e.scope(), e.scope()
	if _, err := e.svc.Apply(ctx, e.owner, first.ID, v.Version, 0); err != nil {
		t.Fatal(err)
	}
	// second's comparison was shown when nothing was applied.
	_, err := e.svc.Apply(ctx, e.owner, second.ID, v.Version, 0)
	if !errors.Is(err, apperr.ErrConflict) || !strings.Contains(fmt.Sprint(err), "applied_changed") {
		t.Fatalf("applied over a comparison made before another apply: %v", err)
	}
	// An import finished after the run started.
	e.clk.Advance(time.Minute)
	third := e.scope()
	e.clk.Advance(time.Minute)
	if err := e.st.DB.Exec(`INSERT INTO order_imports (organisation_id, case_id, filename, preset, encoding, mode, status, created_at, finished_at)
		VALUES (?, ?, 'late.csv', 'generic', 'utf-8', 'partial', 'done', ?, ?)`, e.owner.OrgID(), e.caseID, e.clk.Now(), e.clk.Now()).Error; err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Apply(ctx, e.owner, third.ID, v.Version, first.ID)
	if !errors.Is(err, apperr.ErrConflict) || !strings.Contains(fmt.Sprint(err), "orders_changed") {
		t.Fatalf("applied a run older than the orders: %v", err)
	}
	fourth := e.scope()
	if _, err := e.svc.Apply(ctx, e.owner, fourth.ID, v.Version, first.ID); err != nil {
		t.Fatalf("a fresh run on the comparison shown: %v", err)
	}
}

// Applying replaces the persons of the previous scope (keeping those
// notified and those listed by other means) and sets the assessment's
// counts and brands, so that the obligations recompute.
func TestApplyReplacesPeopleAndUpdatesAssessment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	fiveCustomers(e)
	// A person imported by hand, who is also a customer of the scope.
	if err := e.st.DB.Exec(`INSERT INTO people (organisation_id, case_id, customer_id, name, email) VALUES (?, ?, 'M2', '二郎（手入力）', 'm2@example.jp'),
		(?, ?, 'X9', '無関係', 'x9@example.jp')`, e.owner.OrgID(), e.caseID, e.owner.OrgID(), e.caseID).Error; err != nil {
		t.Fatal(err)
	}
	before, err := e.as.Obligations(ctx, e.owner, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(before, func(o assessmentObligation) bool { return o.RuleID == "card.visa.notify" }) {
		t.Fatal("a Visa obligation before any brand is known")
	}
	v := e.setWindows(window("2026-10-01 00:00", "2026-11-30 23:59", scoping.ConfidenceConfirmed))
	r := e.scope()
	res, err := e.svc.Apply(ctx, e.owner, r.ID, v.Version, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 3 || res.AlreadyListed != 1 || res.Deleted != 0 || res.AssessmentVersion == 0 {
		t.Errorf("applied: %+v", res)
	}
	var p struct {
		Name, Email, CardBrand, CardLast4, PostalCode, Address string
		DataItems                                              string
	}
	e.st.DB.Raw(`SELECT name, email, card_brand, card_last4, postal_code, address, array_to_string(data_items, ',') AS data_items
		FROM people WHERE case_id = ? AND customer_id = 'M1'`, e.caseID).Scan(&p)
	if p.Name != "一郎" || p.Email != "m1@example.jp" || p.CardBrand != "visa" || p.CardLast4 != "1111" || p.PostalCode != "100-0001" ||
		p.Address != "東京1" || p.DataItems != "card_number,card_expiry,security_code,name" {
		t.Errorf("scoped person: %+v", p)
	}
	if n := e.count(`SELECT count(*) FROM people WHERE case_id = ? AND name = '二郎（手入力）'`, e.caseID); n != 1 {
		t.Errorf("the person listed by hand: %d", n)
	}
	_, f, err := e.as.Current(ctx, e.owner, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if f.PersonsAffected == nil || *f.PersonsAffected != 4 || f.PersonsUpperBound == nil || *f.PersonsUpperBound != 4 ||
		!slices.Equal(f.CardBrands, []obligationsCardBrand{"visa"}) || !f.Has("card_number") {
		t.Errorf("facts: %+v", f)
	}
	after, err := e.as.Obligations(ctx, e.owner, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(after, func(o assessmentObligation) bool { return o.RuleID == "card.visa.notify" }) {
		t.Error("no Visa obligation after the scope named Visa cards")
	}

	// 三郎 has been sent a letter; then the window shrinks to October.
	if err := e.st.DB.Exec(`UPDATE people SET notified_letter_at = now() WHERE case_id = ? AND customer_id = 'M3'`, e.caseID).Error; err != nil {
		t.Fatal(err)
	}
	w := v.Windows[0]
	w.End = jst("2026-10-31 23:59")
	v2, err := e.svc.SaveWindow(ctx, e.owner, e.caseID, v.Version, w)
	if err != nil {
		t.Fatal(err)
	}
	r2 := e.scope()
	res, err = e.svc.Apply(ctx, e.owner, r2.ID, v2.Version, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	// 一郎 is replaced (not notified), 四郎 removed, 三郎 kept (notified)
	// but no longer the scope's; 二郎 stays as listed by hand.
	if res.Deleted != 2 || res.Inserted != 1 || res.KeptRemoved != 1 || res.AlreadyListed != 1 {
		t.Errorf("second apply: %+v", res)
	}
	var listed []string
	e.st.DB.Raw(`SELECT name FROM people WHERE case_id = ? ORDER BY name`, e.caseID).Scan(&listed)
	if !slices.Equal(listed, []string{"一郎", "三郎", "二郎（手入力）", "無関係"}) {
		t.Errorf("people after the second apply: %v", listed)
	}
	_, f, _ = e.as.Current(ctx, e.owner, e.caseID)
	if *f.PersonsAffected != 2 || *f.PersonsUpperBound != 2 {
		t.Errorf("facts after the second apply: %d, %d", *f.PersonsAffected, *f.PersonsUpperBound)
	}
	if n := e.count(`SELECT count(*) FROM timeline_entries WHERE case_id = ? AND action = 'scoping.applied'`, e.caseID); n != 2 {
		t.Errorf("%d timeline entries of applied scopes", n)
	}
}
