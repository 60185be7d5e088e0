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

// Legal's review in the browser (issue 19, item 5): the document page shows
// the content before the approve button, warns of the items still not
// known, and offers send-back with a comment; the queue counts the
// unfilled items, and a draft sent back leaves it with its comment shown.
func TestLegalReviewsAndSendsBack(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice := h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	own := h.fixtures("org-a", "lee@a.example", "none")
	ctx := context.Background()
	// An organisation whose address was never entered: the report would
	// print 所在地 as not known.
	h.st.DB.Exec(`UPDATE organisations SET address = '' WHERE slug = 'org-a'`)
	d, err := h.drafts.Generate(ctx, h.principalIn(alice, "org-a", auth.RoleOwner), own["case"], "ppc_final", "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.InTx(ctx, func(tx *store.Tx) error { return h.drafts.RenderInTx(ctx, tx, d.ID) }); err != nil {
		t.Fatal(err)
	}
	legal := h.client()
	legal.login("lee@a.example")
	path := fmt.Sprintf("/documents/%d", d.ID)
	page := body(t, legal.do("GET", path, nil))
	preview, approve := strings.Index(page, `id="preview"`), strings.Index(page, "/approve")
	if preview < 0 || approve < 0 || preview > approve {
		t.Fatalf("the preview does not come before the approve form (preview at %d, approve at %d)", preview, approve)
	}
	warning := page[strings.Index(page, `id="unfilled"`):]
	warning = warning[:strings.Index(warning, "</div>")]
	if !strings.Contains(warning, "<li>所在地</li>") || !strings.Contains(warning, "<li>発生日・発生期間</li>") {
		t.Errorf("the warning does not list the unfilled items: %s", warning)
	}
	if !strings.Contains(page, "未確定の項目が") || !strings.Contains(page, `action="`+path+`/send-back"`) {
		t.Error("no confirmation naming the unfilled items, or no send-back form")
	}
	queue := body(t, legal.do("GET", "/approvals", nil))
	if !strings.Contains(queue, `href="`+path+`"`) || !strings.Contains(queue, `class="badge warn"`) {
		t.Errorf("the queue does not flag the unfilled items")
	}
	// Sending back without a comment says so next to the field.
	r := legal.post(path+"/send-back", url.Values{"comment": {""}})
	if html := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html, `class="field-error"`) {
		t.Fatalf("send-back without comment: %d", r.StatusCode)
	}
	r = legal.post(path+"/send-back", url.Values{"comment": {"所在地を組織情報に登録してから作り直してください。"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/approvals" {
		t.Fatalf("send-back: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if queue := body(t, legal.do("GET", "/approvals", nil)); strings.Contains(queue, `href="`+path+`"`) {
		t.Error("a draft sent back is still in the queue")
	}
	author := h.client()
	author.login("alice@a.example")
	if page := body(t, author.do("GET", path, nil)); !strings.Contains(page, "所在地を組織情報に登録してから作り直してください。") || !strings.Contains(page, "差し戻されました") {
		t.Error("the document page does not show legal's comment")
	}
	// The API says the same.
	status, out := legal.sessionJSON("GET", "/api/v1"+path, "")
	if status != http.StatusOK || out["return_comment"] == "" || out["returned_at"] == nil {
		t.Fatalf("API document after send-back: %d %v", status, out)
	}
	if items, _ := out["unfilled"].([]any); len(items) == 0 {
		t.Fatalf("API document lists no unfilled items: %v", out["unfilled"])
	}
}
