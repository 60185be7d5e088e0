package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/orders"
	"github.com/breachdesk/breachdesk/app/scoping"
)

// The scoping page takes windows in JST wall time, queues a scope run
// (computed by its job, not in the request), shows its status, then its
// counts, persons and diff, and applies it.
func TestScopingPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	p, caseID := evidenceCase(h, "owner@scope.example", "scope")
	for _, o := range []struct{ no, at, cid, email, name string }{
		{"A1", "2026-10-01 09:12:00+09", "M1", "taro@example.jp", "山田太郎"},
		{"A2", "2026-11-30 18:41:00+09", "M2", "hanako@example.jp", "山田花子"},
	} {
		if err := h.st.DB.Exec(`INSERT INTO orders (organisation_id, case_id, order_no, ordered_at, payment_method, card_payment, card_brand, card_last4,
			customer_id, email, name, postal_code, address, email_key, name_address_key) VALUES (?, ?, ?, ?, 'クレジットカード決済', true, 'visa', '4242', ?, ?, ?, '100-0001', '東京都千代田区1-1', ?, ?)`,
			p.OrgID(), caseID, o.no, o.at, o.cid, o.email, o.name, orders.EmailKey(o.email), orders.NameAddressKey(o.name, "100-0001", "東京都千代田区1-1")).Error; err != nil {
			t.Fatal(err)
		}
	}
	c := h.client()
	c.login("owner@scope.example")
	base := fmt.Sprintf("/cases/%d/scoping", caseID)
	bad := c.post(base+"/windows", url.Values{"base": {"0"}, "start": {"2026-11-30T18:40"}, "end": {"2026-10-01T09:12"},
		"source": {"pfi_report"}, "confidence": {"confirmed"}, "data_items": {"card_number"}})
	if b := body(t, bad); bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "開始より後にしてください") {
		t.Fatalf("window ending before its start: %d", bad.StatusCode)
	}
	r := c.post(base+"/windows", url.Values{"base": {"0"}, "start": {"2026-10-01T09:12"}, "end": {"2026-11-30T18:40"},
		"paths": {"クレジットカード決済"}, "source": {"pfi_report"}, "confidence": {"confirmed"}, "data_items": {"card_number", "security_code"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving a window: %d %s", r.StatusCode, body(t, r))
	}
	r = c.post(base+"/run", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("running the scope: %d %s", r.StatusCode, body(t, r))
	}
	// The request only queued the run and its job: nothing is computed
	// in it, and the page shows the run waiting and refreshes.
	var run struct {
		ID     int64
		Status string
	}
	h.st.DB.Raw(`SELECT id, status FROM scope_runs WHERE case_id = ?`, caseID).Scan(&run)
	if run.Status != "queued" {
		t.Fatalf("run after the request: %q, want queued", run.Status)
	}
	if n := apptest.Count(t, h.st, `SELECT count(*) FROM scope_persons WHERE run_id = ?`, run.ID) +
		apptest.Count(t, h.st, `SELECT count(*) FROM scope_orders WHERE run_id = ?`, run.ID); n != 0 {
		t.Errorf("the request computed the run: %d rows", n)
	}
	if n := apptest.Count(t, h.st, `SELECT count(*) FROM river_job WHERE kind = 'scope_run' AND (args->>'run_id')::bigint = ?`, run.ID); n != 1 {
		t.Errorf("%d scope_run jobs enqueued, want 1", n)
	}
	waiting := body(t, c.do("GET", r.Header.Get("Location"), nil))
	for _, want := range []string{"待機中", `http-equiv="refresh"`} {
		if !strings.Contains(waiting, want) {
			t.Errorf("page of the queued run lacks %q", want)
		}
	}
	if strings.Contains(waiting, "山田太郎") || strings.Contains(waiting, `action="/cases/`+fmt.Sprint(caseID)+`/scoping/apply"`) {
		t.Error("page of the queued run shows persons or the apply form")
	}
	if again := c.post(base+"/run", nil); again.StatusCode != http.StatusConflict {
		t.Errorf("a second run while one is queued: %d, want 409", again.StatusCode)
	}
	if rr := c.post(base+"/apply", url.Values{"run": {fmt.Sprint(run.ID)}, "window_version": {"1"}}); rr.StatusCode != http.StatusConflict {
		t.Errorf("applying a queued run: %d, want 409", rr.StatusCode)
	}
	// The worker's part, run here directly.
	if err := scoping.NewService(h.st, h.clk, h.cases, h.as).Run(context.Background(), run.ID); err != nil {
		t.Fatal(err)
	}
	page := c.do("GET", r.Header.Get("Location"), nil)
	b := body(t, page)
	if strings.Contains(b, `http-equiv="refresh"`) {
		t.Error("page of a done run still refreshes")
	}
	for _, want := range []string{"2026-10-01 09:12", "2026-11-30 18:40", "山田太郎", "visa ****4242", "この範囲を適用（漏えい期間 版1）"} {
		if !strings.Contains(b, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(b, "山田花子") {
		t.Error("an order a minute after the window's end is in the scope")
	}
	var runID string
	if i := strings.Index(b, `name="run" value="`); i >= 0 {
		runID = strings.SplitN(b[i+len(`name="run" value="`):], `"`, 2)[0]
	}
	r = c.post(base+"/apply", url.Values{"run": {runID}, "window_version": {"1"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("applying: %d %s", r.StatusCode, body(t, r))
	}
	var names []string
	h.st.DB.Raw(`SELECT name FROM people WHERE case_id = ?`, caseID).Scan(&names)
	if len(names) != 1 || names[0] != "山田太郎" {
		t.Errorf("people after applying: %v", names)
	}
	other := h.client()
	h.user("owner@else.example", "else", "owner")
	other.login("owner@else.example")
	if r := other.do("GET", base+"?run="+runID, nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's scoping page: %d", r.StatusCode)
	}
}
