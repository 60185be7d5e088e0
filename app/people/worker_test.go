package people_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/people"
	"github.com/breachdesk/breachdesk/workflows"
)

// The import_people job runs the import and River completes it.
func TestWorkerRunsTheImport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	ctx := context.Background()
	d := apptest.Workers(t, e.st, e.clk, e.auth)
	d.People = e.svc
	c, err := workflows.NewClient(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { workflows.Stop(c, 5*time.Second) })
	imp, err := e.svc.Start(ctx, p, caseID, "x.csv", strings.NewReader("name,email\nA,a@example.jp\nB,b@example.jp\n"), people.Options{})
	if err != nil {
		t.Fatal(err)
	}
	waited := clock.Start()
	for imp.Status != people.StatusDone {
		if waited.Elapsed() > 15*time.Second {
			t.Fatalf("import not done: %+v", imp)
		}
		time.Sleep(50 * time.Millisecond)
		imp, _ = e.svc.Get(ctx, p, imp.ID)
	}
	for e.count(`SELECT count(*) FROM river_job WHERE kind = 'import_people' AND state = 'completed'`) != 1 {
		if waited.Elapsed() > 15*time.Second {
			t.Fatal("job not completed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if imp.RowsImported != 2 || len(e.people(p, caseID)) != 2 {
		t.Fatalf("import: %+v", imp)
	}
}
