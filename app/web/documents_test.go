package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

// Generate through the API (202), render (the job's work), read status
// and SHA-256, download the PDF, approve as legal through the browser.
func TestDocumentWorkflowOverAPIAndPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	ctx := context.Background()
	own := h.fixtures("org-a", "lee@a.example", "none")
	secret, err := h.auth.IssueTokenFor(ctx, "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	api := h.client()
	api.bearer = secret
	code, m := api.json("POST", fmt.Sprintf("/api/v1/cases/%d/documents", own["case"]), `{"kind":"ppc_preliminary","lang":"ja","fields":{"cause":"調査中"}}`)
	if code != http.StatusAccepted || m["status"] != "queued" {
		t.Fatalf("generate: %d %v", code, m)
	}
	id := int64(m["id"].(float64))
	if code, m := api.json("POST", fmt.Sprintf("/api/v1/cases/%d/documents", own["case"]), `{"kind":"nope","lang":"xx"}`); code != 422 || !strings.Contains(fieldsOf(m), "kind") {
		t.Fatalf("bad kind: %d %v", code, m)
	}
	if err := h.st.InTx(ctx, func(tx *store.Tx) error { return h.drafts.RenderInTx(ctx, tx, id) }); err != nil {
		t.Fatal(err)
	}
	code, m = api.json("GET", fmt.Sprintf("/api/v1/documents/%d", id), "")
	if code != 200 || m["status"] != "draft" || len(fmt.Sprint(m["sha256"])) != 64 {
		t.Fatalf("document: %d %v", code, m)
	}
	req := api.do("GET", fmt.Sprintf("/api/v1/documents/%d/pdf", id), nil)
	pdf, _ := io.ReadAll(req.Body)
	if req.StatusCode != 200 || req.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("pdf: %d %s", req.StatusCode, req.Header.Get("Content-Type"))
	}
	if req.Header.Get("X-Document-SHA256") != m["sha256"] {
		t.Fatal("served PDF hash differs from the stored one")
	}
	browser := h.client()
	browser.login("lee@a.example")
	if page := body(t, browser.do("GET", fmt.Sprintf("/documents/%d", id), nil)); !strings.Contains(page, "/approve") {
		t.Fatal("legal sees no approve button")
	}
	if r := approveAt(browser, fmt.Sprintf("/documents/%d", id)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", r.StatusCode, body(t, r))
	}
	code, m = api.json("GET", fmt.Sprintf("/api/v1/documents/%d", id), "")
	if code != 200 || m["status"] != "approved" {
		t.Fatalf("after approval: %d %v", code, m)
	}
	// Owner (not legal) cannot approve.
	code, m = api.json("POST", fmt.Sprintf("/api/v1/cases/%d/documents", own["case"]), `{"kind":"ppc_final","lang":"en"}`)
	if code != http.StatusAccepted {
		t.Fatalf("generate ppc_final: %d %v", code, m)
	}
	id2 := int64(m["id"].(float64))
	if err := h.st.InTx(ctx, func(tx *store.Tx) error { return h.drafts.RenderInTx(ctx, tx, id2) }); err != nil {
		t.Fatal(err)
	}
	if code, _ := api.json("POST", fmt.Sprintf("/api/v1/documents/%d/approve", id2), ""); code != http.StatusForbidden {
		t.Fatalf("owner approving: %d", code)
	}
}

func TestTemplatePreviewAndSave(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	h.user("bob@b.example", "org-b", auth.RoleOwner)
	own := h.fixtures("org-a", "lee@a.example", "none")
	foreign := h.fixtures("org-b", "bob@b.example", "none")
	c := h.client()
	c.login("lee@a.example")
	tmpl := "# 独自テンプレート {{inline .Case.Reference}}\n\n本文です。"
	r := c.post("/templates/preview", url.Values{"case_id": {fmt.Sprint(own["case"])}, "kind": {"police_memo"}, "lang": {"ja"}, "body": {tmpl}})
	pdf, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("preview: %d %.200s", r.StatusCode, pdf)
	}
	if r := c.post("/templates/preview", url.Values{"case_id": {fmt.Sprint(foreign["case"])}, "kind": {"police_memo"}, "lang": {"ja"}, "body": {tmpl}}); r.StatusCode != http.StatusNotFound {
		t.Fatalf("preview with another organisation's case: %d", r.StatusCode)
	}
	if r := c.post("/templates", url.Values{"kind": {"police_memo"}, "lang": {"ja"}, "body": {"# {{.NoSuchField}}"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("broken template saved: %d", r.StatusCode)
	}
	if r := c.post("/templates", url.Values{"kind": {"police_memo"}, "lang": {"ja"}, "body": {tmpl}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	if page := body(t, c.do("GET", "/templates?kind=police_memo&lang=ja", nil)); !strings.Contains(page, "独自テンプレート") {
		t.Fatal("saved template not shown")
	}
}
