package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/orders"
	"github.com/breachdesk/breachdesk/app/scoping"
	"github.com/breachdesk/breachdesk/workflows"
)

// A scope run asked for on the page is computed by the River worker: the
// queued run ends done with its persons, and the case can be scoped again.
func TestScopeRunJobComputesTheQueuedRun(t *testing.T) {
	t.Parallel()
	d := deps(t)
	cs, as := apptest.Cases(d.Store, d.Clock)
	d.Scoping = scoping.NewService(d.Store, d.Clock, cs, as)
	ctx := context.Background()
	owner := apptest.Principal(t, d.Auth, "owner@shop.example", "shop", auth.RoleOwner)
	caseID := apptest.NewCase(t, cs, d.Clock, owner)
	for _, o := range []struct{ no, at, cid, email, name string }{
		{"A1", "2026-10-05 10:00:00+09", "M1", "taro@example.jp", "山田太郎"},
		{"A2", "2026-10-06 10:00:00+09", "", "taro@example.jp", "山田太郎"},
		{"B1", "2026-10-07 10:00:00+09", "M2", "hanako@example.jp", "山田花子"},
	} {
		if err := d.Store.DB.Exec(`INSERT INTO orders (organisation_id, case_id, order_no, ordered_at, payment_method, card_payment, card_brand,
			card_last4, customer_id, email, name, postal_code, address, email_key, name_address_key)
			VALUES (?, ?, ?, ?, 'クレジットカード決済', true, 'visa', '4242', ?, ?, ?, '100-0001', '東京都千代田区1-1', ?, ?)`,
			owner.OrgID(), caseID, o.no, o.at, o.cid, o.email, o.name, orders.EmailKey(o.email),
			orders.NameAddressKey(o.name, "100-0001", "東京都千代田区1-1")).Error; err != nil {
			t.Fatal(err)
		}
	}
	jst := time.FixedZone("JST", 9*3600)
	if _, err := d.Scoping.SaveWindow(ctx, owner, caseID, 0, scoping.Window{Start: time.Date(2026, 10, 1, 0, 0, 0, 0, jst),
		End: time.Date(2026, 11, 30, 0, 0, 0, 0, jst), Source: "pfi_report", Confidence: scoping.ConfidenceConfirmed,
		DataItems: []obligations.DataItem{obligations.ItemCardNumber}}); err != nil {
		t.Fatal(err)
	}
	run, err := d.Scoping.Scope(ctx, owner, caseID)
	if err != nil {
		t.Fatal(err)
	}
	client, err := workflows.NewClient(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer workflows.Stop(client, 5*time.Second)
	waited := clock.Start()
	for waited.Elapsed() < 20*time.Second {
		if run, err = d.Scoping.GetRun(ctx, owner, run.ID); err != nil {
			t.Fatal(err)
		}
		if !run.Pending() {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if run.Status != scoping.StatusDone || run.PersonsConfirmed != 2 || run.OrdersMatched != 3 {
		t.Fatalf("run after the worker: %s (%s), %d confirmed from %d orders; want done, 2 from 3", run.Status, run.Error,
			run.PersonsConfirmed, run.OrdersMatched)
	}
	// River marks the job completed shortly after Work returns.
	const completed = `SELECT count(*) FROM river_job WHERE kind = 'scope_run' AND state = 'completed'`
	for waited.Elapsed() < 20*time.Second && count(t, d.Store, completed) == 0 {
		time.Sleep(50 * time.Millisecond)
	}
	if n := count(t, d.Store, completed); n != 1 {
		t.Errorf("%d completed scope_run jobs, want 1", n)
	}
	if _, err := d.Scoping.Scope(ctx, owner, caseID); err != nil {
		t.Errorf("scoping again once the run is done: %v", err)
	}
}
