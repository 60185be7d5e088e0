package workflows_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/benchreport"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/workflows"
)

// reminderLateness schedules one reminder per (obligation, threshold) of a
// fresh case at now + from + i·step, the way the assessment service does
// (job early, snooze to the time), runs the workers and returns each
// reminder's lateness: its notification's time minus its fire time.
func reminderLateness(t *testing.T, from, step time.Duration, limit int) []time.Duration {
	t.Helper()
	d := deps(t)
	client, err := workflows.NewClient(d)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p := apptest.Principal(t, d.Auth, "owner@shop.example", "shop", auth.RoleOwner)
	cs, as := apptest.Cases(d.Store, d.Clock)
	c, err := cs.Create(ctx, p, cases.NewCase{Title: "Leak", AwareAt: d.Clock.Now().Add(-time.Hour), IncidentType: "card_skimming"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := assessment.ParseFacts([]byte(`{"data_items":["card_number","email"],"persons_affected":1200,"residents":{"JP":1100,"EU":100},"card_brands":["visa","mastercard","jcb","amex"],"unauthorized_purpose":true}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := as.Save(ctx, p, c.Case.ID, f, ""); err != nil {
		t.Fatal(err)
	}
	var obligationIDs []int64
	d.Store.DB.Raw(`SELECT id FROM obligations WHERE case_id = ? AND applicable ORDER BY id`, c.Case.ID).Scan(&obligationIDs)
	// The test clock runs at real speed: lateness is measured in it.
	start := d.Clock.Now()
	n := 0
	err = d.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Exec(`UPDATE reminders SET state = 'cancelled' WHERE organisation_id = ?`, p.OrgID()).Error; err != nil {
			return err
		}
		for _, th := range []string{"warn", "day_before", "due", "overdue"} {
			for _, oid := range obligationIDs {
				if n >= limit {
					return nil
				}
				at := start.Add(from + time.Duration(n)*step).UTC()
				r := assessment.Reminder{OrganisationID: p.OrgID(), ObligationID: oid, Threshold: th, FireAt: at, State: "scheduled", CreatedAt: start, UpdatedAt: start}
				if err := tx.DB.Create(&r).Error; err != nil {
					return err
				}
				if _, err := tx.Enqueue(ctx, jobs.DeadlineReminder{ReminderID: r.ID}, jobs.ReminderInsertOpts(at, start)); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer workflows.Stop(client, 5*time.Second)
	deadline := start.Add(from + time.Duration(n)*step + 30*time.Second)
	for count(t, d.Store, `SELECT count(*) FROM reminders WHERE state = 'sent'`) < int64(n) {
		if d.Clock.Now().After(deadline) {
			t.Fatalf("only %d of %d reminders sent", count(t, d.Store, `SELECT count(*) FROM reminders WHERE state = 'sent'`), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var late []float64
	d.Store.DB.Raw(`SELECT extract(epoch FROM min(n.created_at) - r.fire_at) FROM reminders r JOIN notifications n ON n.reminder_id = r.id
		WHERE r.state = 'sent' GROUP BY r.id, r.fire_at`).Scan(&late)
	out := make([]time.Duration, len(late))
	for i, s := range late {
		out[i] = time.Duration(s * float64(time.Second))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// A reminder is delivered at its time, not up to River's scheduler
// interval (5 s) later, and never early.
func TestRemindersFireOnTime(t *testing.T) {
	t.Parallel()
	late := reminderLateness(t, 2*time.Second, 300*time.Millisecond, 8)
	if len(late) != 8 {
		t.Fatalf("%d reminders measured", len(late))
	}
	if late[0] < 0 {
		t.Errorf("a reminder fired %s early", -late[0])
	}
	if worst := late[len(late)-1]; worst > 2*time.Second {
		t.Errorf("a reminder was %s late (all: %v)", worst, late)
	}
}

// TestBenchReport measures reminder lateness (scheduled time → in-app
// notification committed) over reminders due across half a minute, both
// within and beyond the job's lead time (`make bench`).
func TestBenchReport(t *testing.T) {
	if !benchreport.Enabled() {
		t.Skip("set BREACHDESK_BENCH=1 (make bench)")
	}
	late := reminderLateness(t, 3*time.Second, 400*time.Millisecond, 60)
	q := func(p float64) float64 { return late[int(p*float64(len(late)-1))].Seconds() }
	benchreport.RecordRuns(t, "Reminder lateness (scheduled time → notification)", 1, map[string]float64{
		"reminder_lateness_p50_s": q(0.5),
		"reminder_lateness_p95_s": q(0.95),
		"reminder_lateness_max_s": late[len(late)-1].Seconds(),
		"reminders_measured":      float64(len(late)),
	}, "60 reminders due 3–27 s after start, scheduled as the assessment service does (job 10 s early, snoozing to the exact time); lateness is the notification's commit time minus the reminder's time. Percentiles over the reminders of one run.")
}
