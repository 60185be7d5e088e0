package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/auth"
)

// River UI is mounted outside the route table, so the route walk of
// TestTenantIsolationWalksEveryRoute does not see it: this is its access
// test. Operators get the pages, the assets under the prefix and the API;
// a tenant user gets 404; nobody logged in is sent to log in (pages) or
// gets 401 (API). A cross-site state change is refused.
func TestJobDashboardIsOperatorsOnly(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	t.Cleanup(func() { _ = h.srv.Shutdown(time.Second) }) // stops River UI's counters before the database goes
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	if _, err := h.auth.CreateUser(context.Background(), auth.NewUser{Email: "op@example.com", Name: "Op", Password: password, Operator: true}); err != nil {
		t.Fatal(err)
	}
	var jobID int64
	if err := h.st.DB.Raw(`INSERT INTO river_job (args, kind, max_attempts, state, scheduled_at)
		VALUES ('{}', 'test_job', 3, 'scheduled', ?) RETURNING id`, h.clk.Now().Add(24*time.Hour)).Scan(&jobID).Error; err != nil {
		t.Fatal(err)
	}
	jobState := func() string {
		var s string
		h.st.DB.Raw(`SELECT state FROM river_job WHERE id = ?`, jobID).Scan(&s)
		return s
	}
	cancel := `{"ids":["` + strconv.FormatInt(jobID, 10) + `"]}`

	anon := h.client()
	if r := anon.do("GET", "/admin/jobs/", nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("anonymous page: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := anon.do("GET", "/admin/jobs/api/jobs?state=scheduled", nil); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous API: %d", r.StatusCode)
	}
	if r := anon.raw("POST", "/admin/jobs/api/jobs/cancel", "application/json", []byte(cancel)); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous cancel: %d", r.StatusCode)
	}

	owner := h.client()
	owner.login("alice@a.example")
	for _, path := range []string{"/admin/jobs", "/admin/jobs/", "/admin/jobs/jobs", "/admin/jobs/api/jobs?state=scheduled", "/admin/jobs/api/states"} {
		if r := owner.do("GET", path, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("tenant owner GET %s: %d", path, r.StatusCode)
		}
	}
	if r := owner.raw("POST", "/admin/jobs/api/jobs/cancel", "application/json", []byte(cancel)); r.StatusCode != http.StatusNotFound || jobState() != "scheduled" {
		t.Fatalf("tenant owner cancel: %d, job %s", r.StatusCode, jobState())
	}

	op := h.client()
	op.login("op@example.com")
	if r := op.do("GET", "/admin/jobs", nil); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/admin/jobs/" {
		t.Fatalf("operator /admin/jobs: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	page := op.do("GET", "/admin/jobs/", nil)
	html := body(t, page)
	if page.StatusCode != http.StatusOK || !strings.Contains(html, `"apiUrl":"/admin/jobs/api"`) {
		t.Fatalf("operator page: %d\n%.600s", page.StatusCode, html)
	}
	// Its assets are referenced under the prefix and served from there.
	assets := regexp.MustCompile(`(?:src|href)="(/admin/jobs/assets/[^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(assets) < 2 {
		t.Fatalf("no assets under the prefix in:\n%s", html)
	}
	for _, a := range assets {
		r := op.do("GET", a[1], nil)
		if b := body(t, r); r.StatusCode != http.StatusOK || len(b) < 100 {
			t.Errorf("asset %s: %d, %d bytes", a[1], r.StatusCode, len(b))
		}
	}
	// A deep link into the app serves the app.
	if r := op.do("GET", "/admin/jobs/jobs?state=scheduled", nil); r.StatusCode != http.StatusOK {
		t.Errorf("deep link: %d", r.StatusCode)
	}
	for _, path := range []string{"/admin/jobs/api/states", "/admin/jobs/api/queues"} {
		if r := op.do("GET", path, nil); r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("operator GET %s: %d %s", path, r.StatusCode, r.Header.Get("Content-Type"))
		}
	}
	list := body(t, op.do("GET", "/admin/jobs/api/jobs?state=scheduled", nil))
	if !strings.Contains(list, `"kind":"test_job"`) {
		t.Fatalf("job list lacks the job: %s", list)
	}

	// Our CSRF token is not needed, but a request from another site is
	// refused, and one from the page itself goes through.
	req := httptest.NewRequest("POST", "/admin/jobs/api/jobs/cancel", strings.NewReader(cancel))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	for k, v := range op.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if r, err := h.srv.App().Test(req, -1); err != nil || r.StatusCode != http.StatusForbidden || jobState() != "scheduled" {
		t.Fatalf("cross-site cancel: %v %v, job %s", r.StatusCode, err, jobState())
	}
	req = httptest.NewRequest("POST", "/admin/jobs/api/jobs/cancel", strings.NewReader(cancel))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range op.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if r, err := h.srv.App().Test(req, -1); err != nil || r.StatusCode != http.StatusOK || jobState() != "cancelled" {
		t.Fatalf("same-origin cancel: %v %v, job %s", r.StatusCode, err, jobState())
	}

	// The organisations page shows the way there.
	if orgs := body(t, op.do("GET", "/admin/organisations", nil)); !strings.Contains(orgs, `href="/admin/jobs/"`) {
		t.Errorf("organisations page does not link the job dashboard")
	}
}

// The organisations page shows each organisation's open incidents and
// overdue obligations (counted in app/oversight), overdue said in words.
func TestOperatorOrganisationsShowCounts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("bob@b.example", "org-b", auth.RoleOwner)
	h.fixtures("org-a", "alice@a.example", "none") // a case aware 40 days ago: its clocks have run out
	if _, err := h.auth.CreateUser(context.Background(), auth.NewUser{Email: "op@example.com", Name: "Op", Password: password, Operator: true}); err != nil {
		t.Fatal(err)
	}
	op := h.client()
	op.login("op@example.com")
	op.post("/settings/language", url.Values{"language": {"en"}})
	page := body(t, op.do("GET", "/admin/organisations", nil))
	row := func(slug string) string {
		i := strings.Index(page, "<code>"+slug+"</code>")
		if i < 0 {
			t.Fatalf("no row for %s", slug)
		}
		start := strings.LastIndex(page[:i], "<tr")
		return page[start : i+strings.Index(page[i:], "</tr>")]
	}
	a, b := row("org-a"), row("org-b")
	if !strings.Contains(a, `class="overdue"`) || !strings.Contains(a, "<td>1</td>") || !strings.Contains(a, "OVERDUE</strong>") {
		t.Errorf("org-a row: %s", a)
	}
	if strings.Contains(b, "overdue") || !strings.Contains(b, "<td>0</td>") {
		t.Errorf("org-b row: %s", b)
	}
}
