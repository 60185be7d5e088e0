package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
)

// A drill opened from the form carries its banner, in both languages, on
// its pages, counts down in drill time (data-now, data-speed) and has a
// debrief; a bad speed is refused next to its field, and a real case has
// no banner and no debrief (its debrief address leads to its page).
func TestDrillPagesOverHTTP(t *testing.T) {
	t.Parallel()
	jst := time.FixedZone("JST", 9*3600)
	clk := clocktest.Frozen(time.Date(2026, 12, 7, 12, 0, 0, 0, jst))
	h := newHarnessAt(t, clk)
	alice := h.user("alice@a.example", "org-a", auth.RoleOwner)
	c := h.client()
	c.login("alice@a.example")
	form := url.Values{"title": {"訓練"}, "aware_at": {"2027-04-30T10:00"}, "incident_type": {"card_skimming"}, "playbook": {"jp-card-leak"},
		"severity": {"high"}, "drill": {"1"}, "drill_speed": {"7"}}
	if r := c.post("/cases", form); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body(t, r), `id="drill_speed-error"`) {
		t.Fatalf("a drill at 7x: HTTP %d, want 422 next to the speed", r.StatusCode)
	}
	form.Set("drill_speed", "60")
	r := c.post("/cases", form)
	loc := r.Header.Get("Location")
	m := regexp.MustCompile(`^/cases/(\d+)$`).FindStringSubmatch(loc)
	if r.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("creating a drill: HTTP %d → %q", r.StatusCode, loc)
	}
	drillPath := loc
	real := h.fixtures("org-a", "alice@a.example", "none")["case"]
	clk.Advance(3 * time.Minute) // three drill hours

	for _, lang := range []string{"ja", "en"} {
		c.post("/settings/language", url.Values{"language": {lang}})
		for _, path := range []string{drillPath, drillPath + "/drill", drillPath + "/assessment"} {
			page := body(t, c.do("GET", path, nil))
			if !strings.Contains(page, `id="drill-banner"`) || !strings.Contains(page, "訓練 / DRILL") {
				t.Errorf("[%s] %s: no drill banner", lang, path)
			}
			// The drill's clock: 10:00 JST on 30 April plus three hours.
			if !strings.Contains(page, `data-now="2027-04-30T04:00:00Z" data-speed="60"`) {
				t.Errorf("[%s] %s: the page's now is not drill time: %.200s", lang, path, page)
			}
			if i := strings.Index(page, "[drill."); i >= 0 {
				t.Errorf("[%s] %s: missing message %.40s", lang, path, page[i:])
			}
		}
		realPage := body(t, c.do("GET", fmt.Sprintf("/cases/%d", real), nil))
		if strings.Contains(realPage, `id="drill-banner"`) || strings.Contains(realPage, "data-speed") {
			t.Errorf("[%s] a real case shows the drill banner", lang)
		}
	}
	// The letters page offers no batch to send: a note says why.
	if page := body(t, c.do("GET", drillPath+"/letters", nil)); !strings.Contains(page, `id="drill-no-letters"`) ||
		strings.Contains(page, `action="`+drillPath+`/letters"`) {
		t.Error("the drill's letters page offers to send letters")
	}
	if r := c.do("GET", fmt.Sprintf("/cases/%d/drill", real), nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a real case's debrief: HTTP %d, want a redirect to its page", r.StatusCode)
	}
	list := body(t, c.do("GET", "/cases", nil))
	if !strings.Contains(list, `class="badge drill"`) {
		t.Error("the case list does not mark the drill")
	}

	// Overdue in drill time is overdue in the case list's filter: 33
	// drill hours in, the acquirer's 24 hours have passed, though in real
	// time the drill's awareness is months ahead.
	id, _ := strconv.ParseInt(m[1], 10, 64)
	facts, err := assessment.ParseFacts([]byte(`{"data_items":["card_number","name"],"persons_affected":5,"residents":{"JP":5},"unauthorized_purpose":false}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.as.Save(context.Background(), h.principalIn(alice, "org-a", auth.RoleOwner), id, facts, ""); err != nil {
		t.Fatal(err)
	}
	link := fmt.Sprintf(`href="/cases/%d"`, id)
	if strings.Contains(body(t, c.do("GET", "/cases?overdue=1", nil)), link) {
		t.Fatal("the drill is overdue three drill hours in")
	}
	clk.Advance(30 * time.Minute)
	if !strings.Contains(body(t, c.do("GET", "/cases?overdue=1", nil)), link) {
		t.Error("the drill, past its acquirer deadline in drill time, is not listed as overdue")
	}
}
