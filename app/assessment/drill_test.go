package assessment_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
)

// What a debrief says of one obligation, as of the drill's now.
func TestDrillOutcome(t *testing.T) {
	t.Parallel()
	due := time.Date(2027, 5, 6, 14, 59, 59, 0, time.UTC)
	now := due.Add(time.Hour)
	at := func(d time.Duration) *time.Time { t := due.Add(d); return &t }
	for _, tc := range []struct {
		name string
		o    assessment.Obligation
		now  time.Time
		want string
	}{
		{"submitted before the deadline", assessment.Obligation{Status: assessment.StatusSubmitted, DueAt: &due, SubmittedAt: at(-time.Hour)}, now, assessment.OutcomeMet},
		{"submitted at the deadline to the second", assessment.Obligation{Status: assessment.StatusSubmitted, DueAt: &due, SubmittedAt: at(0)}, now, assessment.OutcomeMet},
		{"submitted a second late", assessment.Obligation{Status: assessment.StatusSubmitted, DueAt: &due, SubmittedAt: at(time.Second)}, now, assessment.OutcomeLate},
		{"a target, not a legal due time", assessment.Obligation{Status: assessment.StatusSubmitted, TargetAt: &due, SubmittedAt: at(time.Minute)}, now, assessment.OutcomeLate},
		{"promptly: no deadline to miss", assessment.Obligation{Status: assessment.StatusSubmitted, SubmittedAt: at(48 * time.Hour)}, now, assessment.OutcomeMet},
		{"approved but not sent, deadline passed", assessment.Obligation{Status: assessment.StatusApproved, DueAt: &due}, now, assessment.OutcomeMissed},
		{"pending, deadline ahead", assessment.Obligation{Status: assessment.StatusPending, DueAt: &due}, due.Add(-time.Hour), assessment.OutcomePending},
		{"pending, no deadline", assessment.Obligation{Status: assessment.StatusPending}, now, assessment.OutcomePending},
		{"waived after the deadline", assessment.Obligation{Status: assessment.StatusWaived, DueAt: &due}, now, assessment.OutcomeWaived},
	} {
		if got := assessment.Outcome(tc.o, tc.now); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// A drill at 1440x (a real minute is a drill day) aware the Friday before
// Golden Week 2027: its reports are stamped in drill time, its debrief
// shows what was missed, and it schedules no real-time reminders and
// fires no webhooks, where a real case does both.
func TestDrillRunsOnItsOwnClock(t *testing.T) {
	t.Parallel()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	real := time.Date(2026, 12, 7, 10, 0, 0, 0, tokyo)
	clk := clocktest.Frozen(real)
	fx := setup(t, clk)
	ctx := context.Background()
	if err := fx.st.DB.Exec(`INSERT INTO webhook_endpoints (organisation_id, url, events, secret, created_at, updated_at)
		VALUES (?, 'https://hooks.example/breachdesk', ARRAY['case.opened','obligation.submitted','obligation.due_soon','obligation.overdue'], '\x00', now(), now())`,
		fx.owner.OrgID()).Error; err != nil {
		t.Fatal(err)
	}
	aware := time.Date(2027, 4, 30, 10, 0, 0, 0, tokyo)
	facts := mustFacts(t, `{"data_items":["card_number","card_expiry","name"],"persons_affected":40,"residents":{"JP":40},"sensitive":false,
		"high_level_encryption":false,"entrusted_processor":false,"card_brands":["visa"],"data_being_entered":false,"unauthorized_purpose":false}`)
	open := func(in cases.NewCase) cases.Case {
		t.Helper()
		c, err := fx.cases.Create(ctx, &fx.owner, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := fx.as.Save(ctx, &fx.owner, c.Case.ID, facts, "drill facts"); err != nil {
			t.Fatal(err)
		}
		return c.Case
	}
	drill := open(cases.NewCase{Title: "GW前の訓練", AwareAt: aware, IncidentType: "card_skimming", Drill: true, DrillSpeed: 1440})
	incident := open(cases.NewCase{Title: "本物", AwareAt: real.Add(-time.Hour), IncidentType: "card_skimming"})

	count := func(sql string, id int64) int64 { return apptest.Count(t, fx.st, sql, id) }
	if n := count(`SELECT count(*) FROM reminders r JOIN obligations o ON o.id = r.obligation_id WHERE o.case_id = ? AND r.state = 'scheduled'`, drill.ID); n != 0 {
		t.Errorf("the drill scheduled %d real-time reminders", n)
	}
	if n := count(`SELECT count(*) FROM reminders r JOIN obligations o ON o.id = r.obligation_id WHERE o.case_id = ? AND r.state = 'scheduled'`, incident.ID); n == 0 {
		t.Error("the real case scheduled no reminders: the drill's none proves nothing")
	}

	// Two real minutes in: drill day 3, 10:00. The preliminary report is
	// marked sent without a time: stamped with the drill's now.
	clk.Advance(2 * time.Minute)
	obs, err := fx.as.Obligations(ctx, &fx.owner, drill.ID)
	if err != nil {
		t.Fatal(err)
	}
	prelim := obligation(t, obs, "jp.appi.ppc.preliminary")
	if _, err := fx.as.Submit(ctx, &fx.owner, prelim.ID, assessment.Submission{SubmittedAt: aware.Add(50 * time.Hour)}); fieldErr(err, "submitted_at") == "" {
		t.Fatalf("a submission after the drill's now: %v, want refused", err)
	}
	done, err := fx.as.Submit(ctx, &fx.owner, prelim.ID, assessment.Submission{RecipientReference: "PPC-DRILL-1"})
	if err != nil {
		t.Fatal(err)
	}
	if want := aware.Add(48 * time.Hour); done.SubmittedAt == nil || !done.SubmittedAt.Equal(want) {
		t.Fatalf("submitted at %v, want the drill's now %s", done.SubmittedAt, want)
	}

	// Forty real minutes later the drill is forty days on: the final
	// report's day 30 and the acquirer's 24 hours have passed unmet.
	clk.Advance(40 * time.Minute)
	d, err := fx.as.Debrief(ctx, &fx.owner, drill)
	if err != nil {
		t.Fatal(err)
	}
	if want := aware.Add(42 * 24 * time.Hour); !d.Now.Equal(want) {
		t.Fatalf("debrief at %s, want drill time %s", d.Now, want)
	}
	got := map[string]string{}
	for _, r := range d.Rows {
		got[r.Obligation.RuleID] = r.Outcome
	}
	for rule, want := range map[string]string{"jp.appi.ppc.preliminary": assessment.OutcomeMet, "jp.appi.ppc.final": assessment.OutcomeMissed,
		"jp.card.acquirer": assessment.OutcomeMissed} {
		if got[rule] != want {
			t.Errorf("%s: %q, want %q (all: %v)", rule, got[rule], want, got)
		}
	}
	if _, err := fx.as.Debrief(ctx, &fx.owner, incident); err == nil {
		t.Error("a real case has a debrief")
	}

	if n := count(`SELECT count(*) FROM webhook_deliveries WHERE (payload->>'case_id')::bigint = ?`, drill.ID); n != 0 {
		t.Errorf("the drill fired %d webhooks", n)
	}
	if n := count(`SELECT count(*) FROM webhook_deliveries WHERE (payload->>'case_id')::bigint = ?`, incident.ID); n == 0 {
		t.Error("the real case fired no webhook: the drill's none proves nothing")
	}
}

// fieldErr is the validation code err gives field, "" if none.
func fieldErr(err error, field string) string {
	var ve *apperr.ValidationError
	if errors.As(err, &ve) {
		return ve.For(field)
	}
	return ""
}
