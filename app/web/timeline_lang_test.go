package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
)

// The case's timeline is in the reader's language, with times in the
// organisation's zone (issue 19, item 4): the services store message codes,
// not the English sentences the engine used to write ("Case … opened with
// playbook jp-card-leak v1", "needs review (APPI_T1_UNKNOWN, …)").
func TestTimelineInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	c := h.client()
	c.login("alice@a.example")
	c.post("/settings/language", url.Values{"language": {"ja"}})
	r := c.post("/cases", url.Values{"title": {"決済画面の改ざん"}, "aware_at": {"2026-11-20T10:00"}, "incident_type": {"card_skimming"}, "playbook": {"jp-card-leak"}, "severity": {"critical"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.StatusCode, body(t, r))
	}
	casePath := r.Header.Get("Location")
	form := url.Values{"data_items": {"card_number", "name"}, "persons_affected": {"120"}, "residents": {"JP=120"},
		"sensitive": {"false"}, "high_level_encryption": {"false"}, "entrusted_processor": {"false"}, "unauthorized_purpose": {"false"}, "data_being_entered": {"false"}, "card_brands": {"visa"}}
	if r := c.post(casePath+"/assessment", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("assessment: %d %s", r.StatusCode, body(t, r))
	}
	if r := c.post(casePath+"/update", url.Values{"title": {"決済画面の改ざん"}, "aware_at": {"2026-11-20T11:30"}, "severity": {"high"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.StatusCode, body(t, r))
	}
	ja := timelineSection(t, body(t, c.do("GET", casePath, nil)))
	for _, want := range []string{"を登録しました（プレイブック", "評価 第1版を保存しました", "重大度 最重要 → 高", "認識日時 2026-11-20 10:00 JST → 2026-11-20 11:30 JST",
		"本人への通知: 目標が 2026-11-23 10:00"} {
		if !strings.Contains(ja, want) {
			t.Errorf("Japanese timeline lacks %q:\n%s", want, ja)
		}
	}
	for _, engine := range []string{"opened with", "Assessment version", "needs review (", "APPI_T", "jp.appi.", "[timeline.", "UTC", "T01:30:00Z"} {
		if strings.Contains(ja, engine) {
			t.Errorf("Japanese timeline shows engine text %q:\n%s", engine, ja)
		}
	}
	c.post("/settings/language", url.Values{"language": {"en"}})
	en := timelineSection(t, body(t, c.do("GET", casePath, nil)))
	for _, want := range []string{"opened with the playbook", "Assessment version 1 saved", "awareness 2026-11-20 10:00 JST → 2026-11-20 11:30 JST", "Notice to the affected persons: target moved from 2026-11-23 10:00"} {
		if !strings.Contains(en, want) {
			t.Errorf("English timeline lacks %q:\n%s", want, en)
		}
	}
	// The API says each entry in the caller's language too.
	secret, err := h.auth.IssueTokenFor(context.Background(), "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenRead})
	if err != nil {
		t.Fatal(err)
	}
	c.bearer = secret
	status, out := c.json("GET", "/api/v1"+casePath+"/timeline", "")
	if status != http.StatusOK {
		t.Fatalf("API timeline: %d", status)
	}
	entries, _ := out["timeline"].([]any)
	if len(entries) == 0 {
		t.Fatal("API timeline is empty")
	}
	for _, e := range entries {
		if text, _ := e.(map[string]any)["text"].(string); text == "" || strings.Contains(text, "[timeline.") {
			t.Errorf("API entry without text: %v", e)
		}
	}
}

// timelineSection is the case page's timeline list.
func timelineSection(t *testing.T, page string) string {
	t.Helper()
	i := strings.Index(page, `id="timeline"`)
	if i < 0 {
		t.Fatal("case page has no timeline section")
	}
	return page[i:]
}
