package orders_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/orders"
	"github.com/breachdesk/breachdesk/workflows"
)

// The import_orders job runs the import and River completes it.
func TestWorkerRunsTheImport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	d := apptest.Workers(t, e.st, e.clk, e.auth)
	d.Orders = e.svc
	c, err := workflows.NewClient(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { workflows.Stop(c, 5*time.Second) })
	imp, err := e.svc.Start(ctx, e.p, e.caseID, "x.csv", strings.NewReader("注文番号,注文日時,氏名\n1,2026-10-01,A\n2,2026-10-02,B\n"), genericOpts)
	if err != nil {
		t.Fatal(err)
	}
	waited := clock.Start()
	for imp.Status != orders.StatusDone {
		if waited.Elapsed() > 15*time.Second {
			t.Fatalf("import not done: %+v", imp)
		}
		time.Sleep(50 * time.Millisecond)
		imp, _ = e.svc.Get(ctx, e.p, imp.ID)
	}
	for e.count(`SELECT count(*) FROM river_job WHERE kind = 'import_orders' AND state = 'completed'`) != 1 {
		if waited.Elapsed() > 15*time.Second {
			t.Fatal("job not completed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if imp.OrdersImported != 2 || len(e.orders()) != 2 {
		t.Fatalf("import: %+v", imp)
	}
}
