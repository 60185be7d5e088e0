package notices_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

func TestMeasuresLinkOnlyToTheirCaseAndApprovalsAreTwoPeople(t *testing.T) {
	t.Parallel()
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	a := apptest.Auth(t, st, clk)
	ctx := context.Background()
	mk := func(email string, role auth.Role, op bool) auth.Principal {
		u, err := a.CreateUser(ctx, auth.NewUser{Email: email, Name: email, Password: "correct horse battery", OrgSlug: "shop", Role: role, Operator: op})
		if err != nil {
			t.Fatal(err)
		}
		org, _ := a.OrganisationBySlug(ctx, "shop")
		return auth.Principal{User: u, Organisation: org, Role: role}
	}
	owner, manager := mk("o@shop.example", auth.RoleOwner, false), mk("m@shop.example", auth.RoleManager, false)
	cs, as := apptest.Cases(st, clk)
	ns := notices.NewService(st, clk, cs, as, apptest.Renderer(t))
	c1, _ := cs.Create(ctx, &owner, cases.NewCase{Title: "one", AwareAt: clk.Now().Add(-time.Hour), IncidentType: "other"})
	c2, _ := cs.Create(ctx, &owner, cases.NewCase{Title: "two", AwareAt: clk.Now().Add(-time.Hour), IncidentType: "other"})
	otherTasks, _ := cs.Tasks(ctx, &owner, c2.Case.ID)
	title := "二要素認証の導入"
	if _, err := ns.SaveMeasure(ctx, &owner, c1.Case.ID, 0, notices.MeasureInput{TitleJA: &title, TaskID: &otherTasks[0].ID}); err == nil {
		t.Fatal("measure linked to another case's task")
	}
	tasks, _ := cs.Tasks(ctx, &owner, c1.Case.ID)
	m, err := ns.SaveMeasure(ctx, &owner, c1.Case.ID, 0, notices.MeasureInput{TitleJA: &title, TaskID: &tasks[0].ID})
	if err != nil || m.Status != "planned" {
		t.Fatalf("measure: %v", err)
	}
	done := "done"
	if m, err = ns.SaveMeasure(ctx, &owner, c1.Case.ID, m.ID, notices.MeasureInput{Status: &done}); err != nil || m.Status != "done" {
		t.Fatalf("status: %v", err)
	}
	if _, err := ns.SaveMeasure(ctx, &owner, c2.Case.ID, m.ID, notices.MeasureInput{Status: &done}); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("measure through another case: %v", err)
	}
	n, _, err := ns.Create(ctx, &owner, c1.Case.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ns.Approve(ctx, &manager, n.ID, ""); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("manager approving: %v", err)
	}
	if _, _, err := ns.Create(ctx, &owner, c2.Case.ID, n.Slug); err == nil {
		t.Fatal("duplicate slug accepted")
	}
}
