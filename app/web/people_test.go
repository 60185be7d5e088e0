package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
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
	secret, _ := h.auth.IssueTokenFor(ctx, "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
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
	if err := people.NewService(h.st, h.clk, h.cases).Run(ctx, imp.ID); err != nil {
		t.Fatal(err)
	}
	code, m := c.json("GET", fmt.Sprintf("/api/v1/imports/%d", imp.ID), "")
	if code != 200 || m["status"] != "done" || m["rows_imported"].(float64) != 1 || m["rows_invalid"].(float64) != 1 || m["pans_masked"].(float64) != 1 {
		t.Fatalf("import result: %d %v", code, m)
	}
	errs := fmt.Sprint(m["errors"])
	if !strings.Contains(errs, "line:3") || !strings.Contains(errs, "field:email") ||
		!strings.Contains(errs, "code:validation.row_email") || !strings.Contains(errs, "reason:is not a valid e-mail address") {
		t.Fatalf("errors do not name line 3, the e-mail field, its code and an English reason: %s", errs)
	}
	code, m = c.json("GET", fmt.Sprintf("/api/v1/cases/%d/people?q=taro", own["case"]), "")
	if code != 200 || m["total"].(float64) != 1 || strings.Contains(fmt.Sprint(m), "4111111111111111") {
		t.Fatalf("people: %d %v", code, m)
	}
	browser := h.client()
	browser.login("alice@a.example")
	// The page says the row error in the reader's language, and never
	// repeats the cell (it may be personal data).
	for lang, want := range map[string]string{"ja": "メールアドレスの形式ではありません", "en": "is not a valid e-mail address"} {
		browser.post("/settings/language", url.Values{"language": {lang}})
		page := body(t, browser.do("GET", fmt.Sprintf("/imports/%d", imp.ID), nil))
		if !strings.Contains(page, want) || strings.Contains(page, "not-an-email") {
			t.Errorf("[%s] import page: want the row error %q and not the cell", lang, want)
		}
	}
	if r := browser.post(fmt.Sprintf("/cases/%d/people/import", own["case"]), url.Values{}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("upload without a file: %d", r.StatusCode)
	}
}

// mappingForm is the people import form as a browser posts it.
func mappingForm(t *testing.T, csrf, csv, mapping string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", csrf)
	_ = w.WriteField("mode", "partial")
	_ = w.WriteField("mapping", mapping)
	fw, err := w.CreateFormFile("file", "list.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(csv))
	_ = w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func TestPeopleImportFormTakesAnExplicitMapping(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	own := h.fixtures("org-a", "alice@a.example", "none")
	c := h.client()
	c.login("alice@a.example")
	path := fmt.Sprintf("/cases/%d/people/import", own["case"])
	// Neither header is in the synonym table: without a mapping the file
	// is refused and the page says so next to the mapping field.
	csv := "お客様のお名前,ご連絡先アドレス\n山田 太郎,taro@example.com\n"
	ct, b := mappingForm(t, c.csrf(), csv, "")
	page := body(t, c.raw("POST", path, ct, b))
	if !strings.Contains(page, `id="p-mapping-error"`) || !strings.Contains(page, "<details open>") {
		t.Fatalf("unmapped file: no error under the mapping field:\n%s", page)
	}
	// A wrong field and a missing column are both named, and what the
	// user typed is shown again.
	ct, b = mappingForm(t, c.csrf(), csv, "お客様のお名前 = nom\n存在しない列 = email\n")
	r := c.raw("POST", path, ct, b)
	page = body(t, r)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "“お客様のお名前”: 不明な項目です") ||
		!strings.Contains(page, "“存在しない列”: ファイルの見出し行にこの列はありません") || !strings.Contains(page, "お客様のお名前 = nom") {
		t.Fatalf("bad mapping: %d\n%s", r.StatusCode, page)
	}
	ct, b = mappingForm(t, c.csrf(), csv, "oops")
	if page = body(t, c.raw("POST", path, ct, b)); !strings.Contains(page, "1行目") {
		t.Fatalf("a mapping line without = is not named:\n%s", page)
	}
	ct, b = mappingForm(t, c.csrf(), csv, "お客様のお名前 = name\r\nご連絡先アドレス = email\r\n")
	r = c.raw("POST", path, ct, b)
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/imports/") {
		t.Fatalf("mapped upload: %d %s", r.StatusCode, body(t, r))
	}
	var id int64
	fmt.Sscanf(r.Header.Get("Location"), "/imports/%d", &id)
	if err := people.NewService(h.st, h.clk, h.cases).Run(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	var got struct{ Name, Email string }
	if err := h.st.DB.Raw(`SELECT name, email FROM people WHERE case_id = ?`, own["case"]).Scan(&got).Error; err != nil || got.Name != "山田 太郎" || got.Email != "taro@example.com" {
		t.Fatalf("mapped person: %+v %v", got, err)
	}
}
