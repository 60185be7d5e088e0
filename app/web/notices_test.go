package web_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/timeline"
)

func noticeForm(title, marker string) url.Values {
	f := url.Values{"title_ja": {title}, "title_en": {"Notice " + marker}}
	for _, k := range notices.Sections {
		f.Set("section_"+k+"_ja", "本文 "+k+" "+marker)
		f.Set("section_"+k+"_en", "Text "+k+" "+marker)
	}
	return f
}

// Unpublished → 404; approvals by legal and owner → publish → 200 with
// every section; a second report shows its update line and the first
// stays readable; nothing internal leaks; fields are escaped.
func TestNoticePublicationJourney(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	ctx := context.Background()
	own := h.fixtures("org-a", "lee@a.example", "none")
	caseID := own["case"]

	// Internal data that must never reach the public page.
	alice, _ := h.auth.UserByEmail(ctx, "alice@a.example")
	org, _ := h.auth.OrganisationBySlug(ctx, "org-a")
	p := auth.Principal{User: alice, Organisation: org, Role: auth.RoleOwner}
	secretTask := "INTERNAL-TASK-rotate-db-password-zq81"
	if _, err := h.cases.AddTask(ctx, &p, caseID, cases.NewTask{Title: secretTask}); err != nil {
		t.Fatal(err)
	}
	if _, err := timeline.AddManual(ctx, h.st, &p, caseID, h.clk.Now().Add(-time.Hour), "call from victim-person@example.com about INTERNAL-NOTE-77"); err != nil {
		t.Fatal(err)
	}
	h.st.DB.Exec(`UPDATE cases SET summary = 'contact person-42@example.net INTERNAL-SUMMARY' WHERE id = ?`, caseID)

	owner := h.client()
	owner.login("alice@a.example")
	legal := h.client()
	legal.login("lee@a.example")
	anon := h.client()

	r := owner.post(fmt.Sprintf("/cases/%d/notices", caseID), url.Values{"slug": {"shop-a-breach"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.StatusCode, body(t, r))
	}
	editor := r.Header.Get("Location")
	if r := anon.do("GET", "/notices/shop-a-breach", nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unpublished notice: %d, want 404", r.StatusCode)
	}
	xss := `<script>alert("x")</script>`
	form := noticeForm("お詫びとお知らせ "+xss, "v1")
	form.Set("section_cause_ja", "原因 "+xss)
	if r := owner.post(editor, form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, body(t, r))
	}
	// Publishing needs both approvals.
	if r := owner.post(editor+"/publish", nil); r.StatusCode != http.StatusConflict {
		t.Fatalf("publish without approvals: %d", r.StatusCode)
	}
	if r := approveAt(owner, editor); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve as owner: %d", r.StatusCode)
	}
	if r := owner.post(editor+"/publish", nil); r.StatusCode != http.StatusConflict {
		t.Fatalf("publish with the owner's approval only: %d", r.StatusCode)
	}
	if r := approveAt(legal, editor); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve as legal: %d", r.StatusCode)
	}
	if r := legal.post(editor+"/publish", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", r.StatusCode, body(t, r))
	}
	r = anon.do("GET", "/notices/shop-a-breach", nil)
	page := body(t, r)
	if r.StatusCode != 200 || !strings.Contains(page, `lang="ja"`) {
		t.Fatalf("published notice: %d", r.StatusCode)
	}
	for _, k := range notices.Sections {
		if !strings.Contains(page, notices.SectionTitles[k].JA) || !strings.Contains(page, "本文 "+k+" v1") && k != "cause" {
			t.Errorf("section %s missing", k)
		}
	}
	if strings.Contains(page, "<script>") || !strings.Contains(page, "&lt;script&gt;") {
		t.Error("a <script> in a field is not shown as text")
	}
	for _, secret := range []string{secretTask, "victim-person@example.com", "INTERNAL-NOTE-77", "person-42@example.net", "INTERNAL-SUMMARY", "lee@a.example", "alice@a.example", "/static/app.css"} {
		if strings.Contains(page, secret) {
			t.Errorf("public page shows internal data %q", secret)
		}
	}
	if !strings.Contains(page, "WAFの導入") {
		t.Error("prevention measure with its status missing")
	}
	en := body(t, anon.do("GET", "/notices/shop-a-breach?lang=en", nil))
	if !strings.Contains(en, `lang="en"`) || !strings.Contains(en, "Text cause") && !strings.Contains(en, "Text background v1") {
		t.Error("English version missing")
	}
	// Second report.
	form2 := noticeForm("お詫びとお知らせ（第2報）", "v2")
	form2.Set("update_line_ja", "2026年12月1日 第2報：調査結果を追記しました")
	if r := owner.post(editor, form2); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save v2: %d", r.StatusCode)
	}
	if p := body(t, anon.do("GET", "/notices/shop-a-breach", nil)); strings.Contains(p, "第2報：調査結果") {
		t.Fatal("unapproved second report is already public")
	}
	if r := approveAt(owner, editor); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve as owner: %d", r.StatusCode)
	}
	if r := approveAt(legal, editor); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve as legal: %d", r.StatusCode)
	}
	if r := legal.post(editor+"/publish", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish v2: %d", r.StatusCode)
	}
	page = body(t, anon.do("GET", "/notices/shop-a-breach", nil))
	if !strings.Contains(page, "2026年12月1日 第2報：調査結果を追記しました") || !strings.Contains(page, "本文 background v2") {
		t.Fatal("second report without its update line")
	}
	first := body(t, anon.do("GET", "/notices/shop-a-breach/v/1", nil))
	if !strings.Contains(first, "本文 background v1") || !strings.Contains(first, "過去の版") {
		t.Fatal("first report not readable")
	}
	r = anon.do("GET", "/notices/shop-a-breach/v/1/pdf", nil)
	pdf, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("PDF of version 1: %d", r.StatusCode)
	}
	r = anon.do("GET", "/orgs/org-a/notices.atom", nil)
	var feed struct {
		Entries []struct {
			ID string `xml:"id"`
		} `xml:"entry"`
	}
	if err := xml.NewDecoder(r.Body).Decode(&feed); err != nil || len(feed.Entries) != 2 {
		t.Fatalf("atom feed: %v %d entries", err, len(feed.Entries))
	}
	// Unpublishing keeps the record but the public gets 404.
	if r := legal.post(editor+"/unpublish", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("unpublish: %d", r.StatusCode)
	}
	if r := anon.do("GET", "/notices/shop-a-breach", nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unpublished: %d", r.StatusCode)
	}
	var versions int64
	h.st.DB.Raw(`SELECT count(*) FROM notice_versions`).Scan(&versions)
	if versions < 2 {
		t.Fatalf("versions kept: %d", versions)
	}
}

// PUT replaces a notice's whole text: sections left out or null are
// refused with a 422 naming the field (before anything reaches the
// database, where they would break a NOT NULL column), and so is a
// missing title; with them the text is saved. The new notice is made
// through the API, once without a body (the default address) and once
// with a slug.
func TestNoticePutWithoutSectionsNamesTheField(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	ctx := context.Background()
	secret, err := h.auth.IssueTokenFor(ctx, "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	api := h.client()
	api.bearer = secret
	code, m := api.json("POST", "/api/v1/cases", `{"title":"Notice case","aware_at":"`+h.clk.Now().Add(-48*time.Hour).Format(time.RFC3339)+`","incident_type":"other"}`)
	if code != http.StatusCreated {
		t.Fatalf("create case: %d %v", code, m)
	}
	caseID := int64(m["case"].(map[string]any)["id"].(float64))
	code, m = api.json("POST", fmt.Sprintf("/api/v1/cases/%d/notices", caseID), "")
	if code != http.StatusCreated || !strings.HasPrefix(fmt.Sprint(m["public_url"]), "/notices/org-a-") {
		t.Fatalf("create a notice without a body: %d %v", code, m)
	}
	code, m = api.json("POST", fmt.Sprintf("/api/v1/cases/%d/notices", caseID), `{"slug":"shop-a-second"}`)
	if code != http.StatusCreated || m["public_url"] != "/notices/shop-a-second" {
		t.Fatalf("create a notice with a slug: %d %v", code, m)
	}
	path := fmt.Sprintf("/api/v1/notices/%d", int64(m["notice"].(map[string]any)["id"].(float64)))

	codes := func(m map[string]any) map[string]string {
		out := map[string]string{}
		errs, _ := m["errors"].([]any)
		for _, e := range errs {
			if f, ok := e.(map[string]any); ok {
				out[fmt.Sprint(f["field"])] = fmt.Sprint(f["code"])
			}
		}
		return out
	}
	// Left out, sections are required; null is refused as null.
	for name, tc := range map[string]struct{ payload, code string }{
		"without sections": {`{"title_ja":"お詫びとお知らせ","title_en":"Notice"}`, "validation.required"},
		"sections null":    {`{"title_ja":"お詫びとお知らせ","sections":null}`, "validation.json_null"},
	} {
		code, m := api.json("PUT", path, tc.payload)
		if got := codes(m); code != http.StatusUnprocessableEntity || got["sections"] != tc.code || len(got) != 1 {
			t.Errorf("PUT %s: %d %v, want 422 naming sections (%s)", name, code, m, tc.code)
		}
	}
	if code, m := api.json("PUT", path, `{"title_en":"Notice"}`); code != http.StatusUnprocessableEntity || fieldsOf(m) != "title_ja,sections" {
		t.Errorf("PUT without title or sections: %d %v, want 422 naming both", code, m)
	}
	code, m = api.json("GET", path, "")
	if v, _ := m["review"].(map[string]any)["version"].(map[string]any); code != http.StatusOK || v["title_ja"] == "お詫びとお知らせ" {
		t.Fatalf("the refused PUTs changed the notice: %d %v", code, m)
	}
	code, m = api.json("PUT", path, `{"title_ja":"お詫びとお知らせ","sections":{"background":{"ja":"経緯の本文","en":"What happened"}}}`)
	v, _ := m["version"].(map[string]any)
	sections, _ := v["sections"].(map[string]any)
	if code != http.StatusOK || v["title_ja"] != "お詫びとお知らせ" || sections["background"].(map[string]any)["ja"] != "経緯の本文" {
		t.Fatalf("PUT with sections: %d %v", code, m)
	}
}
