package workflows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
	"github.com/breachdesk/breachdesk/app/notifications"
	"github.com/breachdesk/breachdesk/workflows"
)

// A case opened 40 days after awareness has overdue PPC reports: their
// overdue reminders are scheduled in the past, fire at once, and the
// owner receives the e-mail through a real SMTP server.
func TestOverdueReminderFiresAndIsEmailed(t *testing.T) {
	t.Parallel()
	d := deps(t)
	smtp := mailtest.New(t)
	mailer, err := mail.NewSMTP(smtp.URL, "BreachDesk <noreply@shop.example>")
	if err != nil {
		t.Fatal(err)
	}
	d.Emailer = notifications.NewEmailer(d.Store, d.Clock, mailer, "https://breachdesk.example")
	client, err := workflows.NewClient(d)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p := apptest.Principal(t, d.Auth, "owner@shop.example", "shop", auth.RoleOwner)
	cs, _ := apptest.Cases(d.Store, d.Clock)
	c, err := cs.Create(ctx, p, cases.NewCase{Title: "Old leak", AwareAt: d.Clock.Now().Add(-40 * 24 * time.Hour), IncidentType: "unauthorized_access"})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer workflows.Stop(client, 5*time.Second)

	got := smtp.WaitFor(1, 20*time.Second)
	var overdue []mailtest.Received
	for _, m := range got {
		// The owner chose no language: the reminder is in Japanese only.
		if strings.Contains(m.Subject, c.Case.Reference) && strings.Contains(m.Subject, "期限を過ぎています") && !strings.Contains(m.Subject, "OVERDUE") {
			overdue = append(overdue, m)
		}
	}
	if len(overdue) == 0 {
		t.Fatalf("no overdue reminder e-mail for %s; received %d messages", c.Case.Reference, len(got))
	}
	if overdue[0].To[0] != "owner@shop.example" || !strings.Contains(string(overdue[0].Raw), "breachdesk.example/cases/") {
		t.Fatalf("unexpected e-mail: to %v", overdue[0].To)
	}
	// Give the e-mail job a moment to commit emailed_at, then check the
	// in-app notification exists exactly once per reminder.
	waited := clock.Start()
	var emailed, dup int64
	for waited.Elapsed() < 10*time.Second {
		d.Store.DB.Raw(`SELECT count(*) FROM notifications WHERE emailed_at IS NOT NULL`).Scan(&emailed)
		if emailed >= int64(len(overdue)) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	d.Store.DB.Raw(`SELECT count(*) FROM (SELECT reminder_id, user_id FROM notifications GROUP BY 1, 2 HAVING count(*) > 1) x`).Scan(&dup)
	if emailed == 0 || dup != 0 {
		t.Fatalf("notifications: emailed=%d duplicates=%d", emailed, dup)
	}
}

// Reminders scheduled weeks ahead fire when the clock reaches them: the
// test moves the clock (River's time with it) instead of sleeping. The
// case is opened on 2026-12-02, so the PPC final report's day 30 is 12/31,
// in the year-end closure, and moves to the next business day.
func TestRemindersFireWhenTheClockReachesThem(t *testing.T) {
	t.Parallel()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	clk := clocktest.At(time.Date(2026, 12, 2, 10, 0, 0, 0, tokyo))
	d := depsAt(t, clk)
	client, err := workflows.NewClient(d)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p := apptest.Principal(t, d.Auth, "owner@shop.example", "shop", auth.RoleOwner)
	cs, as := apptest.Cases(d.Store, clk)
	c, err := cs.Create(ctx, p, cases.NewCase{Title: "Year-end leak", AwareAt: clk.Now().Add(-time.Hour), IncidentType: "unauthorized_access"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := assessment.ParseFacts([]byte(`{"data_items":["name","email"],"persons_affected":1500,"residents":{"JP":1500},"unauthorized_purpose":false}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := as.Save(ctx, p, c.Case.ID, f, ""); err != nil {
		t.Fatal(err)
	}
	var final struct {
		ID    int64
		DueAt time.Time
	}
	d.Store.DB.Raw(`SELECT id, due_at FROM obligations WHERE case_id = ? AND rule_id = 'jp.appi.ppc.final'`, c.Case.ID).Scan(&final)
	if got := final.DueAt.In(tokyo).Format(time.DateTime); got != "2027-01-04 23:59:59" {
		t.Fatalf("final report due %s, want 2027-01-04 23:59:59", got)
	}
	scheduled := count(t, d.Store, fmt.Sprintf(`SELECT count(*) FROM reminders WHERE obligation_id = %d AND state = 'scheduled'`, final.ID))
	if scheduled == 0 {
		t.Fatal("no reminders scheduled for the final report")
	}
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer workflows.Stop(client, 5*time.Second)

	sent := func() int64 {
		return count(t, d.Store, fmt.Sprintf(`SELECT count(*) FROM reminders WHERE obligation_id = %d AND state = 'sent'`, final.ID))
	}
	// Two weeks on, the preliminary report's reminders have fired and none
	// of the final report's is due yet.
	clk.Advance(14 * 24 * time.Hour)
	due := fmt.Sprintf(`SELECT count(*) FROM reminders WHERE obligation_id <> %d AND fire_at <= '%s'`, final.ID, clk.Now().Format(time.RFC3339Nano))
	others := count(t, d.Store, due)
	if others == 0 {
		t.Fatal("no other reminder is due two weeks on")
	}
	waited := clock.Start()
	for count(t, d.Store, due+` AND state <> 'scheduled'`) < others {
		if waited.Elapsed() > 20*time.Second {
			var states []string
			d.Store.DB.Raw(`SELECT o.rule_id || ' ' || r.threshold || ' ' || r.state || ' ' || r.fire_at FROM reminders r JOIN obligations o ON o.id = r.obligation_id ORDER BY r.fire_at`).Scan(&states)
			t.Fatalf("%d of %d reminders due two weeks on were worked:\n%s", count(t, d.Store, due+` AND state <> 'scheduled'`), others, strings.Join(states, "\n"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := sent(); n != 0 {
		t.Fatalf("%d reminders of a report due in weeks were sent", n)
	}
	// Past the due date (and the overdue reminder's time), all of them fire.
	clk.Set(final.DueAt.Add(7 * 24 * time.Hour))
	waited = clock.Start()
	for sent() < scheduled {
		if waited.Elapsed() > 20*time.Second {
			t.Fatalf("%d of %d reminders sent after the clock passed the due date", sent(), scheduled)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var notified int64
	d.Store.DB.Raw(`SELECT count(*) FROM notifications n JOIN reminders r ON r.id = n.reminder_id WHERE r.obligation_id = ? AND n.created_at >= ?`, final.ID, final.DueAt).Scan(&notified)
	if notified != scheduled {
		t.Fatalf("%d notifications stamped after the due date by the clock, want %d", notified, scheduled)
	}
}
