package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/web"
)

// Every GET page renders for a logged-in owner, in both languages, with
// org A's own resources: no template error hides behind a route.
func TestEveryPageRenders(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("anne@a.example", "org-a", auth.RoleLegal)
	own := h.fixtures("org-a", "anne@a.example", "none")
	for _, lang := range []string{"ja", "en"} {
		c := h.client()
		c.login("alice@a.example")
		c.post("/settings/language", url.Values{"language": {lang}})
		for _, r := range h.srv.Routes() {
			if r.Method != "GET" || r.API || r.Access == web.Public || r.Access == web.Operator {
				continue
			}
			path := r.Path
			if r.Param != "" {
				path = strings.Replace(path, ":id", fmt.Sprint(own[r.Param]), 1)
			}
			if strings.HasSuffix(path, "/download") || strings.HasSuffix(path, "qr.png") || strings.HasSuffix(path, "/pdf") {
				continue
			}
			resp := c.do("GET", path, nil)
			page := body(t, resp)
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusSeeOther {
				t.Errorf("[%s] GET %s: %d\n%.300s", lang, path, resp.StatusCode, page)
				continue
			}
			if i := strings.Index(page, "&amp;{"); i >= 0 {
				t.Errorf("[%s] GET %s shows a Go value instead of its text: %.80s", lang, path, page[i:])
			}
			if strings.Contains(page, "[") && strings.Contains(page, ".") {
				for _, frag := range strings.Split(page, "[")[1:] {
					if end := strings.Index(frag, "]"); end > 0 && !strings.ContainsAny(frag[:end], " <>\"=") && strings.Contains(frag[:end], ".") && strings.Count(frag[:end], ".") <= 3 && len(frag[:end]) < 60 && !strings.Contains(frag[:end], "@") {
						t.Errorf("[%s] GET %s shows a missing message key [%s]", lang, path, frag[:end])
					}
				}
			}
		}
	}
}

func TestOperatorPagesAreOperatorsOnly(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("bob@b.example", "org-b", auth.RoleOwner)
	if _, err := h.auth.CreateUser(context.Background(), auth.NewUser{Email: "op@example.com", Name: "Op", Password: password, Operator: true}); err != nil {
		t.Fatal(err)
	}
	owner := h.client()
	owner.login("alice@a.example")
	if r := owner.do("GET", "/admin/organisations", nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("owner sees the operator page: %d", r.StatusCode)
	}
	op := h.client()
	op.login("op@example.com")
	page := body(t, op.do("GET", "/admin/organisations", nil))
	if !strings.Contains(page, "org-a") || !strings.Contains(page, "org-b") {
		t.Fatal("operator does not see every organisation")
	}
}

// The case journey through forms: open a case, fill the assessment, see
// the PPC clocks, set unauthorized purpose and see the final report move.
func TestCaseJourneyThroughForms(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	c := h.client()
	c.login("alice@a.example")
	c.post("/settings/language", url.Values{"language": {"en"}})
	r := c.post("/cases", url.Values{"title": {"Checkout skimming"}, "aware_at": {"2026-11-20T10:00"}, "incident_type": {"card_skimming"}, "playbook": {"jp-card-leak"}, "severity": {"critical"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.StatusCode, body(t, r))
	}
	casePath := r.Header.Get("Location")
	page := body(t, c.do("GET", casePath, nil))
	for _, want := range []string{"Checkout skimming", "jp.appi.ppc.preliminary", "jp.appi.ppc.final", "Tell the acquirer", "provisional"} {
		if !strings.Contains(page, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	form := url.Values{"data_items": {"card_number", "security_code", "name"}, "persons_affected": {"1200"}, "residents": {"JP=1200"},
		"sensitive": {"false"}, "high_level_encryption": {"false"}, "entrusted_processor": {"false"}, "unauthorized_purpose": {"false"}, "data_being_entered": {"false"}, "card_brands": {"visa"}}
	if r := c.post(casePath+"/assessment", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("assessment: %d %s", r.StatusCode, body(t, r))
	}
	page = body(t, c.do("GET", casePath, nil))
	if !strings.Contains(page, "2026-12-21") { // 30 days from 11-20 (day 1) → 12-19 (Sat) → Mon 12-21
		t.Errorf("final report due date missing: want 2026-12-21")
	}
	form.Set("unauthorized_purpose", "true")
	if r := c.post(casePath+"/assessment", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("assessment 2: %d", r.StatusCode)
	}
	page = body(t, c.do("GET", casePath, nil))
	if !strings.Contains(page, "2027-01-18") { // day 60 = 2027-01-18 (Mon)
		t.Errorf("final report did not move to day 60 (2027-01-18)")
	}
	if !strings.Contains(page, "due moved from") {
		t.Errorf("history does not show the move")
	}
	// Bad assessment input is shown next to the field.
	bad := url.Values{"persons_affected": {"-5"}, "residents": {"JP"}}
	r = c.post(casePath+"/assessment", bad)
	if page := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "residents") {
		t.Fatalf("bad assessment: %d", r.StatusCode)
	}
}
