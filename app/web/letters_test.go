package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/store"
)

// The letters page starts a print batch from the approved customer
// letter; the batch page shows progress, the API counts by state, and a
// bad bounce list is refused naming the line.
func TestLetterBatchPagesAndAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	legalUser := h.user("lee@a.example", "org-a", auth.RoleLegal)
	ctx := context.Background()
	own := h.fixtures("org-a", "alice@a.example", "none")
	org, _ := h.auth.OrganisationBySlug(ctx, "org-a")
	legal := auth.Principal{User: legalUser, Organisation: org, Role: auth.RoleLegal}

	browser := h.client()
	browser.login("alice@a.example")
	casePath := fmt.Sprintf("/cases/%d/letters", own["case"])
	if page := body(t, browser.do("GET", casePath, nil)); !strings.Contains(page, "承認済みの本人通知文がありません") {
		t.Fatal("letters page does not say an approved letter is needed")
	}
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
		SELECT ?, ?, '宛名 ' || i, 'p' || i || '@example.jp', '100-0001', '東京都千代田区' || i FROM generate_series(1, 12) i`, org.ID, own["case"])

	// A search without a term is refused next to the field.
	r := browser.post(casePath, url.Values{"document_id": {fmt.Sprint(doc.ID)}, "channel": {"print"}, "selection": {"search"}})
	if page := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="b-search-error"`) {
		t.Fatalf("search without a term: %d", r.StatusCode)
	}
	r = browser.post(casePath, url.Values{"document_id": {fmt.Sprint(doc.ID)}, "channel": {"print"}, "selection": {"all"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create batch: %d %s", r.StatusCode, body(t, r))
	}
	batchPath := r.Header.Get("Location")
	page := body(t, browser.do("GET", batchPath, nil))
	if !strings.Contains(page, `<progress id="batch-progress" max="12" value="0"`) || !strings.Contains(page, "http-equiv=\"refresh\"") {
		t.Fatalf("batch page lacks the running progress bar:\n%s", page)
	}
	var batchID int64
	fmt.Sscanf(batchPath, "/letter-batches/%d", &batchID)
	font, _ := pdf.FindFont(os.Getenv("BREACHDESK_PDF_FONT"))
	rd, err := pdf.NewRenderer(font)
	if err != nil {
		t.Fatal(err)
	}
	svc := letters.NewService(h.st, h.clk, h.cases, h.as, letters.Options{Renderer: rd})
	if err := svc.RunChunk(ctx, batchID, 0, false); err != nil {
		t.Fatal(err)
	}
	page = body(t, browser.do("GET", batchPath, nil))
	if !strings.Contains(page, `value="12"`) || strings.Contains(page, "http-equiv=\"refresh\"") || !strings.Contains(page, "/letter-files/") {
		t.Fatalf("finished batch page:\n%s", page)
	}

	secret, _ := h.auth.IssueTokenFor(ctx, "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
	api := h.client()
	api.bearer = secret
	code, m := api.json("GET", fmt.Sprintf("/api/v1/letter-batches/%d", batchID), "")
	counts, _ := m["counts"].(map[string]any)
	if code != 200 || counts["printed"] != float64(12) || counts["pending"] != float64(0) || counts["total"] != float64(12) {
		t.Fatalf("batch API: %d %v", code, m)
	}
	files := m["files"].([]any)
	fileID := int64(files[0].(map[string]any)["id"].(float64))
	r = api.raw("GET", fmt.Sprintf("/api/v1/letter-files/%d/pdf", fileID), "", nil)
	if pdf := body(t, r); r.StatusCode != 200 || !strings.HasPrefix(pdf, "%PDF") {
		t.Fatalf("file download: %d", r.StatusCode)
	}
	// This server has no SMTP server: an e-mail batch is refused before
	// it starts, naming the channel, and the page says so.
	code, m = api.json("POST", fmt.Sprintf("/api/v1/cases/%d/letter-batches", own["case"]), `{"document_id":`+fmt.Sprint(doc.ID)+`,"channel":"email","selection":"all"}`)
	if code != http.StatusUnprocessableEntity || !strings.Contains(fieldsOf(m), "channel") {
		t.Fatalf("API e-mail batch without SMTP: %d %v, want 422 on channel", code, m)
	}
	if page := body(t, browser.do("GET", fmt.Sprintf("/cases/%d/letters", own["case"]), nil)); !strings.Contains(page, `id="b-email-off"`) || !strings.Contains(page, `value="email" disabled`) || !strings.Contains(page, `value="print" checked`) {
		t.Fatalf("the letters page does not say e-mail is off:\n%s", page)
	}
	code, m = api.json("POST", fmt.Sprintf("/api/v1/cases/%d/bounces", own["case"]), `{"bounces":[{"email":"p1@example.jp","reason":"550 unknown"}]}`)
	if code != 200 || m["matched"] != float64(1) {
		t.Fatalf("bounce webhook: %d %v", code, m)
	}

	// A bounce list with a bad line: 422 naming the line, next to the field.
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", "bounces.csv")
	fw.Write([]byte("email,reason\np2@example.jp,full\nnot-an-address,x\n"))
	w.WriteField("_csrf", browser.csrf())
	w.Close()
	r = browser.raw("POST", fmt.Sprintf("/cases/%d/bounces", own["case"]), w.FormDataContentType(), buf.Bytes())
	if page := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "3行目") {
		t.Fatalf("bad bounce list: %d", r.StatusCode)
	}
}
