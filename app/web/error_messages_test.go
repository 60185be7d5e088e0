package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
)

// Services give codes; the pages say them in the reader's language: a
// field's error next to the field, a refused phase change on the case page
// (409), a wrong password on the login form (401), the same in Japanese
// and in English.
func TestDomainErrorsReadInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	c := h.client()
	c.login("alice@a.example")
	r := c.post("/cases", url.Values{"title": {"Skimming"}, "aware_at": {"2026-11-20T10:00"}, "incident_type": {"card_skimming"},
		"playbook": {"jp-card-leak"}, "severity": {"high"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.StatusCode, body(t, r))
	}
	casePath := r.Header.Get("Location")
	want := map[string][3]string{
		"ja": {"未来の日時は指定できません", "現在のフェーズのタスクが", "メールアドレスまたはパスワードが違います。"},
		"en": {"is in the future", "task(s) of the current phase are still open", "Wrong e-mail address or password."},
	}
	for _, lang := range []string{"ja", "en"} {
		c.post("/settings/language", url.Values{"language": {lang}})
		r := c.post("/cases", url.Values{"title": {"Later"}, "aware_at": {"2026-12-24T10:00"}, "incident_type": {"other"},
			"playbook": {"generic-personal-data"}, "severity": {"low"}})
		if page := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="aware_at-error">`+want[lang][0]) {
			t.Errorf("[%s] a case aware in the future: %d, want 422 saying %q next to the field", lang, r.StatusCode, want[lang][0])
		}
		r = c.post(casePath+"/phase", url.Values{"phase": {"investigation"}})
		if page := body(t, r); r.StatusCode != http.StatusConflict || !strings.Contains(page, want[lang][1]) {
			t.Errorf("[%s] leaving open tasks without a reason: %d, want 409 naming them", lang, r.StatusCode)
		}
		other := h.client()
		other.do("GET", "/login?lang="+lang, nil)
		r = other.post("/login", url.Values{"email": {"alice@a.example"}, "password": {"not the password"}})
		if page := body(t, r); r.StatusCode != http.StatusUnauthorized || !strings.Contains(page, want[lang][2]) {
			t.Errorf("[%s] wrong password: %d, want 401 saying %q", lang, r.StatusCode, want[lang][2])
		}
	}
}
