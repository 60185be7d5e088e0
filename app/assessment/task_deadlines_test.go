package assessment_test

import (
	"context"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
)

// The tasks that carry out an obligation are due when the obligation is,
// from the case's opening on, and move when its deadline moves; a due date
// set by hand stands. Aware on Tuesday 1 December 2026 18:30 JST: the
// engine has the PPC preliminary report due on 5 December 23:59:59 (the
// playbook's own offset, five days, said 6 December 18:30, after it); the
// police target and the final report come from the engine too.
func TestTasksServingAnObligationFollowItsDeadline(t *testing.T) {
	t.Parallel()
	tokyo := time.FixedZone("JST", 9*3600)
	fx := setup(t, clocktest.At(time.Date(2026, 12, 2, 9, 0, 0, 0, tokyo)))
	ctx := context.Background()
	created, err := fx.cases.Create(ctx, &fx.owner, cases.NewCase{Title: "Skimmer", AwareAt: time.Date(2026, 12, 1, 18, 30, 0, 0, tokyo), IncidentType: "card_skimming", Playbook: "jp-card-leak"})
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		obs, err := fx.as.Obligations(ctx, &fx.owner, created.Case.ID)
		if err != nil {
			t.Fatal(err)
		}
		tasks, err := fx.cases.Tasks(ctx, &fx.owner, created.Case.ID)
		if err != nil {
			t.Fatal(err)
		}
		byKey := map[string]cases.Task{}
		for _, tk := range tasks {
			byKey[tk.Key] = tk
		}
		for key, rule := range map[string]string{"ppc_preliminary": "jp.appi.ppc.preliminary", "ppc_final": "jp.appi.ppc.final",
			"police_consultation": "jp.police.consultation", "contact_acquirer": "jp.card.acquirer"} {
			var o *assessment.Obligation
			for i := range obs {
				if obs[i].RuleID == rule && obs[i].Applicable {
					o = &obs[i]
				}
			}
			if o == nil {
				if key == "ppc_preliminary" || key == "police_consultation" {
					t.Fatalf("%s: no obligation %s", when, rule)
				}
				continue // not called for by these facts
			}
			want := o.DueAt
			if want == nil {
				want = o.TargetAt
			}
			if want == nil {
				t.Fatalf("%s: %s has no date", when, rule)
			}
			if got := byKey[key].DueAt; got == nil || !got.Equal(*want) {
				t.Errorf("%s: task %s due %v, want %s's %v", when, key, got, rule, want.In(tokyo))
			}
		}
	}
	check("at opening")
	tasks, _ := fx.cases.Tasks(ctx, &fx.owner, created.Case.ID)
	var prelim cases.Task
	for _, tk := range tasks {
		if tk.Key == "ppc_preliminary" {
			prelim = tk
		}
	}
	if want := time.Date(2026, 12, 5, 23, 59, 59, 0, tokyo); prelim.DueAt == nil || !prelim.DueAt.Equal(want) {
		t.Errorf("preliminary report task due %v, want %v", prelim.DueAt, want)
	}
	// Awareness moves a day earlier: the deadlines and the tasks move.
	earlier := time.Date(2026, 11, 30, 18, 30, 0, 0, tokyo)
	if _, err := fx.cases.Update(ctx, &fx.owner, created.Case.ID, cases.Patch{AwareAt: &earlier}); err != nil {
		t.Fatal(err)
	}
	check("after moving awareness")
	// A due date set by hand stands when the deadline moves again.
	mine := time.Date(2026, 12, 2, 12, 0, 0, 0, tokyo)
	var final cases.Task
	tasks, _ = fx.cases.Tasks(ctx, &fx.owner, created.Case.ID)
	for _, tk := range tasks {
		if tk.Key == "ppc_final" {
			final = tk
		}
	}
	if _, err := fx.cases.UpdateTask(ctx, &fx.owner, final.ID, cases.TaskPatch{DueAt: &mine}); err != nil {
		t.Fatal(err)
	}
	back := time.Date(2026, 12, 1, 18, 30, 0, 0, tokyo)
	if _, err := fx.cases.Update(ctx, &fx.owner, created.Case.ID, cases.Patch{AwareAt: &back}); err != nil {
		t.Fatal(err)
	}
	tasks, _ = fx.cases.Tasks(ctx, &fx.owner, created.Case.ID)
	for _, tk := range tasks {
		if tk.Key == "ppc_final" && (tk.DueAt == nil || !tk.DueAt.Equal(mine) || !tk.DueSetByHand) {
			t.Errorf("final report task set by hand to %v is now due %v", mine, tk.DueAt)
		}
	}
}
