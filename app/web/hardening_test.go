package web_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/valyala/fasthttp"

	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/config"
)

// refusedFromHeaders stands for a request fasthttp refused from its
// headers, before reading its body: it answers 413 and closes the
// connection, which Fiber's app.Test reports as fasthttp.ErrBodyTooLarge
// instead of a response. (TestBodyLimitOnTheWire sees the 413 itself.)
const refusedFromHeaders = -413

// countAudit counts audit rows with action.
func (h *harness) countAudit(action string) int64 {
	h.t.Helper()
	var n int64
	if err := h.st.DB.Model(&audit.Row{}).Where("action = ?", action).Count(&n).Error; err != nil {
		h.t.Fatal(err)
	}
	return n
}

// Finding 1, the attack as it was run: forty wrong-password logins at
// once, padded with a 1.1 MB field, skipped the request admitter (since
// removed) and were all checked. A caller who is not signed in may now
// send 16 KiB: the padded logins are refused from their headers (413)
// before their bodies are read, and no password is checked. Unpadded,
// the throttle holds under concurrency: exactly MaxPerAccount passwords
// are checked, the rest are refused and audited.
func TestPaddedAndParallelLoginsAreBounded(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("victim@a.example", "org-a", auth.RoleOwner)
	pad := strings.Repeat("A", 1_100_000)
	attack := func(padded bool) map[int]int {
		statuses := map[int]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				c := h.client()
				c.do("GET", "/login", nil)
				form := url.Values{"email": {"victim@a.example"}, "password": {"wrong guess " + string(rune('a'+i%26))}, "_csrf": {c.csrf()}}
				if padded {
					form.Set("pad", pad)
				}
				status := refusedFromHeaders
				if r, err := c.try("POST", "/login", "application/x-www-form-urlencoded", []byte(form.Encode())); err == nil {
					status = r.StatusCode
				} else if !errors.Is(err, fasthttp.ErrBodyTooLarge) {
					t.Errorf("login: %v", err)
				}
				mu.Lock()
				statuses[status]++
				mu.Unlock()
			})
		}
		wg.Wait()
		return statuses
	}
	if got := attack(true); got[refusedFromHeaders] != 40 {
		t.Fatalf("padded logins: %v, want all 40 refused from their headers", got)
	}
	var tries int64
	h.st.DB.Raw(`SELECT count(*) FROM login_attempts`).Scan(&tries)
	if tries != 0 || h.countAudit("login.failed") != 0 {
		t.Fatalf("padded logins reached the password check: %d attempts", tries)
	}
	got := attack(false)
	if got[http.StatusUnauthorized] != 3 || got[http.StatusTooManyRequests] != 37 {
		t.Fatalf("parallel logins: %v, want 3 × 401 and 37 × 429 (limit 3 per account)", got)
	}
	if f, th := h.countAudit("login.failed"), h.countAudit("login.throttled"); f != 3 || th != 37 {
		t.Fatalf("audit: %d login.failed, %d login.throttled; want 3 and 37", f, th)
	}
}

// compress encodes b with a Content-Encoding.
func compress(t *testing.T, enc string, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch enc {
	case "gzip":
		w, _ = gzip.NewWriterLevel(&buf, gzip.BestCompression)
	case "deflate":
		w, _ = zlib.NewWriterLevel(&buf, zlib.BestCompression)
	case "br":
		w = brotli.NewWriterLevel(&buf, brotli.BestCompression)
	}
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Finding 2: a compressed body was inflated without limit before any
// check (199 KB became 200 MiB). Each coding is inflated here counting its
// bytes, and refused one byte past the caller's limit; a body within it
// works as before. Not parallel: it measures the process's allocations.
func TestCompressedBodiesAreBoundedAfterInflating(t *testing.T) {
	h := newHarnessWith(t, clocktest.At(formsToday), func(c *config.Config) { c.MaxUploadBytes = 1 << 20 })
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	secret, err := h.auth.IssueTokenFor(context.Background(), "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	api := h.client()
	api.bearer = secret
	send := func(c *client, path, ctype, enc string, payload []byte) *http.Response {
		c.headers = map[string]string{"Content-Encoding": enc}
		defer func() { c.headers = nil }()
		return c.raw("POST", path, ctype, compress(t, enc, payload))
	}
	valid := []byte(`{"title":"Compressed","aware_at":"2026-11-01T10:00:00+09:00","incident_type":"other"}`)
	for _, enc := range []string{"gzip", "deflate", "br"} {
		if r := send(api, "/api/v1/cases", "application/json", enc, valid); r.StatusCode != http.StatusCreated {
			t.Errorf("%s body within the limit: %d %s", enc, r.StatusCode, body(t, r))
		}
		// Before login: 16 KiB, whatever the coding.
		anon := h.client()
		anon.do("GET", "/login", nil)
		form := url.Values{"email": {"alice@a.example"}, "password": {password}, "_csrf": {anon.csrf()}, "pad": {strings.Repeat("0", 1<<20)}}
		if r := send(anon, "/login", "application/x-www-form-urlencoded", enc, []byte(form.Encode())); r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s login inflating to 1 MiB: %d, want 413", enc, r.StatusCode)
		}
	}
	anon := h.client()
	anon.do("GET", "/login", nil)
	form := url.Values{"email": {"alice@a.example"}, "password": {password}, "_csrf": {anon.csrf()}}
	if r := send(anon, "/login", "application/x-www-form-urlencoded", "gzip", []byte(form.Encode())); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a gzip login form: %d, want 303", r.StatusCode)
	}
	api.headers = map[string]string{"Content-Encoding": "compress"}
	if r := api.raw("POST", "/api/v1/cases", "application/json", valid); r.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("an unknown coding: %d, want 415", r.StatusCode)
	}
	api.headers = nil

	// The attack: 200 MiB of JSON whitespace in about 200 KB of gzip, by a
	// signed-in user whose limit is 2 MiB (1 MiB upload + the form's room).
	bomb := compress(t, "gzip", append(bytes.Repeat([]byte(" "), 200<<20), valid...))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	api.headers = map[string]string{"Content-Encoding": "gzip"}
	r := api.raw("POST", "/api/v1/cases", "application/json", bomb)
	api.headers = nil
	runtime.ReadMemStats(&after)
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("gzip bomb (%d bytes): %d, want 413", len(bomb), r.StatusCode)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 32<<20 {
		t.Fatalf("refusing the bomb allocated %d MiB; the limit is 2 MiB", grew>>20)
	}
}

// Finding 7: a read-only token may read and change nothing.
func TestReadOnlyTokenCannotWrite(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	secret, err := h.auth.IssueTokenFor(context.Background(), "alice@a.example", "org-a", auth.TokenInput{Name: "reader"})
	if err != nil {
		t.Fatal(err)
	}
	c := h.client()
	c.bearer = secret
	if code, m := c.json("GET", "/api/v1/cases", ""); code != http.StatusOK {
		t.Fatalf("read with a read token: %d %v", code, m)
	}
	code, m := c.json("POST", "/api/v1/cases", `{"title":"x","aware_at":"2026-11-01T10:00:00+09:00","incident_type":"other"}`)
	if code != http.StatusForbidden {
		t.Fatalf("write with a read token: %d %v, want 403", code, m)
	}
}

// Finding 8: /metrics was public. It now needs the metrics token (or a
// listener of its own).
func TestMetricsAreNotPublic(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.client()
	for _, bearer := range []string{"", "wrong-token-wrong-token-wrong"} {
		c.bearer = bearer
		if r := c.do("GET", "/metrics", nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("/metrics with bearer %q: %d, want 404", bearer, r.StatusCode)
		}
	}
	c.bearer = metricsToken
	if r := c.do("GET", "/metrics", nil); r.StatusCode != http.StatusOK || !strings.Contains(body(t, r), "go_goroutines") {
		t.Errorf("/metrics with the token: %d", r.StatusCode)
	}
}

// Finding 3 through the browser: the owner of org A invites the address of
// org B's manager, and an unknown address; both answers are the same 303,
// nobody joins, and the manager's next login opens in org B, where they
// may accept or decline.
func TestInviteIsAnOfferThePersonAccepts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("bob@b.example", "org-b", auth.RoleManager)
	owner := h.client()
	owner.login("alice@a.example")
	for _, email := range []string{"bob@b.example", "carol@c.example"} {
		r := owner.post("/admin/users", url.Values{"email": {email}, "name": {"Someone"}, "password": {"another long passphrase"}, "role": {"manager"}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/users" {
			t.Fatalf("invite %s: %d %s", email, r.StatusCode, body(t, r))
		}
	}
	page := body(t, owner.do("GET", "/admin/users", nil))
	if !strings.Contains(page, "bob@b.example") || !strings.Contains(page, "carol@c.example") || strings.Contains(page, `href="/admin/users/`+"0") {
		t.Fatalf("the users page should list both as open invitations")
	}
	var members int64
	h.st.DB.Raw(`SELECT count(*) FROM memberships m JOIN organisations o ON o.id = m.organisation_id WHERE o.slug = 'org-a'`).Scan(&members)
	if members != 1 {
		t.Fatalf("org A has %d members after two invitations, want 1", members)
	}
	bob := h.client()
	bob.login("bob@b.example")
	settings := body(t, bob.do("GET", "/settings", nil))
	if !strings.Contains(settings, "/invitations/answer") {
		t.Fatal("bob's settings page shows no invitation")
	}
	var inv int64
	h.st.DB.Raw(`SELECT id FROM invitations WHERE email = 'bob@b.example'`).Scan(&inv)
	// Alice cannot answer for him.
	if r := owner.post("/invitations/answer", url.Values{"invitation": {strconv.FormatInt(inv, 10)}, "answer": {"accept"}}); r.StatusCode != http.StatusNotFound {
		t.Fatalf("the owner accepting bob's invitation: %d, want 404", r.StatusCode)
	}
	if r := bob.post("/invitations/answer", url.Values{"invitation": {strconv.FormatInt(inv, 10)}, "answer": {"accept"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("bob accepts: %d %s", r.StatusCode, body(t, r))
	}
	h.st.DB.Raw(`SELECT count(*) FROM memberships m JOIN organisations o ON o.id = m.organisation_id WHERE o.slug = 'org-a'`).Scan(&members)
	if members != 2 {
		t.Fatalf("org A has %d members after bob accepted, want 2", members)
	}
}

// Finding 10: a JSON type error named the Go type (time.Time, int64), and
// a timeline entry dated year 0000 was stored. (The NUL byte's failed
// INSERT in the log: TestHostileTextIsRefusedNotAnError and
// app/store's TestFailedStatementLogsNoArguments.)
func TestInputEdgesAnswerInTheClientsWords(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	secret, err := h.auth.IssueTokenFor(context.Background(), "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	c := h.client()
	c.bearer = secret
	code, m := c.json("POST", "/api/v1/cases", `{"title":"x","aware_at":"2026-11-01T10:00:00+09:00","incident_type":"other"}`)
	if code != http.StatusCreated {
		t.Fatalf("case: %d %v", code, m)
	}
	id := strconv.FormatInt(int64(m["case"].(map[string]any)["id"].(float64)), 10)
	for body, want := range map[string]string{
		`{"occurred_at":42,"summary":"x"}`:                       "occurred_at",
		`{"occurred_at":"2026-11-01T10:00:00Z","summary":["x"]}`: "summary",
		`[1,2]`: "body",
		`{"occurred_at":"0000-01-01T00:00:00Z","summary":"dated in the year 0"}`: "occurred_at",
	} {
		code, m := c.json("POST", "/api/v1/cases/"+id+"/timeline", body)
		text := fieldsOf(m) + " " + strings.Join(reasonsOf(m), " ")
		if code != http.StatusUnprocessableEntity || !strings.Contains(fieldsOf(m), want) {
			t.Errorf("%s: %d %v, want 422 naming %s", body, code, m, want)
		}
		for _, goWord := range []string{"time.Time", "int64", "float64", "[]string", "struct", "Go "} {
			if strings.Contains(text, goWord) {
				t.Errorf("%s: the answer speaks Go (%q): %s", body, goWord, text)
			}
		}
	}
	var year0 int64
	h.st.DB.Raw(`SELECT count(*) FROM timeline_entries WHERE occurred_at < '1900-01-01'`).Scan(&year0)
	if year0 != 0 {
		t.Fatal("a year-0000 entry was stored")
	}
}

// Finding 6: reading the affected persons in bulk is an export: each page
// read is audited, and a limit above one page is refused, not quietly cut.
func TestReadingPeopleIsAuditedAndPaged(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	secret, err := h.auth.IssueTokenFor(context.Background(), "alice@a.example", "org-a", auth.TokenInput{Name: "t"})
	if err != nil {
		t.Fatal(err)
	}
	ids := h.fixtures("org-a", "alice@a.example", "t")
	c := h.client()
	c.bearer = secret
	path := "/api/v1/cases/" + strconv.FormatInt(ids["case"], 10) + "/people"
	if code, m := c.json("GET", path+"?limit=100000000", ""); code != http.StatusUnprocessableEntity || !strings.Contains(fieldsOf(m), "limit") {
		t.Fatalf("limit=100000000: %d %v, want 422 on limit", code, m)
	}
	if code, m := c.json("GET", path+"?limit=500", ""); code != http.StatusOK {
		t.Fatalf("one page: %d %v", code, m)
	}
	if n := h.countAudit("people.read"); n != 1 {
		t.Fatalf("people.read rows after one page: %d, want 1", n)
	}
}

// reasonsOf lists the reasons of a validation error's answer.
func reasonsOf(m map[string]any) []string {
	var out []string
	errs, _ := m["errors"].([]any)
	for _, e := range errs {
		if f, ok := e.(map[string]any); ok {
			out = append(out, fmt.Sprint(f["reason"]))
		}
	}
	return out
}

// On a real connection the refusal is a 413 sent as soon as the headers
// are read: this request announces a 1.1 MB login body and sends none of
// it, and still gets its answer. A signed-in user's upload is let through
// to the handlers.
func TestBodyLimitOnTheWire(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = h.srv.App().Listener(ln) }()
	t.Cleanup(func() { _ = h.srv.App().Shutdown() })
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(clock.Deadline(10 * time.Second))
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1100000\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a 1.1 MB login announced: %d, want 413", resp.StatusCode)
	}
}
