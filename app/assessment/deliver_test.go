package assessment_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/store"
)

// Deliver turns a due reminder into one notification per recipient and
// one e-mail job each, marks it sent and completes the caller's job, all
// in one transaction; a reminder not due yet waits, one whose obligation
// was dealt with is cancelled, and a failing completion leaves nothing.
func TestDeliverReminder(t *testing.T) {
	t.Parallel()
	f := setup(t, clocktest.New(t))
	ctx := context.Background()
	c, err := f.cases.Create(ctx, &f.owner, cases.NewCase{Title: "Old leak", AwareAt: f.clk.Now().Add(-40 * 24 * time.Hour),
		IncidentType: "unauthorized_access", OwnerID: &f.owner.User.ID})
	if err != nil {
		t.Fatal(err)
	}
	var due []int64 // reminders whose time has come: a case opened late has them
	f.st.DB.Raw(`SELECT r.id FROM reminders r JOIN obligations o ON o.id = r.obligation_id
		WHERE o.case_id = ? AND r.state = 'scheduled' AND r.fire_at <= ? ORDER BY r.id`, c.Case.ID, f.clk.Now()).Scan(&due)
	if len(due) < 4 {
		t.Fatalf("%d reminders due for a case opened 40 days late, want at least 4", len(due))
	}
	deadlines := assessment.NewDeadlines(f.st, f.clk)
	completed := 0
	complete := func(*store.Tx) error { completed++; return nil }
	state := func(id int64) string {
		var s string
		f.st.DB.Raw(`SELECT state FROM reminders WHERE id = ?`, id).Scan(&s)
		return s
	}
	notified := func(id int64) int64 {
		return apptest.Count(t, f.st, `SELECT count(*) FROM notifications WHERE reminder_id = ?`, id)
	}
	emailJobs := func() int64 {
		return apptest.Count(t, f.st, `SELECT count(*) FROM river_job WHERE kind = ?`, jobs.SendNotificationEmail{}.Kind())
	}

	// Due: the case owner is notified, the e-mail queued, the job completed.
	sent := due[0]
	if wait, err := deadlines.Deliver(ctx, sent, complete); err != nil || wait != 0 {
		t.Fatalf("deliver: wait %v, %v", wait, err)
	}
	var n struct {
		UserID int64
		Title  string
		Link   string
	}
	f.st.DB.Raw(`SELECT user_id, title, link FROM notifications WHERE reminder_id = ?`, sent).Scan(&n)
	if state(sent) != "sent" || notified(sent) != 1 || emailJobs() != 1 || completed != 1 {
		t.Fatalf("after delivery: state %s, %d notifications, %d e-mail jobs, %d completions", state(sent), notified(sent), emailJobs(), completed)
	}
	if n.UserID != f.owner.User.ID || !strings.HasPrefix(n.Title, "["+c.Case.Reference+"]") || n.Link == "" {
		t.Fatalf("notification %+v", n)
	}
	// Again (a retry after the commit): nobody is notified twice.
	if _, err := deadlines.Deliver(ctx, sent, complete); err != nil || notified(sent) != 1 || emailJobs() != 1 || completed != 2 {
		t.Fatalf("second delivery: %d notifications, %d e-mail jobs, %d completions, %v", notified(sent), emailJobs(), completed, err)
	}

	// The completion fails: the reminder stays scheduled, nobody is told.
	boom := errors.New("boom")
	if _, err := deadlines.Deliver(ctx, due[1], func(*store.Tx) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("failing completion: %v", err)
	}
	if state(due[1]) != "scheduled" || notified(due[1]) != 0 || emailJobs() != 1 {
		t.Fatalf("after a failed completion: state %s, %d notifications, %d e-mail jobs", state(due[1]), notified(due[1]), emailJobs())
	}

	// Not due yet: it waits, and the job is not completed.
	if err := f.st.DB.Exec(`UPDATE reminders SET fire_at = ? WHERE id = ?`, f.clk.Now().Add(time.Hour), due[2]).Error; err != nil {
		t.Fatal(err)
	}
	if wait, err := deadlines.Deliver(ctx, due[2], complete); err != nil || wait <= 0 || wait > time.Hour || completed != 2 || state(due[2]) != "scheduled" {
		t.Fatalf("early: wait %v, %d completions, state %s, %v", wait, completed, state(due[2]), err)
	}

	// Its obligation was submitted meanwhile: cancelled, nobody told.
	if err := f.st.DB.Exec(`UPDATE obligations SET status = 'submitted', submitted_at = ? WHERE id = (SELECT obligation_id FROM reminders WHERE id = ?)`, f.clk.Now(), due[3]).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := deadlines.Deliver(ctx, due[3], complete); err != nil || state(due[3]) != "cancelled" || notified(due[3]) != 0 || completed != 3 {
		t.Fatalf("dealt with: state %s, %d notifications, %d completions, %v", state(due[3]), notified(due[3]), completed, err)
	}

	// Gone: the job is completed and nothing else happens.
	if _, err := deadlines.Deliver(ctx, 1<<40, complete); err != nil || completed != 4 {
		t.Fatalf("missing reminder: %d completions, %v", completed, err)
	}
}

// A reminder reaches each person in their language, one language at a
// time: the case owner (no choice: Japanese) and an assignee who chose
// English. It names who is owed what, not only the rule's key.
func TestReminderSpeaksItsReadersLanguage(t *testing.T) {
	t.Parallel()
	f := setup(t, clocktest.New(t))
	ctx := context.Background()
	if err := f.auth.SetLanguage(ctx, &f.legal, "en"); err != nil {
		t.Fatal(err)
	}
	c, err := f.cases.Create(ctx, &f.owner, cases.NewCase{Title: "Old leak", AwareAt: f.clk.Now().Add(-40 * 24 * time.Hour),
		IncidentType: "unauthorized_access", OwnerID: &f.owner.User.ID})
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := f.cases.Tasks(ctx, &f.owner, c.Case.ID)
	if err != nil || len(tasks) == 0 {
		t.Fatalf("tasks: %d %v", len(tasks), err)
	}
	if _, err := f.cases.UpdateTask(ctx, &f.owner, tasks[0].ID, cases.TaskPatch{AssigneeID: &f.legal.User.ID}); err != nil {
		t.Fatal(err)
	}
	var due int64
	f.st.DB.Raw(`SELECT r.id FROM reminders r JOIN obligations o ON o.id = r.obligation_id
		WHERE o.case_id = ? AND o.rule_id = 'jp.appi.ppc.preliminary' AND r.state = 'scheduled' AND r.fire_at <= ? ORDER BY r.id LIMIT 1`, c.Case.ID, f.clk.Now()).Scan(&due)
	if due == 0 {
		t.Fatal("no preliminary-report reminder due")
	}
	if _, err := assessment.NewDeadlines(f.st, f.clk).Deliver(ctx, due, func(*store.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	var got []struct {
		UserID      int64
		Title, Body string
	}
	f.st.DB.Raw(`SELECT user_id, title, body FROM notifications WHERE reminder_id = ? ORDER BY user_id`, due).Scan(&got)
	if len(got) != 2 {
		t.Fatalf("%d notifications, want the owner's and the assignee's", len(got))
	}
	for _, n := range got {
		text := n.Title + "\n" + n.Body
		if strings.Contains(text, " / ") {
			t.Errorf("a notification in two languages: %q", text)
		}
		want := []string{"個人情報保護委員会", "期限：", "状態：未着手"}
		if n.UserID == f.legal.User.ID {
			want = []string{"Personal Information Protection Commission", "Deadline:", "Status: pending"}
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("user %d's notification lacks %q: %q", n.UserID, w, text)
			}
		}
	}
}
