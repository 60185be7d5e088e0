package web_test

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
)

// svgIn cuts the SVG of the given class out of a page and checks that it
// is well-formed XML; it returns its markup.
func svgIn(t *testing.T, page, class string) string {
	t.Helper()
	i := strings.Index(page, `<svg xmlns="http://www.w3.org/2000/svg" class="`+class+`"`)
	if i < 0 {
		t.Fatalf("no %s picture on the page", class)
	}
	j := strings.Index(page[i:], "</svg>")
	out := page[i : i+j+len("</svg>")]
	d := xml.NewDecoder(strings.NewReader(out))
	for {
		if _, err := d.Token(); err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("%s is not well-formed: %v\n%s", class, err, out)
		}
	}
	return out
}

// The case page and the dashboard draw their pictures from the case's
// obligations: an overdue deadline says so in words, a submission shows,
// and the case title (the user's text) is escaped inside the SVG. Today
// is pinned: which deadlines share a marker (and so whose label carries
// the state word) depends on the hour of awareness and the axis's span.
func TestCaseAndDashboardPictures(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(time.Date(2026, 11, 25, 12, 0, 0, 0, time.FixedZone("JST", 9*3600))))
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	c := h.client()
	c.login("alice@a.example")
	aware := h.clk.Now().Add(-10 * 24 * time.Hour).UTC().Format(time.RFC3339)
	title := `<script>alert(1)</script> Tom & Jerry`
	r := c.post("/cases", url.Values{"title": {title}, "aware_at": {aware}, "incident_type": {"card_skimming"}, "playbook": {"jp-card-leak"}, "severity": {"high"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.StatusCode, body(t, r))
	}
	casePath := r.Header.Get("Location")
	form := url.Values{"data_items": {"card_number", "name"}, "persons_affected": {"1200"}, "residents": {"JP=1200"}, "sensitive": {"false"},
		"high_level_encryption": {"false"}, "entrusted_processor": {"false"}, "unauthorized_purpose": {"true"}, "data_being_entered": {"false"}, "card_brands": {"visa"}}
	if r := c.post(casePath+"/assessment", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("assessment: %d %s", r.StatusCode, body(t, r))
	}
	var obligationID int64
	h.st.DB.Raw(`SELECT id FROM obligations WHERE rule_id = 'jp.card.acquirer'`).Scan(&obligationID)
	if r := c.post(fmt.Sprintf("/obligations/%d/submit", obligationID), url.Values{"recipient_reference": {"PSP-1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", r.StatusCode, body(t, r))
	}

	for _, lang := range []string{"ja", "en"} {
		c.post("/settings/language", url.Values{"language": {lang}})
		overdue := map[string]string{"ja": "期限超過", "en": "OVERDUE"}[lang]
		preliminary := map[string]string{"ja": "個人情報保護委員会への速報", "en": "Preliminary report to the PPC"}[lang]
		page := body(t, c.do("GET", casePath, nil))
		tl := svgIn(t, page, "chart-timeline")
		for _, want := range []string{`role="img"`, "&lt;script&gt;alert(1)&lt;/script&gt; Tom &amp; Jerry", `class="marker deadline overdue"`,
			`class="marker submission done"`, `class="marker event"`, ">" + overdue + "</tspan> " + preliminary} {
			if !strings.Contains(tl, want) {
				t.Errorf("[%s] case timeline lacks %q", lang, want)
			}
		}
		if strings.Contains(tl, "<script>") {
			t.Fatalf("[%s] the title got into the SVG unescaped", lang)
		}
		dash := body(t, c.do("GET", "/", nil))
		dc := svgIn(t, dash, "chart-deadlines")
		for _, want := range []string{`class="marker deadline overdue"`, `class="late"`, ">" + overdue + "</text>", preliminary} {
			if !strings.Contains(dc, want) {
				t.Errorf("[%s] dashboard chart lacks %q", lang, want)
			}
		}
		// Labels in words, no link inside the picture (role="img"), and
		// no rule keys: the table under it has the links and the keys.
		for _, engine := range []string{"<a ", "href=", "jp.appi.", "jp.card."} {
			if strings.Contains(dc, engine) || strings.Contains(tl, engine) {
				t.Errorf("[%s] a chart holds %q", lang, engine)
			}
		}
	}
}
