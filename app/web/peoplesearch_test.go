package web_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/people"
)

// The call centre finds a caller on the people page and over the API by
// reading, phone number, address, postal code, name without the space,
// e-mail or customer id, however typed; both say the same, and the page
// says what can be searched.
func TestPeopleSearchPageAndAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u := h.user("alice@a.example", "org-a", auth.RoleOwner)
	ctx := context.Background()
	p := h.principalIn(u, "org-a", auth.RoleOwner)
	cs, err := h.cases.Create(ctx, p, cases.NewCase{Title: "Skimmer", AwareAt: h.clk.Now().Add(-time.Hour), IncidentType: "card_skimming"})
	if err != nil {
		t.Fatal(err)
	}
	caseID := cs.Case.ID
	svc := people.NewService(h.st, h.clk, h.cases)
	imp, err := svc.Start(ctx, p, caseID, "list.csv", strings.NewReader("氏名,フリガナ,郵便番号,住所,メールアドレス,電話番号,顧客ID\n"+
		"山田 太郎,ヤマダ タロウ,100-0005,東京都千代田区丸の内1-2-3,taro@example.jp,03-1234-5678,C-001\n"+
		"佐藤 花子,サトウ ハナコ,530-0001,大阪府大阪市北区梅田1-1,hanako@example.jp,+81 90 8765 4321,C_002\n"), people.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Run(ctx, imp.ID); err != nil {
		t.Fatal(err)
	}
	secret, err := h.auth.IssueTokenFor(ctx, "alice@a.example", "org-a", auth.TokenInput{Name: "t"})
	if err != nil {
		t.Fatal(err)
	}
	api := h.client()
	api.bearer = secret
	browser := h.client()
	browser.login("alice@a.example")
	everyone := []string{"佐藤 花子", "山田 太郎"}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"やまだたろう", []string{"山田 太郎"}},
		{"ヤマダ タロウ", []string{"山田 太郎"}},
		{"ｻﾄｳ ﾊﾅｺ", []string{"佐藤 花子"}},
		{"03-1234-5678", []string{"山田 太郎"}},
		{"０３１２３４５６７８", []string{"山田 太郎"}},
		{"+81 3 1234 5678", []string{"山田 太郎"}},
		{"090-8765-4321", []string{"佐藤 花子"}},
		{"丸の内", []string{"山田 太郎"}},
		{"5300001", []string{"佐藤 花子"}},
		{"530-0001", []string{"佐藤 花子"}},
		{"山田太郎", []string{"山田 太郎"}},
		{"HANAKO@EXAMPLE.JP", []string{"佐藤 花子"}},
		{"c-001", []string{"山田 太郎"}},
		{"_", []string{"佐藤 花子"}}, // only the customer id with an underscore
		{"%", nil},
		{"鈴木", nil},
	} {
		code, m := api.json("GET", fmt.Sprintf("/api/v1/cases/%d/people?q=%s", caseID, url.QueryEscape(c.q)), "")
		if code != 200 {
			t.Fatalf("API %q: %d %v", c.q, code, m)
		}
		var got []string
		for _, p := range m["people"].([]any) {
			got = append(got, p.(map[string]any)["name"].(string))
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) || m["total"].(float64) != float64(len(c.want)) {
			t.Errorf("API %q: %q (total %v), want %q", c.q, got, m["total"], c.want)
		}
		if strings.Contains(fmt.Sprint(m), "search_") {
			t.Errorf("API %q shows the search columns: %v", c.q, m)
		}
		page := body(t, browser.do("GET", fmt.Sprintf("/cases/%d/people?q=%s", caseID, url.QueryEscape(c.q)), nil))
		for _, name := range everyone {
			if shown := strings.Contains(page, name); shown != slices.Contains(c.want, name) {
				t.Errorf("page %q: %s shown = %v, want %v", c.q, name, shown, !shown)
			}
		}
	}
	for lang, want := range map[string][]string{
		"ja": {"対象者を検索", "フリガナ（ひらがな・カタカナ・半角カナ可）、電話番号", "郵便番号、住所の一部"},
		"en": {"Search affected persons", "reading (hiragana, katakana or half-width kana), phone number", "postal code, part of the address"},
	} {
		browser.post("/settings/language", url.Values{"language": {lang}})
		page := body(t, browser.do("GET", fmt.Sprintf("/cases/%d/people", caseID), nil))
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("[%s] the people page does not say %q", lang, w)
			}
		}
		if !strings.Contains(page, `aria-describedby="q-hint"`) || !strings.Contains(page, `id="q-hint"`) {
			t.Errorf("[%s] the search box is not described by its hint", lang)
		}
	}
}
