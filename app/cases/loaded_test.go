package cases_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
)

// A read of a case the caller has loaded (TasksOf, and the other
// services' …Of methods) checks the case against the principal's
// organisation without reading it again: it gives what the read by id
// gives, and another organisation's case is not found, as by id.
func TestReadsOfALoadedCaseKeepToTheOrganisation(t *testing.T) {
	t.Parallel()
	_, svc, ps, clk := setup(t)
	ctx := context.Background()
	a, b := ps["owner@a.example"], ps["owner@b.example"]
	created, err := svc.Create(ctx, &a, cases.NewCase{Title: "Skimmer on checkout", AwareAt: clk.Now().Add(-time.Hour), IncidentType: "card_skimming"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := svc.Get(ctx, &a, created.Case.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !c.BelongsTo(&a) || c.BelongsTo(&b) || c.BelongsTo(&auth.Principal{}) {
		t.Fatal("BelongsTo does not follow the organisation")
	}
	byID, err := svc.Tasks(ctx, &a, c.ID)
	if err != nil || len(byID) == 0 {
		t.Fatalf("Tasks: %d, %v", len(byID), err)
	}
	loaded, err := svc.TasksOf(ctx, &a, c)
	if err != nil || len(loaded) != len(byID) {
		t.Fatalf("TasksOf: %d tasks, %v; Tasks: %d", len(loaded), err, len(byID))
	}
	if _, err := svc.TasksOf(ctx, &b, c); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("TasksOf another organisation's case: %v", err)
	}
	if _, err := svc.Tasks(ctx, &b, c.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("Tasks of another organisation's case: %v", err)
	}
}
