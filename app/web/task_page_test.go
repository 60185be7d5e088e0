package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
)

// The case page offers one click to mark a task done; everything else is
// on the task's page, whose forms come back to it with the error next to
// the field and the typed text kept: skipping needs a reason, a comment
// needs a body.
func TestTaskPageFormsAndMarkDone(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	own := h.fixtures("org-a", "alice@a.example", "none")
	c := h.client()
	c.login("alice@a.example")
	taskPath := fmt.Sprintf("/tasks/%d", own["task"])
	casePage := body(t, c.do("GET", fmt.Sprintf("/cases/%d", own["case"]), nil))
	if !strings.Contains(casePage, `<form method="post" action="`+taskPath+`" class="inline-form">`) || !strings.Contains(casePage, `href="`+taskPath+`"`) {
		t.Fatal("the case page lacks the task's mark-done form or its link")
	}

	r := c.post(taskPath, url.Values{"status": {"skipped"}, "due_at": {"2026-12-01T10:00"}})
	page := body(t, r)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="tr-error"`) || !strings.Contains(page, `value="2026-12-01T10:00"`) ||
		!strings.Contains(page, `<option value="skipped" selected>`) {
		t.Fatalf("skip without a reason: %d\n%s", r.StatusCode, page)
	}
	r = c.post(taskPath+"/comments", url.Values{"body": {"   "}})
	if page := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="tc-error"`) {
		t.Fatalf("empty comment: %d\n%s", r.StatusCode, page)
	}
	r = c.post(taskPath+"/comments", url.Values{"body": {"Asked the host for the access logs"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != taskPath+"#comments-h" {
		t.Fatalf("comment: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if page := body(t, c.do("GET", taskPath, nil)); !strings.Contains(page, "Asked the host for the access logs") {
		t.Error("the comment is not on the task page")
	}
	r = c.post(taskPath, url.Values{"status": {"done"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != fmt.Sprintf("/cases/%d#task-%d", own["case"], own["task"]) {
		t.Fatalf("mark done: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if page := body(t, c.do("GET", fmt.Sprintf("/cases/%d", own["case"]), nil)); strings.Contains(page, `<form method="post" action="`+taskPath+`" class="inline-form">`) {
		t.Error("a done task still offers mark done")
	}
}
