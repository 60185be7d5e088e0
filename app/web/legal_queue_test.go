package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

// Legal has a queue of the documents waiting for approval, the newest
// version of each only; a version a newer one replaced cannot be approved
// (409), even with its own content hash; once approved, the queue is
// empty. Only legal's navigation links to it.
func TestLegalQueueAndStaleVersions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice := h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	own := h.fixtures("org-a", "lee@a.example", "none")
	ctx := context.Background()
	p := h.principalIn(alice, "org-a", auth.RoleOwner)
	render := func(id int64) {
		t.Helper()
		if err := h.st.InTx(ctx, func(tx *store.Tx) error { return h.drafts.RenderInTx(ctx, tx, id) }); err != nil {
			t.Fatal(err)
		}
	}
	render(own["document"]) // the fixture's document, waiting too
	v1, err := h.drafts.Generate(ctx, p, own["case"], "ppc_preliminary", "ja", map[string]string{"cause": "第一版"})
	if err != nil {
		t.Fatal(err)
	}
	render(v1.ID)
	v2, err := h.drafts.Regenerate(ctx, p, v1.ID, map[string]string{"cause": "第二版"})
	if err != nil {
		t.Fatal(err)
	}
	render(v2.ID)

	legal := h.client()
	legal.login("lee@a.example")
	c := h.client()
	c.login("alice@a.example")
	if page := body(t, c.do("GET", "/", nil)); strings.Contains(page, `href="/approvals"`) {
		t.Error("the owner's navigation links to legal's queue")
	}
	page := body(t, legal.do("GET", "/approvals", nil))
	if !strings.Contains(page, fmt.Sprintf(`href="/documents/%d"`, v2.ID)) || strings.Contains(page, fmt.Sprintf(`href="/documents/%d"`, v1.ID)) {
		t.Fatalf("the queue should list version 2 and not version 1:\n%s", page)
	}
	if !strings.Contains(page, fmt.Sprintf(`href="/documents/%d"`, own["document"])) || !strings.Contains(page, `href="/approvals" aria-current="page"`) {
		t.Fatal("the queue lacks the fixture's document, or legal's navigation lacks the queue")
	}
	action, sum := approveForm(t, legal, fmt.Sprintf("/documents/%d", v1.ID))
	if r := legal.post(action, url.Values{"content_sha256": {sum}}); r.StatusCode != http.StatusConflict || !strings.Contains(body(t, r), "置き換えられています") {
		t.Fatalf("approving the replaced version 1: %d, want 409 saying it was replaced", r.StatusCode)
	}
	for _, id := range []int64{v2.ID, own["document"]} {
		if r := approveAt(legal, fmt.Sprintf("/documents/%d", id)); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("approving document %d: %d", id, r.StatusCode)
		}
	}
	if page := body(t, legal.do("GET", "/approvals", nil)); !strings.Contains(page, "承認待ちの文書はありません") {
		t.Fatal("the queue is not empty after the approvals")
	}
	if code, m := legal.sessionJSON("GET", "/api/v1/approvals", ""); code != 200 || fmt.Sprint(m["documents"]) != "[]" {
		t.Fatalf("queue over the API: %d %v", code, m)
	}
}
