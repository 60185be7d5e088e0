package web_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
)

// routePath fills a route pattern's parameters from the fixtures, so the
// request reaches the handler rather than a 404 of a made-up id.
func routePath(pattern, param, subParam string, ids map[string]int64) string {
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		name, ok := strings.CutPrefix(s, ":")
		if !ok {
			continue
		}
		switch {
		case name == "id":
			segs[i] = fmt.Sprint(ids[param])
		case name == "oid":
			segs[i] = fmt.Sprint(ids[subParam])
		case name == "slug":
			segs[i] = "org-a"
		case name == "n":
			segs[i] = "1"
		case strings.Contains(name, "."):
			segs[i] = "x" + name[strings.IndexByte(name, '.'):]
		default:
			segs[i] = "x"
		}
	}
	return strings.Join(segs, "/")
}

// head sends HEAD with the client's cookies. It bypasses the contract
// check of c.do: the OpenAPI document lists GET, and HEAD is GET without
// the body (RFC 9110), which the document need not repeat.
func (c *client) head(path string) *http.Response {
	c.h.t.Helper()
	req := httptest.NewRequest("HEAD", path, nil)
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := c.h.srv.App().Test(req, -1)
	if err != nil {
		c.h.t.Fatal(err)
	}
	return resp
}

// Every GET route of the table answers HEAD as it answers GET (same
// status, same headers that matter) and without a body: uptime checks
// send HEAD /healthz, link checkers HEAD every link. Before, every HEAD
// was a 404.
func TestHEADAnswersEveryGETRoute(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	ids := h.fixtures("org-a", "alice@a.example", "t")
	owner := h.client()
	owner.login("alice@a.example")
	anon := h.client()

	if r := anon.head("/healthz"); r.StatusCode != http.StatusOK {
		t.Fatalf("HEAD /healthz: %d", r.StatusCode)
	}
	answered := 0
	for _, rt := range h.srv.Routes() {
		if rt.Method != "GET" {
			continue
		}
		path := routePath(rt.Path, rt.Param, rt.SubParam, ids)
		for _, c := range []*client{owner, anon} {
			get := c.do("GET", path, nil)
			getBody := body(t, get)
			head := c.head(path)
			headBody := body(t, head)
			if head.StatusCode != get.StatusCode {
				t.Errorf("%s (%s): HEAD %d, GET %d", rt.Path, path, head.StatusCode, get.StatusCode)
				continue
			}
			if headBody != "" {
				t.Errorf("%s: HEAD answered a body of %d bytes", rt.Path, len(headBody))
			}
			if g, hd := get.Header.Get("Content-Type"), head.Header.Get("Content-Type"); g != hd {
				t.Errorf("%s: Content-Type HEAD %q, GET %q", rt.Path, hd, g)
			}
			if get.StatusCode < 400 && len(getBody) > 0 {
				answered++
			}
		}
	}
	if answered < 40 {
		t.Errorf("only %d GET routes answered with a body: the walk did not reach the handlers", answered)
	}
}

// The public notice, its PDF and its feed are the same for everyone and
// can be cached by a CDN: an ETag from the frozen version's content, a
// 304 when the reader has it, Cache-Control public, and no Set-Cookie
// (no pre-login CSRF cookie, no session refresh), whether the reader is
// anonymous or logged in. A new version changes the tag.
func TestPublicNoticeCacheable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	caseID := h.fixtures("org-a", "lee@a.example", "none")["case"]
	owner, legal := h.client(), h.client()
	owner.login("alice@a.example")
	legal.login("lee@a.example")
	editor := publishNotice(t, owner, legal, caseID, "cache-me")

	tags := map[string]string{}
	for _, path := range []string{"/notices/cache-me", "/notices/cache-me?lang=en", "/notices/cache-me/v/1", "/notices/cache-me/v/1/pdf", "/orgs/org-a/notices.atom",
		"/NOTICES/cache-me", "/orgs/org-a/NOTICES.atom"} { // routes match in any case
		for who, c := range map[string]*client{"anonymous": h.client(), "logged in": owner} {
			r := c.do("GET", path, nil)
			b := body(t, r)
			etag := r.Header.Get("ETag")
			if r.StatusCode != http.StatusOK || etag == "" || b == "" {
				t.Fatalf("%s (%s): %d, ETag %q, %d bytes", path, who, r.StatusCode, etag, len(b))
			}
			if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=300" {
				t.Errorf("%s (%s): Cache-Control %q", path, who, cc)
			}
			if sc := r.Header.Values("Set-Cookie"); len(sc) > 0 {
				t.Errorf("%s (%s): Set-Cookie %v", path, who, sc)
			}
			if prev, ok := tags[path]; ok && prev != etag {
				t.Errorf("%s: ETag %s for one reader, %s for another", path, prev, etag)
			}
			tags[path] = etag

			c.headers = map[string]string{"If-None-Match": etag}
			r = c.do("GET", path, nil)
			c.headers = nil
			if b := body(t, r); r.StatusCode != http.StatusNotModified || b != "" || len(r.Header.Values("Set-Cookie")) > 0 {
				t.Errorf("%s (%s) with If-None-Match: %d, %d bytes, cookies %v", path, who, r.StatusCode, len(b), r.Header.Values("Set-Cookie"))
			}
		}
	}
	if tags["/notices/cache-me"] == tags["/notices/cache-me?lang=en"] {
		t.Error("the Japanese and English pages share an ETag")
	}
	// A private page keeps its cookie and no-store: the exemption is
	// only for the public routes.
	if r := h.client().do("GET", "/login", nil); len(r.Header.Values("Set-Cookie")) == 0 || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("/login: Set-Cookie %v, Cache-Control %q", r.Header.Values("Set-Cookie"), r.Header.Get("Cache-Control"))
	}

	// The second report: the page and the feed change, their old tags no
	// longer match; version 1's own PDF stays the same.
	publishNoticeAt(t, owner, legal, editor)
	anon := h.client()
	for path, changes := range map[string]bool{"/notices/cache-me": true, "/orgs/org-a/notices.atom": true, "/notices/cache-me/v/1/pdf": false} {
		anon.headers = map[string]string{"If-None-Match": tags[path]}
		r := anon.do("GET", path, nil)
		if want := map[bool]int{true: http.StatusOK, false: http.StatusNotModified}[changes]; r.StatusCode != want {
			t.Errorf("%s after a second version, with the first's ETag: %d, want %d", path, r.StatusCode, want)
		}
	}
}

// The Atom feed has the feed-level <author> RFC 4287 requires (the
// organisation's legal name) and a <summary> for every entry, also for a
// version published without an update line.
func TestAtomFeedAuthorAndSummary(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	caseID := h.fixtures("org-a", "lee@a.example", "none")["case"]
	h.st.DB.Exec(`UPDATE organisations SET legal_name = '株式会社エー商店' WHERE slug = 'org-a'`)
	owner, legal := h.client(), h.client()
	owner.login("alice@a.example")
	legal.login("lee@a.example")
	editor := publishNotice(t, owner, legal, caseID, "feed-me")
	publishNoticeAt(t, owner, legal, editor)
	h.st.DB.Exec(`UPDATE notice_versions SET update_line_ja = '' WHERE version = 1`)

	r := h.client().do("GET", "/orgs/org-a/notices.atom", nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Fatalf("Content-Type %q", ct)
	}
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Entries []struct {
			ID      string `xml:"id"`
			Summary string `xml:"summary"`
		} `xml:"entry"`
	}
	raw, _ := io.ReadAll(r.Body)
	if err := xml.Unmarshal(raw, &feed); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	if feed.Author.Name != "株式会社エー商店" {
		t.Errorf("feed author %q\n%s", feed.Author.Name, raw)
	}
	if len(feed.Entries) != 2 {
		t.Fatalf("%d entries\n%s", len(feed.Entries), raw)
	}
	for _, e := range feed.Entries {
		if strings.TrimSpace(e.Summary) == "" {
			t.Errorf("entry %s without a summary\n%s", e.ID, raw)
		}
	}
}

// A request refused before its route ran (a bad bearer token, a form
// without its CSRF token) is counted under its route's pattern, not "/";
// a path no route has is counted as "unmatched", one label for all.
func TestRejectedAuthLabelledByRoute(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	bad := h.client()
	bad.bearer = "not-a-token"
	for range 3 {
		if r := bad.do("GET", "/api/v1/cases/42", nil); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("bad token: %d", r.StatusCode)
		}
	}
	if r := h.client().do("POST", "/login", nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("login without CSRF: %d", r.StatusCode)
	}
	h.client().do("GET", "/no/such/page/123", nil)
	h.client().do("GET", "/no/such/page/456", nil)

	scraper := h.client()
	scraper.bearer = metricsToken
	page := body(t, scraper.do("GET", "/metrics", nil))
	for _, want := range []string{
		`breachdesk_http_requests_total{method="GET",route="/api/v1/cases/:id",status="401"} 3`,
		`breachdesk_http_requests_total{method="POST",route="/login",status="403"} 1`,
		`breachdesk_http_requests_total{method="GET",route="unmatched",status="404"} 2`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("missing %s", want)
		}
	}
	if m := regexp.MustCompile(`breachdesk_http_requests_total\{method="[A-Z]+",route="/",status="4\d\d"\}.*`).FindString(page); m != "" {
		t.Errorf("a refusal filed under /: %s", m)
	}
}

// /favicon.ico leads to the SVG icon under /static, which the layouts
// link; the icon is well-formed SVG, served as such.
func TestFavicon(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.client()
	r := c.do("GET", "/favicon.ico", nil)
	if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/static/favicon.svg" || len(r.Header.Values("Set-Cookie")) > 0 {
		t.Fatalf("/favicon.ico: %d %q %v", r.StatusCode, r.Header.Get("Location"), r.Header.Values("Set-Cookie"))
	}
	r = c.do("GET", "/static/favicon.svg", nil)
	if ct := r.Header.Get("Content-Type"); r.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "image/svg+xml") {
		t.Fatalf("favicon.svg: %d %q", r.StatusCode, ct)
	}
	var svg struct {
		XMLName xml.Name `xml:"http://www.w3.org/2000/svg svg"`
		Paths   []struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.NewDecoder(r.Body).Decode(&svg); err != nil || len(svg.Paths) == 0 {
		t.Fatalf("favicon.svg: %v, %d paths", err, len(svg.Paths))
	}
	if page := body(t, c.do("GET", "/login", nil)); !strings.Contains(page, `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">`) {
		t.Error("the login page does not link the icon")
	}
}
