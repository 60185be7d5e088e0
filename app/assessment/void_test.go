package assessment_test

import (
	"context"
	"errors"
	"testing"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
)

// Voiding a case cancels its scheduled reminders and their jobs in the
// void's transaction; a reminder whose job runs anyway is cancelled, not
// delivered; the case's deadlines leave the dashboard's list; and the
// assessment of a voided case can no longer be saved.
func TestVoidStopsReminders(t *testing.T) {
	t.Parallel()
	f := setup(t, clocktest.New(t))
	ctx := context.Background()
	c, err := f.cases.Create(ctx, &f.owner, cases.NewCase{Title: "Typo in the year", AwareAt: f.clk.Now().AddDate(-27, 0, 0),
		IncidentType: "unauthorized_access", OwnerID: &f.owner.User.ID, ConfirmOldAwareAt: true})
	if err != nil {
		t.Fatal(err)
	}
	scheduled := func() []int64 {
		var ids []int64
		f.st.DB.Raw(`SELECT r.id FROM reminders r JOIN obligations o ON o.id = r.obligation_id
			WHERE o.case_id = ? AND r.state = 'scheduled' ORDER BY r.id`, c.Case.ID).Scan(&ids)
		return ids
	}
	before := scheduled()
	if len(before) == 0 {
		t.Fatal("a case aware 27 years ago has no reminder scheduled")
	}
	up, err := f.as.UpcomingDeadlines(ctx, &f.owner, 50)
	if err != nil || len(up) == 0 {
		t.Fatalf("the case's deadlines are not on the dashboard's list: %v %v", up, err)
	}

	if _, err := f.cases.Void(ctx, &f.owner, c.Case.ID, "the year was typed wrong; opened again as a new case"); err != nil {
		t.Fatal(err)
	}
	if left := scheduled(); len(left) != 0 {
		t.Fatalf("reminders %v still scheduled after the void", left)
	}
	if n := apptest.Count(t, f.st, `SELECT count(*) FROM reminders r JOIN river_job j ON j.id = r.job_id
		WHERE r.id IN ? AND (r.state <> 'cancelled' OR j.state <> 'cancelled')`, before); n != 0 {
		t.Fatalf("%d reminders or their jobs not cancelled", n)
	}
	// A job that had already started delivers nothing.
	f.st.DB.Exec(`UPDATE reminders SET state = 'scheduled' WHERE id = ?`, before[0])
	completed := false
	if _, err := assessment.NewDeadlines(f.st, f.clk).Deliver(ctx, before[0], func(*store.Tx) error { completed = true; return nil }); err != nil || !completed {
		t.Fatalf("deliver on a voided case: %v (completed %v)", err, completed)
	}
	if n := apptest.Count(t, f.st, `SELECT count(*) FROM notifications WHERE reminder_id = ?`, before[0]); n != 0 {
		t.Fatalf("%d notifications of a voided case's reminder", n)
	}
	if st := apptest.Count(t, f.st, `SELECT count(*) FROM reminders WHERE id = ? AND state = 'cancelled'`, before[0]); st != 1 {
		t.Fatal("the reminder of a voided case was not cancelled on delivery")
	}

	if up, err := f.as.UpcomingDeadlines(ctx, &f.owner, 50); err != nil || len(up) != 0 {
		t.Fatalf("a voided case's deadlines on the dashboard's list: %d %v", len(up), err)
	}
	_, _, err = f.as.Save(ctx, &f.owner, c.Case.ID, mustFacts(t, `{"data_items":["email"]}`), "")
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != "conflict.case_voided" {
		t.Fatalf("assessment saved on a voided case: %v", err)
	}
}
