package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/inquiries"
)

// inquiryFixtures logs an answered inquiry and an FAQ entry in a case, for
// the routes that name them.
func (h *harness) inquiryFixtures(p *auth.Principal, caseID int64) (inquiry, faq int64) {
	h.t.Helper()
	ctx := context.Background()
	svc := inquiries.NewService(h.st, h.clk, h.cases, h.as, apptest.Renderer(h.t))
	it, err := svc.Create(ctx, p, caseID, inquiries.Input{CallerName: "佐藤 一郎", Question: "カードは止めるべきですか", Answer: "カード会社にご相談ください。", Category: "card_misuse"})
	if err != nil {
		h.t.Fatal(err)
	}
	e, err := svc.AddFAQ(ctx, p, caseID, inquiries.FAQInput{QuestionJA: "再発行は無料ですか", AnswerJA: "無料です。", QuestionEN: "Is reissue free?", AnswerEN: "Yes."})
	if err != nil {
		h.t.Fatal(err)
	}
	return it.Inquiry.ID, e.ID
}

// callCentreCase opens a case in org (creating its owner) with two
// affected persons, and returns the case id.
func callCentreCase(h *harness, ownerEmail, org string) int64 {
	h.t.Helper()
	ctx := context.Background()
	u := h.user(ownerEmail, org, auth.RoleOwner)
	o, err := h.auth.OrganisationBySlug(ctx, org)
	if err != nil {
		h.t.Fatal(err)
	}
	p := &auth.Principal{User: u, Organisation: o, Role: auth.RoleOwner}
	c, err := h.cases.Create(ctx, p, cases.NewCase{Title: "Checkout skimming", AwareAt: h.clk.Now().Add(-48 * time.Hour), IncidentType: "card_skimming"})
	if err != nil {
		h.t.Fatal(err)
	}
	for _, row := range [][]string{{"山田 花子", "hanako@example.com", "090-1234-5678", "C-1001"}, {"鈴木 次郎", "jiro@example.com", "03-5555-0000", "C-1002"}} {
		if err := h.st.DB.Exec(`INSERT INTO people (organisation_id, case_id, name, email, phone, customer_id) VALUES (?, ?, ?, ?, ?, ?)`,
			o.ID, c.Case.ID, row[0], row[1], row[2], row[3]).Error; err != nil {
			h.t.Fatal(err)
		}
	}
	return c.Case.ID
}

func lastInquiry(h *harness, caseID int64) inquiries.Inquiry {
	h.t.Helper()
	var it inquiries.Inquiry
	if err := h.st.DB.Where("case_id = ?", caseID).Order("id DESC").Take(&it).Error; err != nil {
		h.t.Fatal(err)
	}
	return it
}

// A responder logs a call through the form: the card number the caller
// read out is masked in the database, the caller is matched to the
// affected list, the counts show on the log and on the case page, and
// the answer and a manual check work without JavaScript.
func TestInquiryJourneyThroughForms(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	caseID := callCentreCase(h, "alice@a.example", "org-a")
	h.user("rita@a.example", "org-a", auth.RoleResponder)
	c := h.client()
	c.login("rita@a.example")
	c.post("/settings/language", url.Values{"language": {"en"}})
	base := fmt.Sprintf("/cases/%d/inquiries", caseID)

	// Errors come back next to their fields, with what was typed.
	r := c.post(base, url.Values{"channel": {"fax"}, "question": {""}, "caller_name": {"Hanako"}})
	page := body(t, r)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="i-channel-error"`) || !strings.Contains(page, `id="i-question-error"`) || !strings.Contains(page, `value="Hanako"`) {
		t.Fatalf("invalid form: %d\n%.2000s", r.StatusCode, page)
	}
	r = c.post(base, url.Values{"received_at": {"yesterday"}, "question": {"q"}})
	if page := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="i-at-error"`) {
		t.Fatalf("bad time: %d", r.StatusCode)
	}

	r = c.post(base, url.Values{"received_at": {"2026-11-20T10:00"}, "channel": {"phone"}, "caller_name": {"Hanako Yamada"}, "caller_contact": {"+81 90-1234-5678"},
		"match": {"1"}, "affected": {"unknown"}, "category": {"card_misuse"}, "question": {"My card 4111 1111 1111 1111 was charged twice"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != base {
		t.Fatalf("log: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	it := lastInquiry(h, caseID)
	if strings.Contains(it.Question, "4111 1111 1111 1111") || !strings.Contains(it.Question, "[visa ****1111]") {
		t.Fatalf("stored question not masked: %q", it.Question)
	}
	var raw int64
	h.st.DB.Raw(`SELECT count(*) FROM inquiries WHERE question LIKE '%4111%1111%1111%'`).Scan(&raw)
	if raw != 0 {
		t.Fatal("a full card number is in the database")
	}
	if it.PersonID == nil || it.Affected != "yes" || it.Status != "open" {
		t.Fatalf("caller not matched: %+v", it)
	}
	if at := it.ReceivedAt.In(time.FixedZone("JST", 9*3600)).Format("2006-01-02 15:04"); at != "2026-11-20 10:00" {
		t.Errorf("received at %s, want the form's time in Tokyo", at)
	}
	page = body(t, c.do("GET", base, nil))
	for _, want := range []string{"Hanako Yamada", "[visa ****1111]", "Card misuse", `<label for="i-question">`, `<label for="f-status">`} {
		if !strings.Contains(page, want) {
			t.Errorf("log page lacks %q", want)
		}
	}
	casePage := body(t, c.do("GET", fmt.Sprintf("/cases/%d", caseID), nil))
	if !strings.Contains(casePage, `id="inquiries"`) || !strings.Contains(casePage, "From affected persons") || !strings.Contains(casePage, base) {
		t.Error("case page lacks the call-centre card")
	}

	// No single match: the desk is sent to the inquiry to choose.
	r = c.post(base, url.Values{"caller_contact": {"nobody@example.com"}, "match": {"1"}, "question": {"Am I affected?"}, "category": {"affected_check"}})
	second := lastInquiry(h, caseID)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != fmt.Sprintf("/inquiries/%d#caller", second.ID) {
		t.Fatalf("unmatched: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	inqPath := fmt.Sprintf("/inquiries/%d", second.ID)
	r = c.post(inqPath+"/lookup", url.Values{"lookup": {"C-1002"}})
	page = body(t, r)
	if r.StatusCode != http.StatusOK || !strings.Contains(page, "鈴木 次郎") || !strings.Contains(page, "1 matching persons") {
		t.Fatalf("lookup: %d\n%.1500s", r.StatusCode, page)
	}
	var jiro int64
	h.st.DB.Raw(`SELECT id FROM people WHERE customer_id = 'C-1002'`).Scan(&jiro)
	if r := c.post(inqPath+"/person", url.Values{"person_id": {fmt.Sprint(jiro)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("link: %d", r.StatusCode)
	}
	if got := lastInquiry(h, caseID); got.PersonID == nil || *got.PersonID != jiro || got.Affected != "yes" {
		t.Fatalf("link not stored: %+v", got)
	}
	// Answering with nothing is an error at the field; then a real answer.
	r = c.post(inqPath+"/answer", url.Values{"answer": {" "}})
	if page := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="a-answer-error"`) {
		t.Fatalf("blank answer: %d", r.StatusCode)
	}
	if r := c.post(inqPath+"/answer", url.Values{"answer": {"You are on the list; a letter follows."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d", r.StatusCode)
	}
	// The edit form changes the topic and keeps the rest.
	form := url.Values{"received_at": {"2026-11-20T11:00"}, "channel": {"email"}, "caller_name": {""}, "caller_contact": {"nobody@example.com"}, "affected": {"yes"},
		"question": {"Am I affected?"}, "answer": {"You are on the list; a letter follows."}, "category": {"what_happened"}, "taken_by": {"Desk 3"}, "status": {"answered"}}
	if r := c.post(inqPath, form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.StatusCode, body(t, r))
	}
	if got := lastInquiry(h, caseID); got.Category != "what_happened" || got.Status != "answered" || got.TakenBy != "Desk 3" || got.PersonID == nil {
		t.Fatalf("edit not stored: %+v", got)
	}
	// The filter shows only what matches.
	page = body(t, c.do("GET", base+"?status=open", nil))
	if !strings.Contains(page, "Hanako Yamada") || strings.Contains(page, "Desk 3") {
		t.Error("status filter")
	}
	if r := c.do("GET", base+"?status=bogus", nil); r.StatusCode != http.StatusOK || !strings.Contains(body(t, r), `id="f-status-error"`) {
		t.Error("a bad filter should be explained, not fail")
	}
}

// The JSON API logs, lists with counts, patches and answers inquiries,
// and curates FAQ entries; errors name the field.
func TestInquiryAPI(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	caseID := callCentreCase(h, "alice@a.example", "org-a")
	secret, err := h.auth.IssueTokenFor(context.Background(), "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	api := h.client()
	api.bearer = secret
	path := fmt.Sprintf("/api/v1/cases/%d/inquiries", caseID)
	code, m := api.json("POST", path, `{"question":"card 5555 5555 5555 4444?","caller_contact":"hanako@example.com","match":true,"channel":"email","received_at":"2026-11-20T10:00:00+09:00"}`)
	if code != http.StatusCreated || m["masked_card_numbers"] != float64(1) {
		t.Fatalf("create: %d %v", code, m)
	}
	inq := m["inquiry"].(map[string]any)
	if inq["affected"] != "yes" || inq["person_id"] == nil || strings.Contains(fmt.Sprint(inq["question"]), "5555 5555") {
		t.Fatalf("created: %v", inq)
	}
	id := int64(inq["id"].(float64))
	if code, m := api.json("POST", path, `{"question":"","channel":"pigeon","received_at":"soon"}`); code != 422 || !strings.Contains(fieldsOf(m), "received_at") {
		t.Fatalf("bad time: %d %v", code, m)
	}
	if code, m := api.json("POST", path, `{"question":"","channel":"pigeon"}`); code != 422 || fieldsOf(m) != "channel,question" {
		t.Fatalf("invalid: %d %v", code, m)
	}
	code, m = api.json("PATCH", fmt.Sprintf("/api/v1/inquiries/%d", id), `{"category":"card_misuse"}`)
	if code != 200 || m["inquiry"].(map[string]any)["category"] != "card_misuse" || m["inquiry"].(map[string]any)["question"] == "" {
		t.Fatalf("patch: %d %v", code, m)
	}
	code, m = api.json("POST", fmt.Sprintf("/api/v1/inquiries/%d/answer", id), `{"answer":"Please call your card company."}`)
	if code != 200 || m["inquiry"].(map[string]any)["status"] != "answered" {
		t.Fatalf("answer: %d %v", code, m)
	}
	code, m = api.json("GET", fmt.Sprintf("/api/v1/inquiries/%d", id), "")
	if code != 200 || m["person"].(map[string]any)["name"] != "山田 花子" {
		t.Fatalf("get: %d %v", code, m)
	}
	code, m = api.json("GET", path+"?status=answered", "")
	counts := m["counts"].(map[string]any)
	if code != 200 || m["total"] != float64(1) || counts["answered"] != float64(1) || counts["affected"] != float64(1) {
		t.Fatalf("list: %d %v", code, m)
	}
	faqPath := fmt.Sprintf("/api/v1/cases/%d/faq", caseID)
	if code, m := api.json("POST", faqPath, `{"question_ja":"質問"}`); code != 422 || fieldsOf(m) != "answer_ja" {
		t.Fatalf("faq invalid: %d %v", code, m)
	}
	if code, m := api.json("POST", faqPath, `{"question_en":"Is reissue free?","answer_en":"Yes."}`); code != 201 || m["position"] != float64(1) {
		t.Fatalf("faq add: %d %v", code, m)
	}
	if code, m := api.json("GET", faqPath, ""); code != 200 || len(m["faq"].([]any)) != 1 {
		t.Fatalf("faq list: %d %v", code, m)
	}
}

// Legal curates the FAQ through the editor (errors at the entry's form),
// promotes an answered inquiry, orders the entries and exports the sheet
// as PDF and CSV; a viewer reads it without edit forms.
func TestFAQEditorAndExports(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	caseID := callCentreCase(h, "alice@a.example", "org-a")
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	h.user("vic@a.example", "org-a", auth.RoleViewer)
	c := h.client()
	c.login("lee@a.example")
	base := fmt.Sprintf("/cases/%d/faq", caseID)

	r := c.post(base, url.Values{"question_ja": {"質問だけ"}})
	if page := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="new-answer_ja-error"`) || !strings.Contains(page, "質問だけ") {
		t.Fatalf("invalid add: %d\n%.1500s", r.StatusCode, page)
	}
	if r := c.post(base, url.Values{"question_ja": {"ポイントは失効しますか"}, "answer_ja": {"失効しません。"}, "question_en": {"Will my points expire?"}, "answer_en": {"No."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", r.StatusCode)
	}
	// Promote an answered inquiry; it lands at the end, then moves to the top.
	if r := c.post(fmt.Sprintf("/cases/%d/inquiries", caseID), url.Values{"question": {"お詫びの品はありますか"}, "answer": {"準備中です。"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("log: %d %s", r.StatusCode, body(t, r))
	}
	it := lastInquiry(h, caseID)
	r = c.post(fmt.Sprintf("/inquiries/%d/promote", it.ID), url.Values{"lang": {"ja"}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), base+"#faq-") {
		t.Fatalf("promote: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	var promoted int64
	h.st.DB.Raw(`SELECT id FROM faq_entries WHERE source_inquiry_id = ?`, it.ID).Scan(&promoted)
	if r := c.post(fmt.Sprintf("/faq/%d/move", promoted), url.Values{"direction": {"up"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("move: %d", r.StatusCode)
	}
	// An invalid save shows its error at that entry.
	r = c.post(fmt.Sprintf("/faq/%d", promoted), url.Values{"question_ja": {"お詫びの品はありますか"}, "answer_ja": {""}})
	if page := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, fmt.Sprintf(`id="f%d-answer_ja-error"`, promoted)) {
		t.Fatalf("invalid save: %d", r.StatusCode)
	}

	resp := c.do("GET", base+"/pdf?lang=ja", nil)
	pdf, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("pdf: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	text := strings.Join(strings.Fields(apptest.PDFText(t, pdf)), "")
	first, second := strings.Index(text, "Q1.お詫びの品はありますか"), strings.Index(text, "Q2.ポイントは失効しますか")
	if first < 0 || second < first || !strings.Contains(text, "準備中です。") || !strings.Contains(text, "失効しません。") {
		t.Fatalf("PDF lacks the entries in order:\n%s", text)
	}
	resp = c.do("GET", base+"/csv?lang=en", nil)
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(string(data), "\uFEFF") {
		t.Fatalf("csv: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), data[:min(len(data), 8)])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != 3 || rows[1][1] != "お詫びの品はありますか" || rows[2][1] != "Will my points expire?" {
		t.Fatalf("csv rows: %q %v", rows, err)
	}
	resp = c.do("GET", fmt.Sprintf("/cases/%d/inquiries/csv", caseID), nil)
	data, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(string(data), "\uFEFF") || !strings.Contains(string(data), "お詫びの品はありますか") {
		t.Fatalf("log csv: %d", resp.StatusCode)
	}
	var audited int64
	h.st.DB.Raw(`SELECT count(*) FROM audit_log WHERE action IN ('faq.export', 'inquiry.export')`).Scan(&audited)
	if audited != 3 {
		t.Errorf("audited exports: %d, want 3", audited)
	}

	v := h.client()
	v.login("vic@a.example")
	page := body(t, v.do("GET", base, nil))
	if !strings.Contains(page, "ポイントは失効しますか") || strings.Contains(page, `action="/faq/`) || strings.Contains(page, `action="`+base+`"`) {
		t.Error("viewer sees edit forms or not the entries")
	}
	if r := v.do("GET", fmt.Sprintf("/cases/%d/inquiries/csv", caseID), nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("viewer took the inquiry log: %d", r.StatusCode)
	}
	if r := v.post(base, url.Values{"question_ja": {"q"}, "answer_ja": {"a"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("viewer added an entry: %d", r.StatusCode)
	}
}
