package assessment_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
	"github.com/breachdesk/breachdesk/app/notifications"
	"github.com/breachdesk/breachdesk/app/store"
)

// A deadline reminder's e-mail subject names the obligation by its
// title in the reader's language (速報 / Preliminary report), never by
// the rule key jp.appi.ppc.preliminary: the subject is all an inbox shows.
func TestReminderSubjectUsesRuleTitleNotKey(t *testing.T) {
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
	var ids []int64
	f.st.DB.Raw(`SELECT id FROM notifications WHERE reminder_id = ? ORDER BY user_id`, due).Scan(&ids)
	if len(ids) != 2 {
		t.Fatalf("%d notifications, want the owner's and the assignee's", len(ids))
	}

	srv := mailtest.New(t)
	sender, err := mail.NewSMTP(srv.URL, "BreachDesk <noreply@shop.example>")
	if err != nil {
		t.Fatal(err)
	}
	em := notifications.NewEmailer(f.st, f.clk, sender, "https://breachdesk.example")
	for _, id := range ids {
		if err := em.Email(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	got := srv.WaitFor(2, 5*time.Second)
	if len(got) != 2 {
		t.Fatalf("%d e-mails arrived, want 2", len(got))
	}
	want := map[string]string{f.owner.User.Email: "個人情報保護委員会への速報", f.legal.User.Email: "Preliminary report to the PPC"}
	for _, m := range got {
		title, ok := want[m.To[0]]
		if !ok {
			t.Fatalf("mail to %v", m.To)
		}
		if !strings.Contains(m.Subject, title) || !strings.Contains(m.Subject, c.Case.Reference) {
			t.Errorf("subject to %s is %q, want the title %q and the case reference", m.To[0], m.Subject, title)
		}
		if strings.Contains(m.Subject, "jp.appi") || strings.Contains(m.Subject, "ppc.preliminary") {
			t.Errorf("subject to %s shows the rule key: %q", m.To[0], m.Subject)
		}
		if strings.Contains(string(m.Raw), "jp.appi.ppc.preliminary") {
			t.Errorf("mail to %s shows the rule key", m.To[0])
		}
	}
}
