package workflows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
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
	d.Mailer, d.BaseURL = mailer, "https://breachdesk.example"
	client, err := workflows.NewClient(d, workflows.Work)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u, err := d.Auth.CreateUser(ctx, auth.NewUser{Email: "owner@shop.example", Name: "Owner", Password: "correct horse battery", OrgSlug: "shop", Role: auth.RoleOwner})
	if err != nil {
		t.Fatal(err)
	}
	org, _ := d.Auth.OrganisationBySlug(ctx, "shop")
	p := auth.Principal{User: u, Organisation: org, Role: auth.RoleOwner}
	cs := cases.NewService(d.Store)
	assessment.NewService(d.Store, cs)
	c, _, err := cs.Create(ctx, &p, cases.NewCase{Title: "Old leak", AwareAt: time.Now().Add(-40 * 24 * time.Hour), IncidentType: "unauthorized_access"})
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
		if strings.Contains(m.Subject, c.Reference) && strings.Contains(m.Subject, "OVERDUE") {
			overdue = append(overdue, m)
		}
	}
	if len(overdue) == 0 {
		t.Fatalf("no overdue reminder e-mail for %s; received %d messages", c.Reference, len(got))
	}
	if overdue[0].To[0] != "owner@shop.example" || !strings.Contains(string(overdue[0].Raw), "breachdesk.example/cases/") {
		t.Fatalf("unexpected e-mail: to %v", overdue[0].To)
	}
	// Give the e-mail job a moment to commit emailed_at, then check the
	// in-app notification exists exactly once per reminder.
	deadline := time.Now().Add(10 * time.Second)
	var emailed, dup int64
	for time.Now().Before(deadline) {
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
