package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/security"
	"github.com/breachdesk/breachdesk/workflows"
)

// The periodic security review job, run by River on start, reminds the
// owner of a measure whose review date has passed: one notification (and
// its e-mail job) per due review, with a pinned today.
func TestSecurityReviewJobRemindsOncePerDueReview(t *testing.T) {
	t.Parallel()
	clk := clocktest.At(time.Date(2026, 12, 7, 9, 0, 0, 0, time.FixedZone("JST", 9*3600)))
	d := depsAt(t, clk)
	cs, _ := apptest.Cases(d.Store, d.Clock)
	d.Security = security.NewService(d.Store, d.Clock, cs)
	ctx := context.Background()
	owner := apptest.Principal(t, d.Auth, "owner@shop.example", "shop", auth.RoleOwner)
	admin := apptest.Principal(t, d.Auth, "it@shop.example", "shop", auth.RoleResponder)
	for _, in := range []security.Update{
		{MeasureID: security.MeasurePatching, Status: security.StatusInPlace, LastChecked: "2026-08-01", OwnerID: admin.User.ID}, // due 2026-11-01
		{MeasureID: security.MeasureWAF, Status: security.StatusInPlace, LastChecked: "2026-12-01", OwnerID: admin.User.ID},      // due 2027-12-01
	} {
		if _, err := d.Security.SetMeasure(ctx, owner, in); err != nil {
			t.Fatal(err)
		}
	}
	client, err := workflows.NewClient(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer workflows.Stop(client, 5*time.Second)

	waited := clock.Start()
	for waited.Elapsed() < 20*time.Second && count(t, d.Store, `SELECT count(*) FROM security_review_reminders`) == 0 {
		time.Sleep(100 * time.Millisecond)
	}
	if n := count(t, d.Store, `SELECT count(*) FROM security_review_reminders WHERE measure_id = 'patching' AND due_on = '2026-11-01'`); n != 1 {
		t.Fatalf("%d reminders of the patching review", n)
	}
	if n := count(t, d.Store, `SELECT count(*) FROM notifications WHERE link = '/security#m-patching'`); n != 1 {
		t.Fatalf("%d notifications of the patching review, want 1", n)
	}
	if n := count(t, d.Store, `SELECT count(*) FROM notifications WHERE link = '/security#m-waf'`); n != 0 {
		t.Fatalf("a review not due was reminded of")
	}
	// Another run (the next period, or a second process) adds nothing.
	if n, err := d.Security.RemindDueReviews(ctx); err != nil || n != 0 {
		t.Fatalf("second run: %d %v", n, err)
	}
	if n := count(t, d.Store, `SELECT count(*) FROM notifications`); n != 1 {
		t.Fatalf("%d notifications after a second run, want 1", n)
	}
}
