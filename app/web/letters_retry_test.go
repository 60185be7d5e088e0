package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
	"github.com/breachdesk/breachdesk/app/store"
)

// While the mail server refuses temporarily, the batch page and the API
// say how many e-mails wait for a retry, why, how often they were tried
// and, once the job queue has scheduled it, when the next attempt is.
func TestBatchPageShowsTheRetryState(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice := h.user("alice@a.example", "org-a", auth.RoleOwner)
	legalUser := h.user("lee@a.example", "org-a", auth.RoleLegal)
	ctx := context.Background()
	own := h.fixtures("org-a", "alice@a.example", "none")
	org, _ := h.auth.OrganisationBySlug(ctx, "org-a")
	legal := auth.Principal{User: legalUser, Organisation: org, Role: auth.RoleLegal}
	owner := h.principalIn(alice, "org-a", auth.RoleOwner)

	doc, err := h.drafts.Generate(ctx, &legal, own["case"], "customer_letter_sample", "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.InTx(ctx, func(tx *store.Tx) error { return h.drafts.RenderInTx(ctx, tx, doc.ID) }); err != nil {
		t.Fatal(err)
	}
	if err := h.approveDocument(&legal, doc.ID); err != nil {
		t.Fatal(err)
	}
	h.st.DB.Exec(`INSERT INTO people (organisation_id, case_id, name, email, postal_code, address)
		SELECT ?, ?, '宛名 ' || i, 'p' || i || '@example.jp', '100-0001', '東京都千代田区' || i FROM generate_series(1, 3) i`, org.ID, own["case"])

	// The worker's service, with a mail server that throttles.
	srv := mailtest.New(t)
	srv.FailTemporarilyFor(time.Hour)
	dialer, err := mail.NewSMTP(srv.URL, "Shop <notice@shop.example>")
	if err != nil {
		t.Fatal(err)
	}
	worker := letters.NewService(h.st, h.clk, h.cases, h.as, letters.Options{Renderer: apptest.Renderer(t), Dialer: dialer})
	b, err := worker.Create(ctx, owner, own["case"], letters.NewBatch{DocumentID: doc.ID, Channel: letters.ChannelEmail, Selection: letters.SelectAll})
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.RunChunk(ctx, b.ID, 0, false); err == nil {
		t.Fatal("a throttled chunk returned no error")
	}

	browser := h.client()
	browser.login("alice@a.example")
	batchPath := fmt.Sprintf("/letter-batches/%d", b.ID)
	page := body(t, browser.do("GET", batchPath, nil))
	for _, want := range []string{`id="batch-retry"`, "再送待ち", "3 通のメールが一時的なエラー", "451", "1 回 / 最大 25 回"} {
		if !strings.Contains(page, want) {
			t.Errorf("batch page lacks %q", want)
		}
	}
	if strings.Contains(page, "次回の再送") {
		t.Error("the page names a next attempt that no job has scheduled")
	}

	// River has failed the chunk's job and scheduled its retry.
	next := h.clk.Now().Add(40 * time.Second).Truncate(time.Second)
	if err := h.st.DB.Exec(`UPDATE river_job SET state = 'retryable', attempt = 1, attempted_at = ?, scheduled_at = ? WHERE kind = 'letter_chunk'`,
		h.clk.Now(), next).Error; err != nil {
		t.Fatal(err)
	}
	page = body(t, browser.do("GET", batchPath, nil))
	if !strings.Contains(page, "次回の再送") {
		t.Errorf("batch page does not say when the next attempt is:\n%s", page)
	}
	secret, _ := h.auth.IssueTokenFor(ctx, "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenRead})
	api := h.client()
	api.bearer = secret
	code, m := api.json("GET", "/api/v1"+batchPath, "")
	retry, _ := m["retry"].(map[string]any)
	if code != 200 || retry["waiting"] != float64(3) || retry["attempts"] != float64(1) || retry["max_attempts"] != float64(25) ||
		!strings.Contains(fmt.Sprint(retry["last_error"]), "451") {
		t.Fatalf("batch API: %d %v", code, m)
	}
	if at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(retry["next_attempt_at"])); err != nil || !at.Equal(next) {
		t.Errorf("API next attempt %v, want %s", retry["next_attempt_at"], next)
	}
}
