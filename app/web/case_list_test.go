package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
)

// The case list finds any case, closed ones included (issue 21, item 2):
// by text in the title, reference or summary, and by phase, severity,
// owner, overdue, type and awareness date; another organisation's cases
// never show.
func TestCaseListFiltersAndSearch(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	alice := h.user("alice@a.example", "org-a", auth.RoleOwner)
	bob := h.user("bob@a.example", "org-a", auth.RoleManager)
	h.user("eve@b.example", "org-b", auth.RoleOwner)
	ctx := context.Background()
	pa := h.principalIn(alice, "org-a", auth.RoleOwner)
	today := h.clk.Now()
	open := func(p *auth.Principal, title, summary, typ, severity string, aware time.Time, owner *int64) cases.Case {
		t.Helper()
		c, err := h.cases.Create(ctx, p, cases.NewCase{Title: title, Summary: summary, AwareAt: aware, IncidentType: typ, Severity: severity, OwnerID: owner, Playbook: "jp-card-leak"})
		if err != nil {
			t.Fatal(err)
		}
		return c.Case
	}
	skimming := open(pa, "決済画面の改ざん", "PSPからCPPの連絡", "card_skimming", "critical", today.AddDate(0, 0, -20), nil)
	misdelivery := open(pa, "メールの誤送信", "顧客リストを添付して送信", "misdelivery", "low", today.Add(-2*time.Hour), &bob.ID)
	closed := open(pa, "古い不正アクセス", "2025年の事案", "unauthorized_access", "high", today.AddDate(0, -3, 0), nil)
	h.st.DB.Exec(`UPDATE cases SET phase = 'closed', closed_at = ? WHERE id = ?`, today.AddDate(0, -1, 0), closed.ID)
	open(h.principalIn(h.user("eve2@b.example", "org-b", auth.RoleOwner), "org-b", auth.RoleOwner), "別組織の改ざん", "", "card_skimming", "critical", today, nil)
	mistake := open(pa, "誤って登録", "テスト", "other", "low", today.Add(-time.Hour), nil)
	if _, err := h.cases.Void(ctx, pa, mistake.ID, "誤登録"); err != nil {
		t.Fatal(err)
	}

	c := h.client()
	c.login("alice@a.example")
	c.post("/settings/language", url.Values{"language": {"ja"}})
	list := func(query string) string {
		t.Helper()
		r := c.do("GET", "/cases?"+query, nil)
		page := body(t, r)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("/cases?%s: %d", query, r.StatusCode)
		}
		i := strings.Index(page, `id="results-h"`)
		if i < 0 {
			t.Fatalf("/cases?%s has no results section", query)
		}
		return page[i:]
	}
	has := func(page string, cs ...cases.Case) bool {
		for _, x := range cs {
			if !strings.Contains(page, ">"+x.Reference+"</a>") {
				return false
			}
		}
		return true
	}
	for _, tc := range []struct {
		query    string
		want     []cases.Case
		wantNot  []cases.Case
		wantText string
	}{
		{"", []cases.Case{skimming, misdelivery}, []cases.Case{closed, mistake}, "（2件）"},
		{"status=all", []cases.Case{skimming, misdelivery, closed}, []cases.Case{mistake}, "（3件）"},
		{"status=voided", []cases.Case{mistake}, []cases.Case{skimming, misdelivery, closed}, "取り消し済み"},
		{"status=closed", []cases.Case{closed}, []cases.Case{skimming, misdelivery}, ""},
		{"q=" + url.QueryEscape("改ざん"), []cases.Case{skimming}, []cases.Case{misdelivery}, ""},
		{"q=" + url.QueryEscape("顧客リスト"), []cases.Case{misdelivery}, []cases.Case{skimming}, ""},
		{"status=all&q=" + url.QueryEscape(closed.Reference), []cases.Case{closed}, []cases.Case{skimming, misdelivery}, ""},
		{"q=" + url.QueryEscape("100%_"), nil, []cases.Case{skimming, misdelivery}, "条件に合うインシデントはありません"},
		{"severity=critical", []cases.Case{skimming}, []cases.Case{misdelivery}, ""},
		{"incident_type=misdelivery", []cases.Case{misdelivery}, []cases.Case{skimming}, ""},
		{"owner=" + strconv.FormatInt(bob.ID, 10), []cases.Case{misdelivery}, []cases.Case{skimming}, ""},
		{"overdue=1", []cases.Case{skimming}, []cases.Case{misdelivery}, ""},
		{"phase=triage", []cases.Case{skimming, misdelivery}, nil, ""},
		{"status=all&aware_from=" + today.AddDate(0, 0, -30).Format(time.DateOnly) + "&aware_to=" + today.AddDate(0, 0, -10).Format(time.DateOnly), []cases.Case{skimming}, []cases.Case{misdelivery, closed}, ""},
	} {
		page := list(tc.query)
		if !has(page, tc.want...) {
			t.Errorf("%s: missing some of %v", tc.query, refs(tc.want))
		}
		for _, x := range tc.wantNot {
			if has(page, x) {
				t.Errorf("%s: lists %s", tc.query, x.Reference)
			}
		}
		if strings.Contains(page, "別組織の改ざん") {
			t.Errorf("%s: lists another organisation's case", tc.query)
		}
		if tc.wantText != "" && !strings.Contains(page, tc.wantText) {
			t.Errorf("%s: page lacks %q", tc.query, tc.wantText)
		}
	}
	// The overdue case carries the badge; the form keeps what was asked.
	page := body(t, c.do("GET", "/cases?overdue=1&severity=critical", nil))
	if !strings.Contains(page, `class="badge danger"`) || !strings.Contains(page, `<option value="critical" selected>`) || !strings.Contains(page, `id="cf-overdue" name="overdue" type="checkbox" value="1" checked`) {
		t.Error("the overdue badge or the kept filter is missing")
	}
	// Bad filters say which field, never a 500.
	for query, field := range map[string]string{
		"status=deleted": "cf-status", "aware_from=2026-13-45": "cf-from", "owner=abc": "cf-owner", "phase=nope": "cf-phase",
		"aware_from=2026-11-20&aware_to=2026-11-01": "cf-to", "q=" + strings.Repeat("あ", 201): "cf-q",
	} {
		r := c.do("GET", "/cases?"+query, nil)
		page := body(t, r)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "field-error") {
			t.Errorf("%s: %d, want 422 with a field error (%s)", query, r.StatusCode, field)
		}
	}
	// Paging keeps the filter.
	page = body(t, c.do("GET", "/cases?status=all&limit=2", nil))
	if !strings.Contains(page, `rel="next"`) || !strings.Contains(page, "status=all") {
		t.Error("no next page link keeping the filter")
	}
	if page := body(t, c.do("GET", "/cases?status=all&limit=2&offset=2", nil)); !has(page, closed) || !strings.Contains(page, `rel="prev"`) {
		t.Error("the second page is wrong")
	}
}

func refs(cs []cases.Case) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Reference
	}
	return out
}
