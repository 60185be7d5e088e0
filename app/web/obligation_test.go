package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/auth"
)

// The case page lists each obligation with its deadline and links to the
// obligation's page, which explains it, lists what the report must
// contain and holds the forms: a wrong submission comes back to that page
// with the error next to its field and the typed values kept; a right one
// goes back to the case, after which the page shows the submission and no
// forms. Waiving is offered to legal only.
func TestObligationPageExplainsAndRecords(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	c := h.client()
	c.login("alice@a.example")
	c.post("/settings/language", url.Values{"language": {"en"}})
	aware := h.clk.Now().Add(-2 * 24 * time.Hour).UTC().Format(time.RFC3339)
	r := c.post("/cases", url.Values{"title": {"Skimmer"}, "aware_at": {aware}, "incident_type": {"card_skimming"}, "playbook": {"jp-card-leak"}, "severity": {"high"}})
	casePath := r.Header.Get("Location")
	form := url.Values{"data_items": {"card_number", "name"}, "persons_affected": {"1200"}, "residents": {"JP=1200"}, "sensitive": {"false"},
		"high_level_encryption": {"false"}, "entrusted_processor": {"false"}, "unauthorized_purpose": {"true"}, "data_being_entered": {"false"}, "card_brands": {"visa"}}
	if r := c.post(casePath+"/assessment", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("assessment: %d %s", r.StatusCode, body(t, r))
	}
	var id int64
	h.st.DB.Raw(`SELECT id FROM obligations WHERE rule_id = 'jp.appi.ppc.final'`).Scan(&id)
	path := fmt.Sprintf("/obligations/%d", id)
	if page := body(t, c.do("GET", casePath, nil)); !strings.Contains(page, `href="`+path+`"`) {
		t.Fatal("the case page does not link to the obligation's page")
	}
	page := body(t, c.do("GET", path, nil))
	for _, want := range []string{"jp.appi.ppc.final", "Required content:", `<time datetime="`, `action="` + path + `/submit"`, `action="` + path + `/status"`, `href="` + casePath + `#obligation-`} {
		if !strings.Contains(page, want) {
			t.Errorf("obligation page lacks %q", want)
		}
	}
	if strings.Contains(page, path+"/waive") {
		t.Error("an owner is offered the waiver, which is legal's")
	}

	future := h.clk.Now().Add(48 * time.Hour).Format("2006-01-02T15:04")
	r = c.post(path+"/submit", url.Values{"submitted_at": {future}, "recipient_reference": {"PPC-2026-77"}})
	page = body(t, r)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="sub-at-error"`) || !strings.Contains(page, `value="PPC-2026-77"`) || !strings.Contains(page, `value="`+future+`"`) {
		t.Fatalf("submission in the future: %d\n%s", r.StatusCode, page)
	}
	r = c.post(path+"/submit", url.Values{"recipient_reference": {"PPC-2026-77"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != fmt.Sprintf("%s#obligation-%d", casePath, id) {
		t.Fatalf("submission: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	page = body(t, c.do("GET", path, nil))
	if !strings.Contains(page, "PPC-2026-77") || strings.Contains(page, path+"/submit") {
		t.Error("a submitted obligation's page should show the reference and no forms")
	}

	legal := h.client()
	legal.login("lee@a.example")
	var other int64
	h.st.DB.Raw(`SELECT id FROM obligations WHERE rule_id = 'jp.card.acquirer'`).Scan(&other)
	if page := body(t, legal.do("GET", fmt.Sprintf("/obligations/%d", other), nil)); !strings.Contains(page, fmt.Sprintf("/obligations/%d/waive", other)) {
		t.Error("legal is not offered the waiver")
	}
	r = legal.post(fmt.Sprintf("/obligations/%d/waive", other), url.Values{"reason": {""}})
	if page := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="waive-error"`) {
		t.Fatalf("waiver without a reason: %d\n%s", r.StatusCode, page)
	}
}
