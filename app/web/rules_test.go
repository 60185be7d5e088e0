package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
)

// The rule reference page lists each rule's primary sources with a link
// and the date each was read (or that it was not), in the reader's
// language, and commentary apart from them.
func TestRulesPageShowsPrimarySources(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	for lang, want := range map[string][]string{
		"ja": {"<strong>一次資料</strong>", `href="https://laws.e-gov.go.jp/law/428M60020000003"`, "個人情報の保護に関する法律施行規則 7条", "確認日 2026-12-06", "未読", "解説（二次資料）: "},
		"en": {"<strong>Primary source</strong>", `href="https://app.leg.wa.gov/RCW/default.aspx?cite=19.255.005"`, "RCW 19.255.005 (definitions)", "checked 2026-12-06", "not read", "Commentary: "},
	} {
		c := h.client()
		c.login("alice@a.example")
		c.post("/settings/language", url.Values{"language": {lang}})
		page := body(t, c.do("GET", "/rules", nil))
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("[%s] /rules lacks %q", lang, w)
			}
		}
		// Caveats and notes read as text, not as Go values.
		if i := strings.Index(page, "&amp;{"); i >= 0 || strings.Contains(page, "map[") {
			t.Errorf("[%s] /rules prints a Go value: %q", lang, page[max(i, 0):min(max(i, 0)+80, len(page))])
		}
		if !strings.Contains(page, "⚠ ") || strings.Contains(page, "⚠ &amp;") {
			t.Errorf("[%s] /rules shows no caveat as text", lang)
		}
	}
}
