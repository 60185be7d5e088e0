package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/people"
)

func TestPeopleImportOverAPIAndPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	ctx := context.Background()
	own := h.fixtures("org-a", "alice@a.example", "none")
	secret, _ := h.auth.IssueTokenFor(ctx, "alice@a.example", "org-a", "t")
	c := h.client()
	c.bearer = secret
	csv := "氏名,メールアドレス,郵便番号,カード番号\n山田 太郎,taro@example.com,100-0001,4111 1111 1111 1111\n佐藤 花子,not-an-email,1000001,\n"
	r := c.raw("POST", fmt.Sprintf("/api/v1/cases/%d/people/import?filename=list.csv&mode=partial", own["case"]), "text/csv", []byte(csv))
	var imp struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	decode(t, r, &imp)
	if r.StatusCode != http.StatusAccepted || imp.Status != "queued" {
		t.Fatalf("import: %d %+v", r.StatusCode, imp)
	}
	if err := people.NewService(h.st, h.cases).Run(ctx, imp.ID); err != nil {
		t.Fatal(err)
	}
	code, m := c.json("GET", fmt.Sprintf("/api/v1/imports/%d", imp.ID), "")
	if code != 200 || m["status"] != "done" || m["rows_imported"].(float64) != 1 || m["rows_invalid"].(float64) != 1 || m["pans_masked"].(float64) != 1 {
		t.Fatalf("import result: %d %v", code, m)
	}
	errs := fmt.Sprint(m["errors"])
	if !strings.Contains(errs, "line:3") || !strings.Contains(errs, "email") {
		t.Fatalf("errors do not name line 3 and the e-mail field: %s", errs)
	}
	code, m = c.json("GET", fmt.Sprintf("/api/v1/cases/%d/people?q=taro", own["case"]), "")
	if code != 200 || m["total"].(float64) != 1 || strings.Contains(fmt.Sprint(m), "4111111111111111") {
		t.Fatalf("people: %d %v", code, m)
	}
	browser := h.client()
	browser.login("alice@a.example")
	page := body(t, browser.do("GET", fmt.Sprintf("/imports/%d", imp.ID), nil))
	if !strings.Contains(page, "not-an-email") && !strings.Contains(page, "email") {
		t.Fatal("import page without the row errors")
	}
	if r := browser.post(fmt.Sprintf("/cases/%d/people/import", own["case"]), url.Values{}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("upload without a file: %d", r.StatusCode)
	}
}
