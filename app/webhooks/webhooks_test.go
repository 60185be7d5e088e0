package webhooks_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
	"github.com/breachdesk/breachdesk/app/webhooks"
	"github.com/breachdesk/breachdesk/workflows"
)

type env struct {
	t     *testing.T
	clk   *clocktest.Clock
	st    *store.Store
	auth  *auth.Service
	cases *cases.Service
	owner *auth.Principal
	hooks *webhooks.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	a := apptest.Auth(t, st, clk)
	cs, _ := apptest.Cases(st, clk)
	return &env{t: t, clk: clk, st: st, auth: a, cases: cs, owner: apptest.Principal(t, a, "owner@shop.example", "shop", auth.RoleOwner),
		hooks: apptest.Webhooks(t, st, clk, nil)}
}

// received is one request a receiver got.
type received struct {
	header http.Header
	body   []byte
}

// receiver is a real HTTPS server on 127.0.0.1 that records what it gets
// and answers with the statuses given, in order (then 204).
type receiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	got      []received
	statuses []int
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{header: req.Header.Clone(), body: b})
		status := http.StatusNoContent
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
		if status >= 300 {
			_, _ = io.WriteString(w, "receiver says no: "+strconv.Itoa(status))
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// work starts River workers whose webhooks service trusts rc's
// certificate, with short retries.
func (e *env) work(rc *receiver) {
	e.t.Helper()
	d := apptest.Workers(e.t, e.st, e.clk, e.auth)
	d.Webhooks = apptest.Webhooks(e.t, e.st, e.clk, rc.srv.Client().Transport.(*http.Transport).TLSClientConfig)
	d.WebhookRetryBase = 100 * time.Millisecond
	c, err := workflows.NewClient(d)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := c.Start(ctx); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		workflows.Stop(c, 5*time.Second)
		cancel()
	})
}

// endpoint registers rc (or url) for events and returns it with its secret.
func (e *env) endpoint(url, format string, events ...webhooks.Event) (webhooks.Endpoint, string) {
	e.t.Helper()
	in := webhooks.EndpointInput{URL: url, Format: format, Active: true}
	for _, ev := range events {
		in.Events = append(in.Events, string(ev))
	}
	ep, secret, err := e.hooks.Create(context.Background(), e.owner, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return ep, secret
}

// waitLog polls the endpoint's log until its newest delivery is no longer
// pending.
func (e *env) waitLog(id int64, timeout time.Duration) []webhooks.LogEntry {
	e.t.Helper()
	waited := clock.Start()
	for {
		log, err := e.hooks.Log(context.Background(), e.owner, id)
		if err != nil {
			e.t.Fatal(err)
		}
		if len(log) > 0 && log[0].Status != webhooks.StatusPending {
			return log
		}
		if waited.Elapsed() > timeout {
			e.t.Fatalf("endpoint %d: no delivery finished after %s: %+v", id, timeout, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitAll polls until no delivery is pending.
func (e *env) waitAll(timeout time.Duration) {
	e.t.Helper()
	waited := clock.Start()
	for {
		var pending int
		e.st.DB.Raw(`SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'`).Scan(&pending)
		if pending == 0 {
			return
		}
		if waited.Elapsed() > timeout {
			e.t.Fatalf("%d deliveries still pending after %s", pending, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (e *env) openCase(title string) cases.Case {
	e.t.Helper()
	c, err := e.cases.Create(context.Background(), e.owner, cases.NewCase{Title: title, AwareAt: e.clk.Now().Add(-time.Hour), IncidentType: "card_skimming"})
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Case
}

func TestDeliverySignatureVerifiedByStandardWebhooksLibrary(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t)
	ep, secret := e.endpoint(rc.srv.URL+"/hook", webhooks.FormatStandard, webhooks.EventCaseOpened)
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q lacks the whsec_ prefix", secret)
	}
	e.work(rc)
	c := e.openCase("決済画面の改ざん")

	log := e.waitLog(ep.ID, 20*time.Second)
	if log[0].Status != webhooks.StatusDelivered || len(log[0].Tries) != 1 || log[0].Tries[0].StatusCode != http.StatusNoContent {
		t.Fatalf("log: %+v", log)
	}
	got := rc.requests()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(got))
	}
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	// The test clock may stand on another day than the wall clock the
	// library's tolerance reads: the signature is verified by the library,
	// the timestamp against our clock.
	if err := wh.VerifyIgnoringTimestamp(got[0].body, got[0].header); err != nil {
		t.Fatalf("the independent implementation refuses the signature: %v\nheaders: %v", err, got[0].header)
	}
	ts, err := strconv.ParseInt(got[0].header.Get("webhook-timestamp"), 10, 64)
	if err != nil || ts < e.clk.Now().Add(-time.Minute).Unix() || ts > e.clk.Now().Unix() {
		t.Fatalf("webhook-timestamp %q is not the clock's now (%d)", got[0].header.Get("webhook-timestamp"), e.clk.Now().Unix())
	}
	if id := got[0].header.Get("webhook-id"); id != webhooks.MessageID(log[0].ID) {
		t.Fatalf("webhook-id %q, want %q", id, webhooks.MessageID(log[0].ID))
	}
	tampered := append([]byte(nil), got[0].body...)
	tampered[len(tampered)-2] ^= 1
	if err := wh.VerifyIgnoringTimestamp(tampered, got[0].header); err == nil {
		t.Fatal("a tampered body verified")
	}
	var body struct {
		Type string `json:"type"`
		Data struct {
			CaseID    int64  `json:"case_id"`
			Reference string `json:"reference"`
		} `json:"data"`
	}
	if err := json.Unmarshal(got[0].body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != "case.opened" || body.Data.CaseID != c.ID || body.Data.Reference != c.Reference {
		t.Fatalf("body %s, want case.opened of %s", got[0].body, c.Reference)
	}
}

func TestFailedDeliveryIsRetriedAndBothAttemptsLogged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t, http.StatusInternalServerError, http.StatusOK)
	ep, secret := e.endpoint(rc.srv.URL, webhooks.FormatStandard, webhooks.EventCaseOpened)
	e.work(rc)
	e.openCase("retry")

	log := e.waitLog(ep.ID, 30*time.Second)
	if log[0].Status != webhooks.StatusDelivered || log[0].Attempts != 2 {
		t.Fatalf("delivery %+v, want delivered on attempt 2", log[0].Delivery)
	}
	tries := log[0].Tries // newest first
	if len(tries) != 2 {
		t.Fatalf("attempts %+v, want 2", tries)
	}
	first, second := tries[1], tries[0]
	if first.Attempt != 1 || first.OK || first.StatusCode != 500 || !strings.Contains(first.Response, "receiver says no: 500") {
		t.Fatalf("first attempt %+v, want a logged 500 with its answer", first)
	}
	if second.Attempt != 2 || !second.OK || second.StatusCode != 200 {
		t.Fatalf("second attempt %+v, want 200", second)
	}
	got := rc.requests()
	if len(got) != 2 || got[0].header.Get("webhook-id") != got[1].header.Get("webhook-id") {
		t.Fatalf("want 2 requests with one webhook-id, got %d", len(got))
	}
	wh, _ := standardwebhooks.NewWebhook(secret)
	for i, r := range got {
		if err := wh.VerifyIgnoringTimestamp(r.body, r.header); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
}

func TestRegistrationRefusesHTTPAndPrivateAddresses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	strict, err := webhooks.NewService(e.st, e.clk, webhooks.Options{SecretKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct{ url, code string }{
		{"http://hooks.example.com/x", "validation.webhook_url_https"},
		{"ftp://hooks.example.com/x", "validation.webhook_url_https"},
		{"https://user:pw@8.8.8.8/x", "validation.webhook_url_userinfo"},
		{"https://10.0.0.5/hook", "validation.webhook_url_private"},
		{"https://192.168.1.10/hook", "validation.webhook_url_private"},
		{"https://172.16.3.4/hook", "validation.webhook_url_private"},
		{"https://169.254.169.254/latest/meta-data", "validation.webhook_url_private"},
		{"https://[fe80::1]/hook", "validation.webhook_url_private"},
		{"https://[fd00::1]/hook", "validation.webhook_url_private"},
		{"https://[::ffff:10.0.0.1]/hook", "validation.webhook_url_private"},
		{"https://[64:ff9b::a00:1]/hook", "validation.webhook_url_private"}, // NAT64 of 10.0.0.1
		{"https://[2002:a00:1::1]/hook", "validation.webhook_url_private"},  // 6to4 of 10.0.0.1
		{"https://198.18.0.1/hook", "validation.webhook_url_private"},
		{"https://255.255.255.255/hook", "validation.webhook_url_private"},
		{"https://127.0.0.1/hook", "validation.webhook_url_private"},
		{"https://[::1]/hook", "validation.webhook_url_private"},
		{"https://localhost/hook", "validation.webhook_url_private"},
		{"https://0.0.0.0/hook", "validation.webhook_url_private"},
		{"", "validation.required"},
	} {
		_, _, err := strict.Create(ctx, e.owner, webhooks.EndpointInput{URL: tc.url, Events: []string{"case.opened"}, Active: true})
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) == 0 || ve.Fields[0].Field != "url" || ve.Fields[0].Code != tc.code {
			t.Errorf("%q: got %v, want %s on url", tc.url, err, tc.code)
		}
	}
	// The loopback switch (tests only) opens loopback, nothing else.
	if _, _, err := e.hooks.Create(ctx, e.owner, webhooks.EndpointInput{URL: "https://127.0.0.1:9/hook", Events: []string{"case.opened"}}); err != nil {
		t.Errorf("loopback allowed: %v", err)
	}
	if _, _, err := e.hooks.Create(ctx, e.owner, webhooks.EndpointInput{URL: "https://10.1.2.3/hook", Events: []string{"case.opened"}}); err == nil {
		t.Error("a private address passed with loopback allowed")
	}
	// Unknown events are refused too, by name.
	_, _, err = e.hooks.Create(ctx, e.owner, webhooks.EndpointInput{URL: "https://127.0.0.1/hook", Events: []string{"case.exploded"}})
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) || ve.Fields[0].Field != "events" {
		t.Errorf("unknown event: %v", err)
	}
	var n int
	e.st.DB.Raw(`SELECT count(*) FROM webhook_endpoints`).Scan(&n)
	if n != 1 {
		t.Errorf("%d endpoints stored, want only the loopback one", n)
	}
}

// A name that pointed to a public address when it was registered may
// point to this machine later (DNS rebinding): the address dialled is
// checked on every delivery.
func TestDeliveryRefusesLoopbackAtDialTime(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t)
	ep, _ := e.endpoint(rc.srv.URL, webhooks.FormatStandard, webhooks.EventCaseOpened) // registered while allowed
	strict, err := webhooks.NewService(e.st, e.clk, webhooks.Options{SecretKey: make([]byte, 32),
		TLS: rc.srv.Client().Transport.(*http.Transport).TLSClientConfig})
	if err != nil {
		t.Fatal(err)
	}
	e.openCase("rebinding")
	var id int64
	e.st.DB.Raw(`SELECT id FROM webhook_deliveries WHERE endpoint_id = ?`, ep.ID).Scan(&id)
	err = strict.Deliver(context.Background(), id, 1, false)
	if !errors.Is(err, webhooks.ErrNotDelivered) || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("delivery to loopback: %v, want refused", err)
	}
	if n := len(rc.requests()); n != 0 {
		t.Fatalf("the receiver on loopback got %d requests", n)
	}
	log, _ := e.hooks.Log(context.Background(), e.owner, ep.ID)
	if len(log) != 1 || len(log[0].Tries) != 1 || !strings.Contains(log[0].Tries[0].Error, "refused") || log[0].Status != webhooks.StatusPending {
		t.Fatalf("log %+v, want one refused attempt, still pending", log)
	}
}

func TestSlackPayloadIsOneLineWithTheReportTitle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t)
	e.endpoint(rc.srv.URL+"/slack", webhooks.FormatSlack, webhooks.EventObligationDueSoon)
	_, _, err := e.hooks.Create(context.Background(), e.owner, webhooks.EndpointInput{URL: rc.srv.URL + "/teams", Format: webhooks.FormatTeams,
		Language: "en", Active: true, Events: []string{string(webhooks.EventObligationDueSoon)}})
	if err != nil {
		t.Fatal(err)
	}
	c := e.openCase("slack")
	err = e.st.InTx(context.Background(), func(tx *store.Tx) error {
		return webhooks.Emit(context.Background(), tx, e.owner.OrgID(), webhooks.EventObligationDueSoon,
			webhooks.Payload{"case_id": c.ID, "rule_id": "jp.appi.ppc.preliminary", "threshold": "day_before"})
	})
	if err != nil {
		t.Fatal(err)
	}
	e.work(rc)
	e.waitAll(20 * time.Second)
	want := map[string]string{
		"/slack": "個人情報保護委員会への速報の期限まであと24時間 (" + c.Reference + ")",
		"/teams": "Preliminary report to the PPC is due in 24 hours (" + c.Reference + ")",
	}
	// The case's own reminders (a threshold already passed when it
	// opens) may add deliveries of their own; ours must be among them.
	seen := map[string]bool{}
	for _, r := range rc.requests() {
		var m map[string]any
		if err := json.Unmarshal(r.body, &m); err != nil {
			t.Fatal(err)
		}
		text, _ := m["text"].(string)
		if len(m) != 1 || text == "" {
			t.Errorf("body %s, want only a text", r.body)
		}
		if strings.Contains(text, "jp.appi") {
			t.Errorf("text %q names the rule key", text)
		}
		for path, w := range want {
			if text == w {
				seen[path] = true
			}
		}
	}
	if !seen["/slack"] || !seen["/teams"] {
		t.Fatalf("texts seen %v, want %q", seen, want)
	}
}

func TestEventsEmittedInTheTransactionOfTheChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	all, _ := e.endpoint("https://127.0.0.1:9/all", webhooks.FormatStandard,
		webhooks.EventCaseOpened, webhooks.EventCasePhaseChanged, webhooks.EventDocumentApproved)
	phaseOnly, _ := e.endpoint("https://127.0.0.1:9/phase", webhooks.FormatStandard, webhooks.EventCasePhaseChanged)
	paused, _ := e.endpoint("https://127.0.0.1:9/paused", webhooks.FormatStandard, webhooks.EventCaseOpened)
	if _, err := e.hooks.Update(ctx, e.owner, paused.ID, webhooks.EndpointInput{URL: paused.URL, Events: []string{"case.opened"}, Active: false}); err != nil {
		t.Fatal(err)
	}
	other := apptest.Principal(t, e.auth, "owner@other.example", "other", auth.RoleOwner)
	if _, _, err := e.hooks.Create(ctx, other, webhooks.EndpointInput{URL: "https://127.0.0.1:9/other", Active: true,
		Events: []string{"case.opened", "case.phase_changed", "document.approved"}}); err != nil {
		t.Fatal(err)
	}

	c := e.openCase("events")
	if _, err := e.cases.Advance(ctx, e.owner, c.ID, cases.PhaseContainment, "moving on"); err != nil {
		t.Fatal(err)
	}
	legal := apptest.Principal(t, e.auth, "legal@shop.example", "shop", auth.RoleLegal)
	cs, as := apptest.Cases(e.st, e.clk)
	ds := drafts.NewService(e.st, e.clk, cs, as, apptest.Renderer(t))
	d, err := ds.Generate(ctx, e.owner, c.ID, string(documents.CustomerLetterSample), "ja", map[string]string{"summary": "決済画面が改ざんされました。"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.InTx(ctx, func(tx *store.Tx) error { return ds.RenderInTx(ctx, tx, d.ID) }); err != nil {
		t.Fatal(err)
	}
	if d, err = ds.Get(ctx, legal, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Approve(ctx, legal, d.ID, d.ContentHash()); err != nil {
		t.Fatal(err)
	}
	// A refused phase change (backwards) emits nothing.
	if _, err := e.cases.Advance(ctx, e.owner, c.ID, cases.PhaseTriage, ""); err == nil {
		t.Fatal("moved backwards")
	}

	type row struct {
		EndpointID int64
		Event      string
		Payload    string
		Jobs       int
	}
	var rows []row
	e.st.DB.Raw(`SELECT d.endpoint_id, d.event, d.payload::text AS payload,
			(SELECT count(*) FROM river_job j WHERE j.kind = 'webhook_delivery' AND (j.args->>'delivery_id')::bigint = d.id) AS jobs
		FROM webhook_deliveries d ORDER BY d.id`).Scan(&rows)
	var got []string
	for _, r := range rows {
		if r.Jobs != 1 {
			t.Errorf("delivery %+v has %d jobs, want 1", r, r.Jobs)
		}
		name := map[int64]string{all.ID: "all", phaseOnly.ID: "phase"}[r.EndpointID]
		if name == "" {
			t.Errorf("delivery to endpoint %d (paused or of another organisation): %+v", r.EndpointID, r)
		}
		got = append(got, name+":"+r.Event)
		if !strings.Contains(r.Payload, `"case_id": `+strconv.FormatInt(c.ID, 10)) {
			t.Errorf("payload %s lacks the case", r.Payload)
		}
	}
	want := "all:case.opened all:case.phase_changed phase:case.phase_changed all:document.approved"
	if strings.Join(got, " ") != want {
		t.Fatalf("deliveries %q, want %q", strings.Join(got, " "), want)
	}
	if !strings.Contains(rows[1].Payload, `"to": "containment"`) || !strings.Contains(rows[1].Payload, `"from": "triage"`) {
		t.Errorf("phase payload %s", rows[1].Payload)
	}
}
