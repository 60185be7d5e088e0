package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

var (
	approveAction = regexp.MustCompile(`action="(/[^"]+/approve)"`)
	approveHash   = regexp.MustCompile(`name="content_sha256" value="([0-9a-f]{64})"`)
)

// approveForm reads the approve form of a page as a browser shows it: its
// action and the content hash it carries.
func approveForm(t *testing.T, c *client, page string) (action, sum string) {
	t.Helper()
	html := body(t, c.do("GET", page, nil))
	a, h := approveAction.FindStringSubmatch(html), approveHash.FindStringSubmatch(html)
	if a == nil || h == nil {
		t.Fatalf("%s has no approve form with a content hash", page)
	}
	return a[1], h[1]
}

// approveAt loads page and submits its approve form, as clicking the
// button does.
func approveAt(c *client, page string) *http.Response {
	c.h.t.Helper()
	action, sum := approveForm(c.h.t, c, page)
	return c.post(action, url.Values{"content_sha256": {sum}})
}

// approveDocument is legal's approval of the document as it is now.
func (h *harness) approveDocument(p *auth.Principal, id int64) error {
	ctx := context.Background()
	d, err := h.drafts.Get(ctx, p, id)
	if err != nil {
		return err
	}
	_, err = h.drafts.Approve(ctx, p, id, d.ContentHash())
	return err
}

// approveNotice is an approval of the notice's latest version as it is now.
func (h *harness) approveNotice(p *auth.Principal, id int64) error {
	ctx := context.Background()
	r, err := h.notices.Review(ctx, p, id)
	if err != nil {
		return err
	}
	_, err = h.notices.Approve(ctx, p, id, r.ContentSHA256)
	return err
}

// sessionJSON calls the API with the client's session (and its CSRF
// token), as a script in the browser would.
func (c *client) sessionJSON(method, path, payload string) (int, map[string]any) {
	c.h.t.Helper()
	c.headers = map[string]string{"X-CSRF-Token": c.csrf()}
	defer func() { c.headers = nil }()
	var raw []byte
	if payload != "" {
		raw = []byte(payload)
	}
	r := c.raw(method, path, "application/json", raw)
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return r.StatusCode, m
}

func hasChangedMessage(page string) bool {
	return strings.Contains(page, "このページを開いた後に公表文") || strings.Contains(page, "The notice changed since you loaded it")
}

// The penetration test's attack (issue 17, finding 4): legal and the
// owner load the notice with its text "SAFE"; a manager then edits it in
// place to "EVIL TITLE"; both approve forms loaded earlier are submitted.
// Each approval names the content its page showed, so both are refused
// with 409, nothing is approved, nothing can be published and the public
// never sees EVIL. An edit that bypasses the text (a new measure) makes
// approvals given before it stale too, over the API as in the browser.
func TestApprovalNamesTheVersionItApproves(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	h.user("mia@a.example", "org-a", auth.RoleManager)
	own := h.fixtures("org-a", "lee@a.example", "none")
	owner, legal, manager, anon := h.client(), h.client(), h.client(), h.client()
	owner.login("alice@a.example")
	legal.login("lee@a.example")
	manager.login("mia@a.example")
	editor := fmt.Sprintf("/notice-drafts/%d", own["notice"])
	var slug string
	h.st.DB.Raw(`SELECT slug FROM notices WHERE id = ?`, own["notice"]).Scan(&slug)

	if r := manager.post(editor, noticeForm("SAFE TITLE", "safe")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	// Both approvers load the page: the same text, the same hash.
	ownerAction, ownerSum := approveForm(t, owner, editor)
	legalAction, legalSum := approveForm(t, legal, editor)
	if ownerSum != legalSum {
		t.Fatalf("two loads of one version show different hashes: %s %s", ownerSum, legalSum)
	}
	// The manager edits the draft in place.
	if r := manager.post(editor, noticeForm("EVIL TITLE", "evil")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.StatusCode)
	}
	for who, c := range map[string]*client{"legal": legal, "owner": owner} {
		action, sum := legalAction, legalSum
		if who == "owner" {
			action, sum = ownerAction, ownerSum
		}
		r := c.post(action, url.Values{"content_sha256": {sum}})
		page := body(t, r)
		if r.StatusCode != http.StatusConflict || !hasChangedMessage(page) {
			t.Fatalf("%s's approval of the text loaded before the edit: %d, want 409 saying the text changed", who, r.StatusCode)
		}
		// The page answering the refusal shows the current text to review,
		// with its own hash.
		if !strings.Contains(page, "EVIL TITLE") || !approveHash.MatchString(page) || approveHash.FindStringSubmatch(page)[1] == sum {
			t.Fatalf("%s is not shown the current version to review", who)
		}
	}
	if r := legal.post(legalAction, url.Values{}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("approval naming no version: %d, want 422", r.StatusCode)
	}
	if n := apptest.Count(t, h.st, `SELECT count(*) FROM notice_versions WHERE legal_approved_at IS NOT NULL OR owner_approved_at IS NOT NULL`); n != 0 {
		t.Fatalf("%d approvals recorded for text nobody approved", n)
	}
	for _, c := range []*client{legal, owner, manager} {
		if r := c.post(editor+"/publish", nil); r.StatusCode != http.StatusConflict {
			t.Fatalf("publish without approvals of the current text: %d", r.StatusCode)
		}
	}
	if r := anon.do("GET", "/notices/"+slug, nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("public page: %d, want 404", r.StatusCode)
	}

	// Back to SAFE, approved by both; then a measure is added without
	// saving the text. The approvals were for other content: publishing is
	// refused and the page says they are stale.
	if r := manager.post(editor, noticeForm("SAFE TITLE", "safe")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	for _, c := range []*client{owner, legal} {
		if r := approveAt(c, editor); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("approval of the current text: %d %s", r.StatusCode, body(t, r))
		}
	}
	_, approvedSum := approveForm(t, owner, editor)
	if r := manager.post(fmt.Sprintf("/cases/%d/measures", own["case"]), url.Values{"title_ja": {"MEASURE ADDED AFTER APPROVAL"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("measure: %d", r.StatusCode)
	}
	if r := manager.post(editor+"/publish", nil); r.StatusCode != http.StatusConflict {
		t.Fatalf("publish after a measure changed what was approved: %d", r.StatusCode)
	}
	if page := body(t, manager.do("GET", editor, nil)); !strings.Contains(page, "改めて承認してください") && !strings.Contains(page, "approve again") {
		t.Fatal("the editor does not say the approvals are stale")
	}
	if r := anon.do("GET", "/notices/"+slug, nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("public page: %d, want 404", r.StatusCode)
	}

	// The API: the review names the current hash; an approval must send it.
	apiPath := fmt.Sprintf("/api/v1/notices/%d", own["notice"])
	code, m := owner.sessionJSON("GET", apiPath, "")
	rv, _ := m["review"].(map[string]any)
	current, _ := rv["content_sha256"].(string)
	if code != 200 || len(current) != 64 || current == approvedSum || rv["owner_stale"] != true || rv["owner_approved"] != false {
		t.Fatalf("review: %d %v", code, rv)
	}
	if code, m := owner.sessionJSON("POST", apiPath+"/approve", `{"content_sha256":"`+approvedSum+`"}`); code != http.StatusConflict || !strings.Contains(fmt.Sprint(m["detail"]), "changed since you loaded it") {
		t.Fatalf("API approval of the old content: %d %v", code, m)
	}
	if code, m := owner.sessionJSON("POST", apiPath+"/approve", ""); code != http.StatusUnprocessableEntity || !strings.Contains(fieldsOf(m), "content_sha256") {
		t.Fatalf("API approval naming no version: %d %v", code, m)
	}
	if code, m := owner.sessionJSON("POST", apiPath+"/approve", `{"content_sha256":"`+current+`"}`); code != 200 {
		t.Fatalf("API approval of the current content: %d %v", code, m)
	}
	if r := approveAt(legal, editor); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("legal's approval: %d", r.StatusCode)
	}
	if r := legal.post(editor+"/publish", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", r.StatusCode, body(t, r))
	}
	page := body(t, anon.do("GET", "/notices/"+slug, nil))
	if !strings.Contains(page, "SAFE TITLE") || !strings.Contains(page, "MEASURE ADDED AFTER APPROVAL") || strings.Contains(page, "EVIL") {
		t.Fatal("the public page is not the version both approved")
	}
}

// A prevention measure added or changed after publication changes nothing
// public: the page, the PDF and the feed show the published version as it
// was approved, until a new version (第2報) is saved, approved by both and
// published. The editor says the measures changed since.
func TestPublicNoticeIsTheFrozenApprovedVersion(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	h.user("mia@a.example", "org-a", auth.RoleManager)
	own := h.fixtures("org-a", "lee@a.example", "none") // with the measure WAFの導入, planned
	owner, legal, manager, anon := h.client(), h.client(), h.client(), h.client()
	owner.login("alice@a.example")
	legal.login("lee@a.example")
	manager.login("mia@a.example")
	editor := fmt.Sprintf("/notice-drafts/%d", own["notice"])
	var slug string
	h.st.DB.Raw(`SELECT slug FROM notices WHERE id = ?`, own["notice"]).Scan(&slug)
	publish := func(marker string) {
		t.Helper()
		if r := manager.post(editor, noticeForm("お詫びとお知らせ "+marker, marker)); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("save %s: %d", marker, r.StatusCode)
		}
		for _, c := range []*client{owner, legal} {
			if r := approveAt(c, editor); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("approve %s: %d", marker, r.StatusCode)
			}
		}
		if r := manager.post(editor+"/publish", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish %s: %d %s", marker, r.StatusCode, body(t, r))
		}
	}
	pdfOf := func(version int) []byte {
		t.Helper()
		r := anon.do("GET", fmt.Sprintf("/notices/%s/v/%d/pdf", slug, version), nil)
		b, _ := io.ReadAll(r.Body)
		if r.StatusCode != 200 || !strings.HasPrefix(string(b), "%PDF") {
			t.Fatalf("PDF of version %d: %d", version, r.StatusCode)
		}
		return b
	}
	publish("v1")
	page1, pdf1 := body(t, anon.do("GET", "/notices/"+slug, nil)), pdfOf(1)
	if !strings.Contains(page1, "WAFの導入") || !strings.Contains(page1, "実施予定") {
		t.Fatal("published measure missing")
	}
	if page := body(t, manager.do("GET", editor, nil)); strings.Contains(page, `id="measures-changed"`) {
		t.Fatal("the editor says measures changed when none did")
	}

	// After publication: a new measure, and the old one marked done.
	if r := manager.post(fmt.Sprintf("/cases/%d/measures", own["case"]), url.Values{"title_ja": {"LATE MEASURE 二要素認証"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("measure: %d", r.StatusCode)
	}
	if r := manager.post(fmt.Sprintf("/cases/%d/measures/%d", own["case"], own["measure"]), url.Values{"status": {"done"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("measure status: %d", r.StatusCode)
	}
	page := body(t, anon.do("GET", "/notices/"+slug, nil))
	if strings.Contains(page, "LATE MEASURE") || strings.Contains(page, "実施済み") || !strings.Contains(page, "実施予定") {
		t.Fatal("a measure changed after publication shows on the public page without approval")
	}
	if pdf := pdfOf(1); string(pdf) != string(pdf1) || strings.Contains(apptest.PDFText(t, pdf), "LATE MEASURE") {
		t.Fatal("the published PDF changed")
	}
	if page := body(t, manager.do("GET", editor, nil)); !strings.Contains(page, `id="measures-changed"`) {
		t.Fatal("the editor does not say the measures changed since the published version")
	}
	// The next version, saved but not yet approved, changes nothing public.
	if r := manager.post(editor, noticeForm("お詫びとお知らせ v2", "v2")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save v2: %d", r.StatusCode)
	}
	if page := body(t, anon.do("GET", "/notices/"+slug, nil)); strings.Contains(page, "LATE MEASURE") || strings.Contains(page, "本文 background v2") {
		t.Fatal("an unapproved version shows on the public page")
	}
	// Approved by both and published, it shows the measures as approved.
	for _, c := range []*client{owner, legal} {
		if r := approveAt(c, editor); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve v2: %d", r.StatusCode)
		}
	}
	if r := manager.post(editor+"/publish", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish v2: %d", r.StatusCode)
	}
	page = body(t, anon.do("GET", "/notices/"+slug, nil))
	if !strings.Contains(page, "LATE MEASURE") || !strings.Contains(page, "実施済み") || !strings.Contains(page, "本文 background v2") {
		t.Fatal("the second version does not show its measures")
	}
	if text := apptest.PDFText(t, pdfOf(2)); !strings.Contains(text, "LATE MEASURE") {
		t.Fatal("the second version's PDF lacks its measures")
	}
	if old := body(t, anon.do("GET", "/notices/"+slug+"/v/1", nil)); strings.Contains(old, "LATE MEASURE") || strings.Contains(old, "実施済み") {
		t.Fatal("the first version changed with the second")
	}
	// Measures changed after v2 again: the note is back, the public is not.
	if r := manager.post(fmt.Sprintf("/cases/%d/measures", own["case"]), url.Values{"title_ja": {"EVEN LATER MEASURE"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("measure: %d", r.StatusCode)
	}
	if page := body(t, anon.do("GET", "/notices/"+slug, nil)); strings.Contains(page, "EVEN LATER MEASURE") {
		t.Fatal("a measure added after publication shows at once")
	}
	// Nothing changes a published version behind the service's back.
	if err := h.st.DB.Exec(`UPDATE notice_versions SET title_ja = 'EVIL TITLE' WHERE notice_id = ? AND version = 1`, own["notice"]).Error; err == nil {
		t.Fatal("a published version was changed in place")
	}
	if err := h.st.DB.Exec(`UPDATE notice_versions SET measures = '[]' WHERE notice_id = ? AND version = 2`, own["notice"]).Error; err == nil {
		t.Fatal("a published version's measures were changed in place")
	}
}

// Legal's approval of a document names its content: a hash of other
// content (another version, or this one changed since the page was
// loaded) is refused with 409 in the browser and over the API; the
// approved PDF is rendered from exactly the content approved.
func TestDocumentApprovalNamesItsContent(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice := h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	own := h.fixtures("org-a", "lee@a.example", "none")
	ctx := context.Background()
	p := h.principalIn(alice, "org-a", auth.RoleOwner)
	legal := h.client()
	legal.login("lee@a.example")
	render := func(id int64) {
		t.Helper()
		if err := h.st.InTx(ctx, func(tx *store.Tx) error { return h.drafts.RenderInTx(ctx, tx, id) }); err != nil {
			t.Fatal(err)
		}
	}
	render(own["document"])
	page := fmt.Sprintf("/documents/%d", own["document"])
	action, sum := approveForm(t, legal, page)

	// The content changes after legal loaded the page (an in-place edit
	// behind the service's back): the approval is refused.
	if err := h.st.DB.Exec(`UPDATE documents SET composed = composed || E'\n\nEVIL PARAGRAPH' WHERE id = ?`, own["document"]).Error; err != nil {
		t.Fatal(err)
	}
	r := legal.post(action, url.Values{"content_sha256": {sum}})
	if html := body(t, r); r.StatusCode != http.StatusConflict || (!strings.Contains(html, "このページを開いた後に文書が変更されました") && !strings.Contains(html, "The document changed since you loaded this page")) {
		t.Fatalf("approval of changed content: %d, want 409 saying it changed", r.StatusCode)
	}
	// Reloading does not help: the row is not the content it was rendered as.
	if r := approveAt(legal, page); r.StatusCode != http.StatusConflict {
		t.Fatalf("approval of a document changed in place: %d, want 409", r.StatusCode)
	}
	if n := apptest.Count(t, h.st, `SELECT count(*) FROM documents WHERE status = 'approved'`); n != 0 {
		t.Fatalf("%d documents approved", n)
	}

	// Two versions: the hash of one does not approve the other, over the
	// API either.
	v1, err := h.drafts.Generate(ctx, p, own["case"], "ppc_preliminary", "ja", map[string]string{"cause": "第一版の原因"})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := h.drafts.Regenerate(ctx, p, v1.ID, map[string]string{"cause": "第二版の原因"})
	if err != nil {
		t.Fatal(err)
	}
	render(v1.ID)
	render(v2.ID)
	_, sum1 := approveForm(t, legal, fmt.Sprintf("/documents/%d", v1.ID))
	_, sum2 := approveForm(t, legal, fmt.Sprintf("/documents/%d", v2.ID))
	if sum1 == sum2 {
		t.Fatal("two versions with one hash")
	}
	api := fmt.Sprintf("/api/v1/documents/%d", v2.ID)
	if code, m := legal.sessionJSON("GET", api, ""); code != 200 || m["content_sha256"] != sum2 {
		t.Fatalf("document over the API: %d %v", code, m)
	}
	if code, m := legal.sessionJSON("POST", api+"/approve", `{"content_sha256":"`+sum1+`"}`); code != http.StatusConflict {
		t.Fatalf("approving version 2 with version 1's hash: %d %v", code, m)
	}
	if code, m := legal.sessionJSON("POST", api+"/approve", ""); code != http.StatusUnprocessableEntity || !strings.Contains(fieldsOf(m), "content_sha256") {
		t.Fatalf("approval naming no content: %d %v", code, m)
	}
	// The organisation renames itself before the approval: the approved
	// PDF still shows what legal read.
	h.st.DB.Exec(`UPDATE organisations SET legal_name = 'RENAMED AFTER REVIEW K.K.' WHERE slug = 'org-a'`)
	code, m := legal.sessionJSON("POST", api+"/approve", `{"content_sha256":"`+sum2+`"}`)
	if code != 200 || m["status"] != "approved" || m["approved_content_sha256"] != sum2 {
		t.Fatalf("approval of the content shown: %d %v", code, m)
	}
	final, err := h.drafts.PDF(ctx, p, v2.ID)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(apptest.PDFText(t, final.PDF)), "")
	if !strings.Contains(text, "第二版の原因") || strings.Contains(text, "第一版の原因") || strings.Contains(text, "RENAMED") {
		t.Fatal("the approved PDF is not the content approved")
	}
	// Approved, it never changes.
	if err := h.st.DB.Exec(`UPDATE documents SET composed = 'EVIL' WHERE id = ?`, v2.ID).Error; err == nil {
		t.Fatal("an approved document was changed in place")
	}
}
