package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/workflows"
)

// The settings page registers an endpoint (refusing http://), shows its
// secret once, sends a test event and shows the delivery in its log.
func TestWebhookSettingsPageSendsTestAndShowsDeliveryLog(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lena@a.example", "org-a", auth.RoleLegal)

	var mu sync.Mutex
	var gotBody []byte
	var gotHeader http.Header
	rc := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		gotBody, gotHeader = b, r.Header.Clone()
		mu.Unlock()
		_, _ = io.WriteString(w, "thanks")
	}))
	t.Cleanup(rc.Close)

	c := h.client()
	c.login("alice@a.example")
	if page := body(t, c.do("GET", "/settings", nil)); !strings.Contains(page, `href="/settings/webhooks"`) {
		t.Fatal("the settings page does not link to webhooks")
	}
	resp := c.post("/settings/webhooks", url.Values{"url": {"http://hooks.example.com/x"}, "events": {"case.opened"}, "active": {"1"}})
	if page := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="w-url-error"`) {
		t.Fatalf("http:// endpoint: %d\n%.400s", resp.StatusCode, page)
	}
	resp = c.post("/settings/webhooks", url.Values{"url": {rc.URL + "/hook"}, "events": {"case.opened", "document.approved"}, "format": {"standard"}, "active": {"1"}})
	page := body(t, resp)
	secret := regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`).FindString(html.UnescapeString(page)) // "+" is written &#43;
	if resp.StatusCode != http.StatusOK || secret == "" {
		t.Fatalf("create: %d, secret %q\n%.400s", resp.StatusCode, secret, page)
	}
	var id int64
	h.st.DB.Raw(`SELECT id FROM webhook_endpoints WHERE url = ?`, rc.URL+"/hook").Scan(&id)
	if r := c.do("GET", fmt.Sprintf("/settings/webhooks/%d", id), nil); r.StatusCode != http.StatusOK || strings.Contains(html.UnescapeString(body(t, r)), secret) {
		t.Fatalf("endpoint page: %d, or it shows the secret again", r.StatusCode)
	}
	if r := c.post(fmt.Sprintf("/settings/webhooks/%d/test", id), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send test of endpoint %d: %d\n%.300s", id, r.StatusCode, body(t, r))
	}

	d := apptest.Workers(t, h.st, h.clk, h.auth)
	d.Webhooks = apptest.Webhooks(t, h.st, h.clk, rc.Client().Transport.(*http.Transport).TLSClientConfig)
	wc, err := workflows.NewClient(d)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := wc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { workflows.Stop(wc, 5*time.Second); cancel() })
	waited := clock.Start()
	for {
		var status string
		h.st.DB.Raw(`SELECT status FROM webhook_deliveries WHERE endpoint_id = ?`, id).Scan(&status)
		if status == "delivered" {
			break
		}
		if waited.Elapsed() > 20*time.Second {
			t.Fatalf("test event not delivered: %q", status)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var delivery int64
	h.st.DB.Raw(`SELECT id FROM webhook_deliveries WHERE endpoint_id = ?`, id).Scan(&delivery)

	page = body(t, c.do("GET", fmt.Sprintf("/settings/webhooks/%d", id), nil))
	if !strings.Contains(page, `id="webhook-log"`) {
		t.Fatalf("no delivery log on the page\n%s", page)
	}
	log := page[strings.Index(page, `id="webhook-log"`):]
	for _, want := range []string{fmt.Sprintf("msg_%d", delivery), `<span class="status-code">200</span>`, `data-attempt="1"`, "thanks"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q\n%s", want, log)
		}
	}
	if !strings.Contains(log, "テスト送信") && !strings.Contains(log, "Test event") {
		t.Errorf("the log does not name the test event\n%s", log)
	}
	mu.Lock()
	defer mu.Unlock()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.VerifyIgnoringTimestamp(gotBody, gotHeader); err != nil || !strings.Contains(string(gotBody), `"type":"webhook.test"`) {
		t.Fatalf("test event %s: %v", gotBody, err)
	}

	// Only owners and managers manage webhooks.
	legal := h.client()
	legal.login("lena@a.example")
	if r := legal.do("GET", "/settings/webhooks", nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("legal: %d, want 403", r.StatusCode)
	}
}
