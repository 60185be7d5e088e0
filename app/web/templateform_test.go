package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
)

// The templates page gives legal a form over the template's wording
// (issue 21, item 6): a textarea per text block with its label, the
// placeholders with their meaning, a PDF preview, and a save that makes
// a new version of the organisation's template; a placeholder typo is a
// 422 naming the block and the placeholder; the raw editor stays, under
// a developers' <details>; a manager (who may preview but not edit
// templates) is refused the save, as with the raw editor.
func TestTemplateWordingForm(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	h.user("max@a.example", "org-a", auth.RoleManager)
	h.user("bob@b.example", "org-b", auth.RoleOwner)
	own := h.fixtures("org-a", "lee@a.example", "none")
	foreign := h.fixtures("org-b", "bob@b.example", "none")
	c := h.client()
	c.login("lee@a.example")

	page := body(t, c.do("GET", "/templates?kind=customer_letter_sample&lang=ja", nil))
	for _, want := range []string{`action="/templates/blocks"`, `name="block_opening"`, `name="block_closing"`, "冒頭のお詫びとお知らせの文", "このたび、弊社が運営するサイトにおいて",
		"[[事業者の名称]]", "組織の正式名称", `formaction="/templates/blocks/preview"`, "<details", "開発者向け: テンプレートを直接編集", `name="body"`} {
		if !strings.Contains(page, want) {
			t.Errorf("templates page lacks %q", want)
		}
	}

	form := func(texts map[string]string, caseID int64) url.Values {
		v := url.Values{"kind": {"customer_letter_sample"}, "lang": {"ja"}, "case_id": {fmt.Sprint(caseID)}}
		for k, s := range texts {
			v.Set("block_"+k, s)
		}
		return v
	}
	// A typo: 422, the form again with the text as typed and the error
	// naming the block and the placeholder.
	typo := map[string]string{"opening": "[[事業社の名称]]よりお知らせします。"}
	for _, path := range []string{"/templates/blocks", "/templates/blocks/preview"} {
		r := c.post(path, form(typo, own["case"]))
		page = body(t, r)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="tb-opening-error"`) ||
			!strings.Contains(page, "「冒頭のお詫びとお知らせの文」に不明な差し込み項目 [[事業社の名称]] があります") || !strings.Contains(page, "[[事業社の名称]]よりお知らせします。</textarea>") {
			t.Fatalf("%s with a typo: %d\n%s", path, r.StatusCode, page)
		}
	}

	// Preview: a PDF of the case, nothing saved; not with another
	// organisation's case.
	good := map[string]string{"opening": "## 見出しではない\n[[事業者の名称]]よりお知らせします。", "closing": "以上"}
	r := c.post("/templates/blocks/preview", form(good, own["case"]))
	pdf, _ := io.ReadAll(r.Body)
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("preview: %d %.300s", r.StatusCode, pdf)
	}
	if r := c.post("/templates/blocks/preview", form(good, foreign["case"])); r.StatusCode != http.StatusNotFound {
		t.Fatalf("preview with another organisation's case: %d", r.StatusCode)
	}
	var versions int64
	h.st.DB.Raw(`SELECT count(*) FROM template_overrides`).Scan(&versions)
	if versions != 0 {
		t.Fatalf("preview or refused saves stored %d versions", versions)
	}

	// A manager may preview but not save.
	m := h.client()
	m.login("max@a.example")
	if page := body(t, m.do("GET", "/templates?kind=customer_letter_sample&lang=ja", nil)); strings.Contains(page, "文章を保存") {
		t.Error("a manager is offered the save button")
	}
	if r := m.post("/templates/blocks", form(good, own["case"])); r.StatusCode != http.StatusForbidden {
		t.Fatalf("manager saving: %d", r.StatusCode)
	}

	// Save: a new version, shown on the form, with the raw editor's body.
	if r := c.post("/templates/blocks", form(good, own["case"])); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, body(t, r))
	}
	page = body(t, c.do("GET", "/templates?kind=customer_letter_sample&lang=ja", nil))
	if !strings.Contains(page, "組織独自のテンプレート") || !strings.Contains(page, "## 見出しではない\n[[事業者の名称]]よりお知らせします。</textarea>") ||
		!strings.Contains(page, `以上</textarea>`) || !strings.Contains(page, `{{.Text &#34;opening&#34; &#34;## 見出しではない\n[[事業者の名称]]よりお知らせします。&#34;}}`) {
		t.Fatalf("saved wording not shown:\n%s", page)
	}

	// The raw editor still saves; the form then shows what it wrote.
	raw := "# 独自のお知らせ {{inline .Case.Reference}}\n\n{{.Text \"opening\" \"生の編集で書いた冒頭\"}}\n"
	if r := c.post("/templates", url.Values{"kind": {"customer_letter_sample"}, "lang": {"ja"}, "body": {raw}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("raw save: %d", r.StatusCode)
	}
	page = body(t, c.do("GET", "/templates?kind=customer_letter_sample&lang=ja", nil))
	if !strings.Contains(page, "生の編集で書いた冒頭</textarea>") || strings.Contains(page, `name="block_closing"`) {
		t.Fatalf("the form does not follow the raw edit:\n%s", page)
	}
	// A raw edit that does not execute is refused on the raw editor, left
	// open.
	r = c.post("/templates", url.Values{"kind": {"customer_letter_sample"}, "lang": {"ja"}, "body": {"{{.Text \"opening\" \"[[Nope]]\"}}"}})
	page = body(t, r)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="t-body-error"`) || !strings.Contains(page, `<details class="raw-template" open>`) {
		t.Fatalf("broken raw template: %d\n%s", r.StatusCode, page)
	}
	h.st.DB.Raw(`SELECT count(*) FROM template_overrides`).Scan(&versions)
	if versions != 2 {
		t.Fatalf("%d versions, want 2", versions)
	}
	// A template without blocks opens the raw editor and says so.
	page = body(t, c.do("GET", "/templates?kind=police_memo&lang=ja", nil))
	if !strings.Contains(page, "ここで編集できる文章がありません") || !strings.Contains(page, `<details class="raw-template" open>`) {
		t.Fatalf("police memo page:\n%s", page)
	}
}
