package cases_test

import (
	"context"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
)

// The drill clock: aware_at + (real now - start) × speed, on instants.
// The awareness moments straddle a European summer-time change (a zone
// with DST) to show the maths is UTC durations: a drill hour is 3,600
// seconds whatever the wall clock does.
func TestDrillClock(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	started := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	beforeDST := time.Date(2027, 3, 28, 1, 30, 0, 0, paris) // 30 min before clocks jump 02:00 → 03:00
	gw := time.Date(2027, 4, 30, 18, 0, 0, 0, time.FixedZone("JST", 9*3600))
	for _, tc := range []struct {
		name    string
		drill   bool
		speed   int
		aware   time.Time
		elapsed time.Duration // real time since the drill started
		want    time.Time
	}{
		{"real case: the clock itself", false, 0, gw, time.Hour, started.Add(time.Hour)},
		{"1x at the start", true, 1, gw, 0, gw},
		{"1x after an hour", true, 1, gw, time.Hour, gw.Add(time.Hour)},
		{"60x: a real minute is a drill hour", true, 60, gw, time.Minute, gw.Add(time.Hour)},
		{"360x: a real minute is six drill hours", true, 360, gw, time.Minute, gw.Add(6 * time.Hour)},
		{"1440x: a real minute is a drill day", true, 1440, gw, time.Minute, gw.Add(24 * time.Hour)},
		{"1440x: half an hour is a 30-day clock", true, 1440, gw, 30 * time.Minute, gw.AddDate(0, 0, 30)},
		{"60x across summer time: one real minute, 3600 s", true, 60, beforeDST, time.Minute, beforeDST.Add(time.Hour)},
		{"before the start it stands at awareness", true, 60, gw, -time.Hour, gw},
		{"centuries at 1440x stop, never wrap", true, 1440, gw, 200 * 365 * 24 * time.Hour, gw.Add(time.Duration(1<<63 - 1))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := clocktest.Frozen(started.Add(tc.elapsed))
			c := cases.Case{AwareAt: tc.aware.UTC(), Drill: tc.drill, DrillSpeed: tc.speed}
			if tc.drill {
				c.DrillStartedAt = &started
			}
			got := cases.DrillClock(c, clk).Now()
			if !got.Equal(tc.want) || got.Location() != time.UTC {
				t.Errorf("drill now = %s, want %s (UTC)", got, tc.want.UTC())
			}
		})
	}
	// Driven by the one injected clock: moving it moves the drill.
	clk := clocktest.Frozen(started)
	c := cases.Case{AwareAt: gw, Drill: true, DrillSpeed: 360, DrillStartedAt: &started}
	drill := cases.DrillClock(c, clk)
	clk.Advance(10 * time.Minute)
	if got, want := drill.Now(), gw.Add(60*time.Hour); !got.Equal(want) {
		t.Errorf("after the test clock moved 10 min at 360x: %s, want %s", got, want)
	}
}

// A drill is created with any awareness moment (years back, or ahead),
// a speed from the list and the real start; it is numbered DRILL-YYYY-
// NNNN apart from incidents, and its flag and clock never change.
func TestDrillCreation(t *testing.T) {
	t.Parallel()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, tokyo)
	st, svc, ps, clk := setupAt(t, clocktest.Frozen(now))
	ctx := context.Background()
	p := ps["owner@a.example"]

	for name, in := range map[string]cases.NewCase{
		"no speed":          {Title: "d", AwareAt: now, IncidentType: "other", Drill: true},
		"speed not offered": {Title: "d", AwareAt: now, IncidentType: "other", Drill: true, DrillSpeed: 7},
		"speed on a real":   {Title: "d", AwareAt: now, IncidentType: "other", DrillSpeed: 60},
	} {
		if _, err := svc.Create(ctx, &p, in); fieldCode(err, "drill_speed") == "" {
			t.Errorf("%s: %v, want a drill_speed error", name, err)
		}
	}
	// A real case may not be aware in the future; a drill may.
	future := now.AddDate(0, 5, 0)
	if _, err := svc.Create(ctx, &p, cases.NewCase{Title: "x", AwareAt: future, IncidentType: "other"}); fieldCode(err, "aware_at") == "" {
		t.Fatalf("real case aware in the future: %v", err)
	}
	old := time.Date(2019, 12, 27, 17, 0, 0, 0, tokyo) // before the year-end closure, before 2022: no confirmation asked
	var refs []string
	for _, aware := range []time.Time{future, old} {
		d, err := svc.Create(ctx, &p, cases.NewCase{Title: "年末の訓練", AwareAt: aware, IncidentType: "card_skimming", Drill: true, DrillSpeed: 1440})
		if err != nil {
			t.Fatal(err)
		}
		if !d.Case.Drill || d.Case.DrillSpeed != 1440 || d.Case.DrillStartedAt == nil || !d.Case.DrillStartedAt.Equal(clk.Now()) || !d.Case.AwareAt.Equal(aware) {
			t.Fatalf("drill stored as %+v", d.Case)
		}
		refs = append(refs, d.Case.Reference)
	}
	real, err := svc.Create(ctx, &p, cases.NewCase{Title: "本物", AwareAt: now.Add(-time.Hour), IncidentType: "other"})
	if err != nil {
		t.Fatal(err)
	}
	refs = append(refs, real.Case.Reference)
	if want := []string{"DRILL-2026-0001", "DRILL-2026-0002", "INC-2026-0001"}; refs[0] != want[0] || refs[1] != want[1] || refs[2] != want[2] {
		t.Fatalf("references %v, want %v", refs, want)
	}
	got, err := svc.Get(ctx, &p, real.Case.ID)
	if err != nil || got.Drill || got.DrillSpeed != 0 || got.DrillStartedAt != nil {
		t.Fatalf("real case read back as %+v (%v)", got, err)
	}

	// Fixed for good: the database refuses turning either into the other.
	for _, sql := range []string{
		`UPDATE cases SET drill = false, drill_speed = 0, drill_started_at = NULL WHERE reference = 'DRILL-2026-0001'`,
		`UPDATE cases SET drill_speed = 60 WHERE reference = 'DRILL-2026-0001'`,
		`UPDATE cases SET drill = true, drill_speed = 60, drill_started_at = now() WHERE id = ?`,
	} {
		if err := st.DB.Exec(sql, real.Case.ID).Error; err == nil {
			t.Errorf("%s: accepted", sql)
		}
	}
	// A drill's awareness can still be moved, to any moment.
	later := future.AddDate(0, 1, 0)
	drills, err := svc.List(ctx, &p, cases.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range drills {
		if c.Drill {
			if _, err := svc.Update(ctx, &p, c.ID, cases.Patch{AwareAt: &later}); err != nil {
				t.Fatalf("moving a drill's awareness: %v", err)
			}
		}
	}
}
