package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/config"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/inquiries"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/people"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
	"github.com/breachdesk/breachdesk/app/web"
)

const password = "correct horse battery"

type harness struct {
	t       *testing.T
	clk     *clocktest.Clock
	st      *store.Store
	dbURL   string // for pg_dump
	auth    *auth.Service
	cases   *cases.Service
	as      *assessment.Service
	drafts  *drafts.Service
	notices *notices.Service
	srv     *web.Server
}

// formsToday is the today of tests that type dates into forms (incidents
// of 2026-11-20, say): those dates must lie in their past.
var formsToday = time.Date(2026, 11, 25, 12, 0, 0, 0, time.FixedZone("JST", 9*3600))

// newHarness is the web server on a fresh database and a test clock.
func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessAt(t, clocktest.New(t))
}

// metricsToken is the harness's BREACHDESK_METRICS_TOKEN.
const metricsToken = "harness-metrics-token-0123456789"

// newHarnessAt is newHarness on clk, for tests about particular days.
func newHarnessAt(t *testing.T, clk *clocktest.Clock) *harness {
	t.Helper()
	return newHarnessWith(t, clk, nil)
}

// newHarnessWith is newHarnessAt with the configuration changed by tune.
func newHarnessWith(t *testing.T, clk *clocktest.Clock, tune func(*config.Config)) *harness {
	t.Helper()
	st, dbURL := storetest.NewWithURL(t, clk)
	a, err := auth.NewService(st, clk, auth.Options{SecretKey: make([]byte, 32), Argon2: auth.Argon2Params{Time: 1, Memory: 1024, Threads: 1}, MaxPerAccount: 3, MaxPerIP: 50})
	if err != nil {
		t.Fatal(err)
	}
	cs, as := apptest.Cases(st, clk)
	cfg, _ := config.Load(func(string) string { return "" })
	cfg.Metrics.Token = metricsToken
	if tune != nil {
		tune(&cfg)
	}
	font, err := pdf.FindFont(os.Getenv("BREACHDESK_PDF_FONT"))
	if err != nil {
		t.Fatal(err)
	}
	renderer, err := pdf.NewRenderer(font)
	if err != nil {
		t.Fatal(err)
	}
	ds := drafts.NewService(st, clk, cs, as, renderer)
	ns := notices.NewService(st, clk, cs, as, renderer)
	srv, err := web.New(web.Deps{Webhooks: apptest.Webhooks(t, st, clk, nil), Config: cfg, Clock: clk, Store: st, Auth: a, Cases: cs, Assessment: as, Evidence: evidence.NewService(st, clk, 1<<20), Drafts: ds,
		Notices: ns, People: people.NewService(st, clk, cs), Letters: letters.NewService(st, clk, cs, as, letters.Options{Renderer: renderer}),
		Inquiries: inquiries.NewService(st, clk, cs, as, renderer), Calendar: newCalendar(t, st, clk, cs),
		Security: newSecurity(t, st, clk, cs), Orders: newOrders(t, st, clk, cs), Scoping: newScoping(t, st, clk, cs, as)})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, clk: clk, st: st, dbURL: dbURL, auth: a, cases: cs, as: as, drafts: ds, notices: ns, srv: srv}
}

func (h *harness) user(email, org string, role auth.Role) auth.User {
	h.t.Helper()
	u, err := h.auth.CreateUser(context.Background(), auth.NewUser{Email: email, Name: email, Password: password, OrgSlug: org, Role: role})
	if err != nil {
		h.t.Fatal(err)
	}
	if org != "" {
		// An established organisation, whose owner the dashboard does not
		// send to the profile first (newOrganisationUser makes one that is
		// new).
		if err := h.st.DB.Exec(`UPDATE organisations SET legal_name = name || '株式会社', address = '東京都千代田区1-1', representative = '代表取締役 試験 太郎'
			WHERE slug = ? AND legal_name = ''`, org).Error; err != nil {
			h.t.Fatal(err)
		}
	}
	return u
}

// principalIn is u acting as role in organisation org (read as it is
// now), as the services see a signed-in request.
func (h *harness) principalIn(u auth.User, org string, role auth.Role) *auth.Principal {
	h.t.Helper()
	o, err := h.auth.OrganisationBySlug(context.Background(), org)
	if err != nil {
		h.t.Fatal(err)
	}
	return &auth.Principal{User: u, Organisation: o, Role: role}
}

// newOrganisationUser is user in an organisation whose details were never
// entered, as one created from the command line is.
func (h *harness) newOrganisationUser(email, org string, role auth.Role) auth.User {
	h.t.Helper()
	u, err := h.auth.CreateUser(context.Background(), auth.NewUser{Email: email, Name: email, Password: password, OrgSlug: org, Role: role})
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

// client is a browser-like cookie holder.
type client struct {
	h       *harness
	cookies map[string]string
	bearer  string
	headers map[string]string // sent with every request
}

func (h *harness) client() *client { return &client{h: h, cookies: map[string]string{}} }

func (c *client) do(method, path string, form url.Values) *http.Response {
	c.h.t.Helper()
	if form == nil {
		return c.raw(method, path, "", nil)
	}
	return c.raw(method, path, "application/x-www-form-urlencoded", []byte(form.Encode()))
}

// raw sends a request with any body, carrying and keeping the cookies
// like a browser, and the bearer token when set.
func (c *client) raw(method, path, contentType string, payload []byte) *http.Response {
	c.h.t.Helper()
	resp, err := c.try(method, path, contentType, payload)
	if err != nil {
		c.h.t.Fatal(err)
	}
	return resp
}

// try is raw that returns the error of a request the server did not
// answer through Fiber (fasthttp.ErrBodyTooLarge: refused from the headers).
func (c *client) try(method, path, contentType string, payload []byte) (*http.Response, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req := httptest.NewRequest(method, path, rd)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := c.h.srv.App().Test(req, -1)
	if err != nil {
		return nil, err
	}
	checkContract(c.h.t, c.h, req, payload, resp)
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return resp, nil
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// csrf returns the token the server expects from this client: the
// session's once logged in, else the pre-login cookie.
func (c *client) csrf() string {
	c.h.t.Helper()
	for name, v := range c.cookies {
		if strings.HasSuffix(name, "bd_session") {
			p, _, err := c.h.auth.Authenticate(context.Background(), v)
			if err != nil {
				c.h.t.Fatal(err)
			}
			return p.CSRFToken
		}
	}
	return c.cookies["bd_csrf"]
}

func (c *client) post(path string, form url.Values) *http.Response {
	return c.send("POST", path, form)
}

// send is a form submission with the CSRF token, with any method.
func (c *client) send(method, path string, form url.Values) *http.Response {
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", c.csrf())
	return c.do(method, path, form)
}

func (c *client) login(email string) {
	c.h.t.Helper()
	c.do("GET", "/login", nil)
	r := c.post("/login", url.Values{"email": {email}, "password": {password}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		c.h.t.Fatalf("login %s: %d %s", email, r.StatusCode, r.Header.Get("Location"))
	}
}

func decode(t *testing.T, r *http.Response, v any) {
	t.Helper()
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
