package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/web"
)

// Every tenant route refuses another organisation's resources with 404,
// and every non-public route refuses anonymous callers. The test walks the
// route table, so a new route is covered as soon as it is added; a route
// whose :id names a resource kind without a fixture here fails the test.
func TestTenantIsolationWalksEveryRoute(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("anne@a.example", "org-a", auth.RoleViewer)
	h.user("bob@b.example", "org-b", auth.RoleOwner)
	aSecret, err := h.auth.IssueTokenFor(ctx, "alice@a.example", "org-a", auth.TokenInput{Name: "a", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.auth.IssueTokenFor(ctx, "bob@b.example", "org-b", auth.TokenInput{Name: "b", Scope: auth.TokenWrite}); err != nil {
		t.Fatal(err)
	}
	foreign := h.fixtures("org-b", "bob@b.example", "b")
	own := h.fixtures("org-a", "anne@a.example", "a")

	browser := h.client()
	browser.login("alice@a.example")
	api := h.client()
	api.bearer = aSecret
	anon := h.client()
	anon.do("GET", "/login", nil) // a valid pre-login CSRF token, so the refusal below is about the session

	request := func(c *client, method, path string) *http.Response {
		if method == "GET" {
			return c.do("GET", path, nil)
		}
		if c.bearer != "" {
			return c.do(method, path, nil)
		}
		return c.send(method, path, url.Values{"role": {"viewer"}})
	}
	fill := func(r web.Route, ids map[string]int64, subIDs map[string]int64) (string, bool) {
		path := r.Path
		for _, x := range []struct {
			name, kind string
			src        map[string]int64
		}{{":id", r.Param, ids}, {":oid", r.SubParam, subIDs}} {
			if !strings.Contains(path, x.name) {
				continue
			}
			id, ok := x.src[x.kind]
			if !ok {
				t.Errorf("%s %s: no fixture for resource kind %q; add one to harness.fixtures", r.Method, r.Path, x.kind)
				return "", false
			}
			path = strings.Replace(path, x.name, fmt.Sprint(id), 1)
		}
		return path, true
	}
	checked := 0
	for _, r := range h.srv.Routes() {
		if r.Access == web.Public || r.Access == web.Anon {
			continue
		}
		clients := []*client{browser}
		if r.API {
			clients = append(clients, api)
		}
		path := r.Path
		if strings.Contains(path, ":") {
			// Every combination with at least one foreign id must answer 404.
			combos := [][2]map[string]int64{{foreign, foreign}}
			if strings.Contains(path, ":oid") {
				combos = append(combos, [2]map[string]int64{own, foreign}, [2]map[string]int64{foreign, own})
			}
			for _, combo := range combos {
				p, ok := fill(r, combo[0], combo[1])
				if !ok {
					break
				}
				path = p
				for _, c := range clients {
					if resp := request(c, r.Method, p); resp.StatusCode != http.StatusNotFound {
						t.Errorf("%s %s as org A (bearer=%v): got %d, want 404", r.Method, p, c.bearer != "", resp.StatusCode)
					}
					checked++
				}
			}
			// The same route with org A's own resources is reachable, so
			// the 404s above are about tenancy, not a broken route.
			if ownPath, ok := fill(r, own, own); ok && r.Method == "GET" {
				for _, c := range clients {
					if resp := request(c, "GET", ownPath); resp.StatusCode == http.StatusNotFound {
						t.Errorf("GET %s with org A's own resource: 404", ownPath)
					}
				}
			}
		}
		resp := request(anon, r.Method, path)
		if resp.StatusCode != http.StatusUnauthorized && !(resp.StatusCode == http.StatusSeeOther && resp.Header.Get("Location") == "/login") {
			t.Errorf("%s %s anonymous: got %d", r.Method, path, resp.StatusCode)
		}
	}
	if checked < 40 {
		t.Fatalf("only %d foreign-id checks ran", checked)
	}
	// Switching to a foreign organisation is refused the same way.
	var orgB int64
	h.st.DB.Raw(`SELECT id FROM organisations WHERE slug = 'org-b'`).Scan(&orgB)
	if resp := browser.post("/org/switch", url.Values{"org_id": {fmt.Sprint(orgB)}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("switch to org B: got %d, want 404", resp.StatusCode)
	}
}

func TestCSRFRequiredOnStateChanges(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	c := h.client()
	// Even the login form needs its token.
	c.do("GET", "/login", nil)
	if r := c.do("POST", "/login", url.Values{"email": {"alice@a.example"}, "password": {password}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("login without token: %d", r.StatusCode)
	}
	c.login("alice@a.example")
	if r := c.do("POST", "/settings/language", url.Values{"language": {"en"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("POST without token: got %d, want 403", r.StatusCode)
	}
	if r := c.do("POST", "/settings/language", url.Values{"language": {"en"}, "_csrf": {"forged"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("POST with a wrong token: got %d, want 403", r.StatusCode)
	}
	if r := c.post("/settings/language", url.Values{"language": {"en"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST with token: got %d", r.StatusCode)
	}
	if r := c.do("GET", "/settings", nil); !strings.Contains(body(t, r), "Language saved") {
		t.Fatal("language change did not take effect")
	}
}

func TestLoginThrottleOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	c := h.client()
	c.do("GET", "/login", nil)
	for i := 0; i < 3; i++ {
		if r := c.post("/login", url.Values{"email": {"alice@a.example"}, "password": {"wrong one!"}}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("bad login %d: %d", i, r.StatusCode)
		}
	}
	r := c.post("/login", url.Values{"email": {"alice@a.example"}, "password": {password}})
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th login with the right password: got %d, want 429", r.StatusCode)
	}
	if _, ok := c.cookies["__Host-bd_session"]; ok {
		t.Fatal("a session was issued while throttled")
	}
}

func TestTOTPLoginOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	c := h.client()
	c.login("alice@a.example")
	if r := c.post("/settings/totp/begin", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("begin: %d", r.StatusCode)
	}
	page := body(t, c.do("GET", "/settings", nil))
	i := strings.Index(page, `<code class="secret">`)
	if i < 0 {
		t.Fatal("no secret on the settings page")
	}
	secret := page[i+len(`<code class="secret">`):]
	secret = secret[:strings.Index(secret, "<")]
	if r := c.do("GET", "/settings/totp/qr.png", nil); r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("QR: %s", r.Header.Get("Content-Type"))
	}
	code, _ := auth.TOTPCodeAt(secret, h.clk.Now())
	if r := c.post("/settings/totp/confirm", url.Values{"code": {code}}); !strings.Contains(body(t, r), "Recovery codes") && r.StatusCode != 200 {
		t.Fatalf("confirm: %d", r.StatusCode)
	}

	c2 := h.client()
	c2.do("GET", "/login", nil)
	r := c2.post("/login", url.Values{"email": {"alice@a.example"}, "password": {password}})
	if r.Header.Get("Location") != "/login/totp" {
		t.Fatalf("login with TOTP on: redirected to %q", r.Header.Get("Location"))
	}
	if r := c2.do("GET", "/", nil); r.Header.Get("Location") != "/login/totp" {
		t.Fatalf("dashboard before the code: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	wrong := "000000"
	if wrong == code {
		wrong = "111111"
	}
	if r := c2.post("/login/totp", url.Values{"code": {wrong}}); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong TOTP code: got %d, want 401", r.StatusCode)
	}
	// The code that turned 2FA on is spent: the login takes the next one.
	h.clk.Advance(30 * time.Second)
	code, _ = auth.TOTPCodeAt(secret, h.clk.Now())
	if r := c2.post("/login/totp", url.Values{"code": {code}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("right TOTP code: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := c2.do("GET", "/", nil); r.StatusCode != http.StatusOK {
		t.Fatalf("dashboard after the code: %d", r.StatusCode)
	}
}

func TestAPIMeWithBearerToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleLegal)
	secret, err := h.auth.IssueTokenFor(context.Background(), "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	c := h.client()
	if r := c.do("GET", "/api/v1/me", nil); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", r.StatusCode)
	}
	c.bearer = secret
	r := c.do("GET", "/api/v1/me", nil)
	var me struct {
		User struct {
			Email string `json:"email"`
		} `json:"user"`
		Organisation struct {
			Slug string `json:"slug"`
		} `json:"organisation"`
		Role string `json:"role"`
	}
	if err := json.NewDecoder(r.Body).Decode(&me); err != nil || r.StatusCode != 200 {
		t.Fatalf("me: %d %v", r.StatusCode, err)
	}
	if me.User.Email != "alice@a.example" || me.Organisation.Slug != "org-a" || me.Role != "legal" {
		t.Fatalf("me: %+v", me)
	}
	c.bearer = "bdt_wrong"
	if r := c.do("GET", "/api/v1/me", nil); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("bad token: %d", r.StatusCode)
	}
}

func TestSecurityHeadersAndLanguage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.client()
	r := c.do("GET", "/login", nil)
	for _, hd := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
		if r.Header.Get(hd) == "" {
			t.Errorf("missing %s", hd)
		}
	}
	if page := body(t, r); !strings.Contains(page, `lang="ja"`) || !strings.Contains(page, "ログイン") {
		t.Error("default language should be Japanese")
	}
	req := c.do("GET", "/login?lang=en", nil)
	if page := body(t, req); !strings.Contains(page, `lang="en"`) || !strings.Contains(page, "Log in") {
		t.Error("?lang=en should switch to English")
	}
	for _, ck := range r.Cookies() {
		if ck.Name == "bd_csrf" && (!ck.HttpOnly || !ck.Secure) {
			t.Error("csrf cookie must be HttpOnly and Secure")
		}
	}
	if r := c.do("GET", "/healthz", nil); r.StatusCode != 200 {
		t.Errorf("healthz %d", r.StatusCode)
	}
	if r := c.do("GET", "/readyz", nil); r.StatusCode != 200 {
		t.Errorf("readyz %d", r.StatusCode)
	}
	c.bearer = metricsToken
	if r := c.do("GET", "/metrics", nil); !strings.Contains(body(t, r), "breachdesk_http_requests_total") {
		t.Error("metrics missing")
	}
}

func TestSessionCookieFlags(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	c := h.client()
	c.do("GET", "/login", nil)
	r := c.post("/login", url.Values{"email": {"alice@a.example"}, "password": {password}})
	found := false
	for _, ck := range r.Cookies() {
		if ck.Name == "__Host-bd_session" {
			found = true
			if !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
				t.Errorf("session cookie flags: %+v", ck)
			}
		}
	}
	if !found {
		t.Fatal("no session cookie")
	}
}
