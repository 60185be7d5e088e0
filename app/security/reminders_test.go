package security_test

import (
	"context"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/security"
)

// Reviews whose date has come are reminded of once per due date: the
// owner where there is one, else the owners and managers, each with the
// notification's e-mail job.
func TestSecurityReviewRemindersOncePerDueDate(t *testing.T) {
	t.Parallel()
	clk := clocktest.Frozen(time.Date(2026, 12, 7, 9, 0, 0, 0, jst))
	w := newWorld(t, clk)
	ctx := context.Background()
	set := func(in security.Update) {
		t.Helper()
		if _, err := w.svc.SetMeasure(ctx, w.owner, in); err != nil {
			t.Fatal(err)
		}
	}
	// Due since September, owned by the responder.
	set(security.Update{MeasureID: security.MeasurePatching, Status: security.StatusInPlace, LastChecked: "2026-06-01", OwnerID: w.responder.User.ID})
	// Due today, no owner: the owner and the manager hear of it.
	set(security.Update{MeasureID: security.MeasureAdminMFA, Status: security.StatusInPlace, LastChecked: "2026-01-10", NextReview: "2026-12-07"})
	// Not due until February.
	set(security.Update{MeasureID: security.MeasureLogMonitoring, Status: security.StatusInPlace, LastChecked: "2026-11-01"})
	// Another organisation's due review is reminded of in that organisation.
	if _, err := w.svc.SetMeasure(ctx, w.other, security.Update{MeasureID: security.MeasureWAF, Status: security.StatusPartial, LastChecked: "2025-01-01"}); err != nil {
		t.Fatal(err)
	}

	n, err := w.svc.RemindDueReviews(ctx)
	if err != nil || n != 3 {
		t.Fatalf("first run reminded of %d reviews (%v), want 3", n, err)
	}
	notes := func(userID, orgID int64) int64 {
		return apptest.Count(t, w.st, `SELECT count(*) FROM notifications WHERE user_id = ? AND organisation_id = ? AND link LIKE '/security#m-%'`, userID, orgID)
	}
	for _, c := range []struct {
		who       string
		user, org int64
		want      int64
	}{
		{"responder (owner of patching)", w.responder.User.ID, w.owner.OrgID(), 1},
		{"organisation owner (admin MFA has no owner)", w.owner.User.ID, w.owner.OrgID(), 1},
		{"manager", w.manager.User.ID, w.owner.OrgID(), 1},
		{"viewer", w.viewer.User.ID, w.owner.OrgID(), 0},
		{"beta's owner", w.other.User.ID, w.other.OrgID(), 1},
	} {
		if got := notes(c.user, c.org); got != c.want {
			t.Errorf("%s: %d notifications, want %d", c.who, got, c.want)
		}
	}
	all := apptest.Count(t, w.st, `SELECT count(*) FROM notifications`)
	if jobs := apptest.Count(t, w.st, `SELECT count(*) FROM river_job WHERE kind = 'notification_email'`); jobs != all || all != 4 {
		t.Errorf("%d notifications, %d e-mail jobs; want 4 of each", all, jobs)
	}

	// Running again, even a day later, adds nothing for the same due dates.
	clk.Advance(24 * time.Hour)
	if n, err := w.svc.RemindDueReviews(ctx); err != nil || n != 0 {
		t.Fatalf("second run reminded of %d (%v), want 0", n, err)
	}
	if got := apptest.Count(t, w.st, `SELECT count(*) FROM notifications`); got != all {
		t.Fatalf("second run made notifications: %d, was %d", got, all)
	}

	// A new review date is a new reminder when it comes.
	set(security.Update{MeasureID: security.MeasurePatching, Status: security.StatusInPlace, LastChecked: "2026-12-08", NextReview: "2026-12-10", OwnerID: w.responder.User.ID})
	if n, _ := w.svc.RemindDueReviews(ctx); n != 0 {
		t.Fatalf("reminded of a review not yet due")
	}
	clk.Set(time.Date(2026, 12, 10, 0, 30, 0, 0, jst)) // Tokyo's 10 December, still the 9th in UTC
	if n, err := w.svc.RemindDueReviews(ctx); err != nil || n != 1 {
		t.Fatalf("new due date reminded of %d (%v), want 1", n, err)
	}
	if got := notes(w.responder.User.ID, w.owner.OrgID()); got != 2 {
		t.Errorf("responder has %d notifications, want 2", got)
	}
}
