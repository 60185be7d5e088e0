package assessment_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

type fixture struct {
	clk   clock.Clock
	st    *store.Store
	auth  *auth.Service
	cases *cases.Service
	as    *assessment.Service
	owner auth.Principal
	legal auth.Principal
}

// setup makes the services on a fresh database, all on clk.
func setup(t *testing.T, clk clock.Clock) fixture {
	t.Helper()
	st := storetest.New(t, clk)
	a := apptest.Auth(t, st, clk)
	cs, as := apptest.Cases(st, clk)
	ctx := context.Background()
	principal := func(email string, role auth.Role) auth.Principal {
		u, err := a.CreateUser(ctx, auth.NewUser{Email: email, Name: email, Password: "correct horse battery", OrgSlug: "shop", Role: role})
		if err != nil {
			t.Fatal(err)
		}
		org, _ := a.OrganisationBySlug(ctx, "shop")
		return auth.Principal{User: u, Organisation: org, Role: role}
	}
	return fixture{clk: clk, st: st, auth: a, cases: cs, as: as, owner: principal("owner@shop.example", auth.RoleOwner), legal: principal("legal@shop.example", auth.RoleLegal)}
}

func mustFacts(t *testing.T, js string) obligations.Facts {
	t.Helper()
	f, err := assessment.ParseFacts([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

type scheduledReminder struct {
	Threshold string
	FireAt    time.Time
	JobID     int64
	JobState  string
}

func reminders(t *testing.T, st *store.Store, obligationID int64, state string) []scheduledReminder {
	t.Helper()
	var out []scheduledReminder
	if err := st.DB.Raw(`SELECT r.threshold, r.fire_at, r.job_id, j.state AS job_state FROM reminders r JOIN river_job j ON j.id = r.job_id
		WHERE r.obligation_id = ? AND r.state = ? ORDER BY r.fire_at`, obligationID, state).Scan(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

func obligation(t *testing.T, obs []assessment.Obligation, rule string) assessment.Obligation {
	t.Helper()
	for _, o := range obs {
		if o.RuleID == rule {
			return o
		}
	}
	t.Fatalf("no obligation %s in %d", rule, len(obs))
	return assessment.Obligation{}
}

// Setting unauthorized_purpose moves the PPC final report from day 30 to
// day 60; its reminders are rescheduled: the old jobs cancelled, one new
// job per threshold, and saving again changes nothing. The aware dates
// put day 30 or day 60 on a plain weekday, in the year-end closure, on a
// Saturday, in Golden Week and on 29 February.
func TestUnauthorizedPurposeMovesFinalReportAndReschedulesReminders(t *testing.T) {
	t.Parallel()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	for _, tc := range []struct {
		aware        string // 10:00 JST that day; the test's now is two hours later
		day30, day60 string // the final report's due date (23:59:59 JST)
	}{
		{"2026-11-10", "2026-12-09", "2027-01-08"}, // plain weekdays
		{"2026-12-02", "2027-01-04", "2027-02-01"}, // day 30 is 12/31 (closure), day 60 a Saturday
		{"2027-03-31", "2027-04-30", "2027-05-31"}, // day 30 is Showa Day, day 60 a Saturday
		{"2028-01-31", "2028-02-29", "2028-03-30"}, // day 30 is the leap day, a Tuesday
	} {
		t.Run(tc.aware, func(t *testing.T) {
			t.Parallel()
			d, err := time.ParseInLocation(time.DateOnly, tc.aware, tokyo)
			if err != nil {
				t.Fatal(err)
			}
			aware := d.Add(10 * time.Hour)
			testFinalReportMoves(t, setup(t, clocktest.At(aware.Add(2*time.Hour))), aware, tc.day30, tc.day60)
		})
	}
}

func testFinalReportMoves(t *testing.T, fx fixture, aware time.Time, want30, want60 string) {
	ctx := context.Background()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	c, err := fx.cases.Create(ctx, &fx.owner, cases.NewCase{Title: "Checkout skimming", AwareAt: aware, IncidentType: "card_skimming"})
	if err != nil {
		t.Fatal(err)
	}
	base := `{"data_items":["card_number","card_expiry","security_code","name"],"persons_affected":1200,"residents":{"JP":1200},
		"sensitive":false,"high_level_encryption":false,"entrusted_processor":false,"card_brands":["visa"],
		"data_being_entered":false,"unauthorized_purpose":false}`
	if _, _, err := fx.as.Save(ctx, &fx.owner, c.Case.ID, mustFacts(t, base), "first count"); err != nil {
		t.Fatal(err)
	}
	obs, _ := fx.as.Obligations(ctx, &fx.owner, c.Case.ID)
	final := obligation(t, obs, "jp.appi.ppc.final")
	day30 := final.DueAt.In(tokyo)
	if got := day30.Format(time.DateTime); got != want30+" 23:59:59" {
		t.Errorf("final report without unauthorized purpose due %s, want %s 23:59:59", got, want30)
	}
	before := reminders(t, fx.st, final.ID, "scheduled")
	if len(before) != 4 {
		t.Fatalf("want 4 scheduled reminders (warn, day before, due, overdue), got %d", len(before))
	}

	withPurpose := `{"data_items":["card_number","card_expiry","security_code","name"],"persons_affected":1200,"residents":{"JP":1200},
		"sensitive":false,"high_level_encryption":false,"entrusted_processor":false,"card_brands":["visa"],
		"data_being_entered":false,"unauthorized_purpose":true}`
	_, changes, err := fx.as.Save(ctx, &fx.owner, c.Case.ID, mustFacts(t, withPurpose), "skimming confirmed")
	if err != nil {
		t.Fatal(err)
	}
	obs, _ = fx.as.Obligations(ctx, &fx.owner, c.Case.ID)
	final = obligation(t, obs, "jp.appi.ppc.final")
	day60 := final.DueAt.In(tokyo)
	if got := day60.Format(time.DateTime); got != want60+" 23:59:59" {
		t.Fatalf("final report with unauthorized purpose due %s, want %s 23:59:59 (was %s)", got, want60, day30)
	}
	moved := false
	for _, ch := range changes {
		if ch.RuleID == "jp.appi.ppc.final" && ch.Kind == "due_changed" {
			moved = true
		}
	}
	if !moved {
		t.Fatalf("no due_changed entry for the final report in %+v", changes)
	}
	after := reminders(t, fx.st, final.ID, "scheduled")
	if len(after) != 4 {
		t.Fatalf("after the move: want 4 scheduled reminders, got %d", len(after))
	}
	for _, r := range after {
		if r.Threshold == "due" && !r.FireAt.Equal(*final.DueAt) {
			t.Errorf("due reminder at %s, obligation due %s", r.FireAt, final.DueAt)
		}
		if r.JobState != "scheduled" {
			t.Errorf("new job state %s", r.JobState)
		}
	}
	for _, r := range reminders(t, fx.st, final.ID, "cancelled") {
		if r.JobState != "cancelled" {
			t.Errorf("old %s job is %s, want cancelled", r.Threshold, r.JobState)
		}
	}
	// Saving the same facts again changes nothing and adds no jobs.
	var jobsBefore, jobsAfter int64
	fx.st.DB.Raw(`SELECT count(*) FROM river_job WHERE kind = 'deadline_reminder'`).Scan(&jobsBefore)
	_, changes, err = fx.as.Save(ctx, &fx.owner, c.Case.ID, mustFacts(t, withPurpose), "")
	if err != nil {
		t.Fatal(err)
	}
	fx.st.DB.Raw(`SELECT count(*) FROM river_job WHERE kind = 'deadline_reminder'`).Scan(&jobsAfter)
	if len(changes) != 0 || jobsAfter != jobsBefore {
		t.Fatalf("recomputing the same facts: %d changes, jobs %d → %d", len(changes), jobsBefore, jobsAfter)
	}
	var live int64
	fx.st.DB.Raw(`SELECT count(*) FROM reminders r JOIN river_job j ON j.id = r.job_id WHERE r.obligation_id = ? AND j.state = 'scheduled'`, final.ID).Scan(&live)
	if live != 4 {
		t.Fatalf("live scheduled jobs for the final report: %d, want 4", live)
	}
}

func TestSubmitCancelsRemindersAndWaiveNeedsLegal(t *testing.T) {
	t.Parallel()
	fx := setup(t, clocktest.New(t))
	ctx := context.Background()
	c, err := fx.cases.Create(ctx, &fx.owner, cases.NewCase{Title: "Leak", AwareAt: fx.clk.Now().Add(-time.Hour), IncidentType: "unauthorized_access"})
	if err != nil {
		t.Fatal(err)
	}
	obs, _ := fx.as.Obligations(ctx, &fx.owner, c.Case.ID)
	if len(obs) == 0 {
		t.Fatal("a new case with unknown facts must show provisional obligations")
	}
	prelim := obligation(t, obs, "jp.appi.ppc.preliminary")
	if _, err := fx.as.Submit(ctx, &fx.owner, prelim.ID, assessment.Submission{RecipientReference: "PPC-2026-123"}); err != nil {
		t.Fatal(err)
	}
	if n := len(reminders(t, fx.st, prelim.ID, "scheduled")); n != 0 {
		t.Fatalf("%d reminders still scheduled after submission", n)
	}
	final := obligation(t, obs, "jp.appi.ppc.final")
	if _, err := fx.as.Waive(ctx, &fx.owner, final.ID, "not reportable"); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("owner waiving: want forbidden, got %v", err)
	}
	if _, err := fx.as.Waive(ctx, &fx.legal, final.ID, ""); err == nil {
		t.Fatal("waive without reason accepted")
	}
	// Closing is refused while obligations are open.
	_, err = fx.cases.Advance(ctx, &fx.owner, c.Case.ID, cases.PhaseClosed, "wrapping up")
	var gate *apperr.Error
	if !errors.As(err, &gate) || len(gate.Details["open_obligations"].([]string)) == 0 {
		t.Fatalf("close with open obligations: %v", err)
	}
	for _, o := range obs {
		if o.ID == prelim.ID {
			continue
		}
		if _, err := fx.as.Waive(ctx, &fx.legal, o.ID, "counsel: encrypted backup, key safe"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := fx.cases.Advance(ctx, &fx.owner, c.Case.ID, cases.PhaseClosed, "all done"); err != nil {
		t.Fatalf("close after all obligations are dealt with: %v", err)
	}
}

func TestBadFactsNameTheField(t *testing.T) {
	t.Parallel()
	for js, field := range map[string]string{
		`{"data_items":["card_numbr"]}`:            "data_items",
		`{"persons_affected":-3}`:                  "persons_affected",
		`{"aware_at":"2026-01-01T00:00:00+09:00"}`: "aware_at",
		`{"residents":{"XX":3}}`:                   "residents",
		`{"sensitive":"maybe"}`:                    "sensitive",
	} {
		_, err := assessment.ParseFacts([]byte(js))
		var v *apperr.ValidationError
		if !errors.As(err, &v) || len(v.Fields) == 0 {
			t.Errorf("%s: want a validation error, got %v", js, err)
			continue
		}
		found := false
		for _, f := range v.Fields {
			if len(f.Field) >= len(field) && f.Field[:len(field)] == field {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: fields %+v do not name %s", js, v.Fields, field)
		}
	}
}

// TestListReadsAreTheFullReadsLess checks the light reads the case page
// uses against the full ones: ObligationList is Obligations without the
// computation but with its recipient; LatestVersion is Current without
// the facts; both refuse another organisation's case.
func TestListReadsAreTheFullReadsLess(t *testing.T) {
	t.Parallel()
	fx := setup(t, clocktest.New(t))
	ctx := context.Background()
	c, err := fx.cases.Create(ctx, &fx.owner, cases.NewCase{Title: "Checkout skimming", AwareAt: fx.clk.Now().Add(-time.Hour), IncidentType: "card_skimming"})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := fx.as.LatestVersion(ctx, &fx.owner, c.Case.ID); err != nil || v.Version != 0 {
		t.Fatalf("before any assessment: %+v %v", v, err)
	}
	facts := `{"data_items":["card_number","name"],"persons_affected":10,"residents":{"JP":10},"card_brands":["visa"],"unauthorized_purpose":true}`
	for _, note := range []string{"first", "second"} {
		if _, _, err := fx.as.Save(ctx, &fx.owner, c.Case.ID, mustFacts(t, facts), note); err != nil {
			t.Fatal(err)
		}
	}
	full, _, _ := fx.as.Current(ctx, &fx.owner, c.Case.ID)
	v, err := fx.as.LatestVersion(ctx, &fx.owner, c.Case.ID)
	if err != nil || v.Version != 2 || v.ID != full.ID || v.Note != "second" || !v.CreatedAt.Equal(full.CreatedAt) || v.Facts != nil || full.Facts == nil {
		t.Fatalf("latest version: %+v %v (full %+v)", v, err, full)
	}
	all, _ := fx.as.Obligations(ctx, &fx.owner, c.Case.ID)
	list, err := fx.as.ObligationList(ctx, &fx.owner, c.Case.ID)
	if err != nil || len(list) != len(all) || len(all) < 3 {
		t.Fatalf("list %d, full %d: %v", len(list), len(all), err)
	}
	for i, o := range list {
		f := all[i]
		if o.Computed != nil || o.Listed == nil || f.Listed != nil {
			t.Fatalf("%s: list row carries the computation or lacks its recipient", o.RuleID)
		}
		if o.Recipient() != f.Detail().Recipient || o.Recipient().JA == "" || f.Recipient() != f.Detail().Recipient {
			t.Errorf("%s: recipient %+v, want %+v", o.RuleID, o.Recipient(), f.Detail().Recipient)
		}
		o.Listed, f.Computed = nil, nil
		if !reflect.DeepEqual(o, f) {
			t.Errorf("%s: list row differs from the full one:\n%+v\n%+v", o.RuleID, o, f)
		}
	}
	stranger := auth.Principal{User: fx.owner.User, Organisation: auth.Organisation{ID: fx.owner.OrgID() + 1000}, Role: auth.RoleOwner}
	if _, err := fx.as.ObligationList(ctx, &stranger, c.Case.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("list for another organisation: %v", err)
	}
	if _, err := fx.as.LatestVersion(ctx, &stranger, c.Case.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("latest version for another organisation: %v", err)
	}
}
