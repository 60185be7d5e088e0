package inquiries_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/inquiries"
)

func TestFAQCurationPromoteAndOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	legal := e.principal("legal@a.example", "org-a", auth.RoleLegal)
	caseID := e.newCase(legal)

	_, err := e.svc.AddFAQ(ctx, legal, caseID, inquiries.FAQInput{QuestionJA: "質問だけ", AnswerEN: "answer only"})
	fieldError(t, err, "answer_ja")
	fieldError(t, err, "question_en")
	_, err = e.svc.AddFAQ(ctx, legal, caseID, inquiries.FAQInput{})
	fieldError(t, err, "question_ja")

	a, err := e.svc.AddFAQ(ctx, legal, caseID, inquiries.FAQInput{QuestionJA: "再発行は無料ですか", AnswerJA: "無料です。", QuestionEN: "Is reissue free?", AnswerEN: "Yes."})
	if err != nil {
		t.Fatal(err)
	}
	open, err := e.svc.Create(ctx, legal, caseID, inquiries.Input{Question: "Card 4111111111111111 charged twice?"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Promote(ctx, legal, open.Inquiry.ID, "ja"); err == nil {
		t.Fatal("promoted an unanswered inquiry")
	} else {
		fieldError(t, err, "answer")
	}
	if _, err := e.svc.Answer(ctx, legal, open.Inquiry.ID, "Please call your card company."); err != nil {
		t.Fatal(err)
	}
	b, err := e.svc.Promote(ctx, legal, open.Inquiry.ID, "en")
	if err != nil {
		t.Fatal(err)
	}
	if b.SourceInquiryID == nil || *b.SourceInquiryID != open.Inquiry.ID || b.QuestionEN != open.Inquiry.Question || b.QuestionJA != "" || b.Position != a.Position+1 {
		t.Fatalf("promoted entry: %+v", b)
	}
	if _, err := e.svc.MoveFAQ(ctx, legal, b.ID, -1); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.MoveFAQ(ctx, legal, b.ID, -1); err != nil { // already first: no change
		t.Fatal(err)
	}
	list, err := e.svc.FAQ(ctx, legal, caseID)
	if err != nil || len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID {
		t.Fatalf("order after move: %+v %v", list, err)
	}
	if _, err := e.svc.UpdateFAQ(ctx, legal, b.ID, inquiries.FAQInput{QuestionEN: "Charged twice with 5555555555554444?", AnswerEN: "Call your card company."}); err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT count(*) FROM faq_entries WHERE question_en LIKE '%5555555555554444%'`); n != 0 {
		t.Fatal("FAQ kept a full card number")
	}
	if _, err := e.svc.DeleteFAQ(ctx, legal, a.ID); err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT count(*) FROM timeline_entries WHERE case_id = ? AND action LIKE 'faq.%'`, caseID); n != 4 {
		t.Errorf("FAQ timeline entries: %d, want 4 (add, promote, update, delete)", n)
	}
}

// The FAQ sheet PDF carries the standard questions and the curated
// entries in the chosen language; an entry without that language keeps
// its other one rather than vanishing. The export is audited.
func TestFAQSheetPDFHasTheEntries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	legal := e.principal("legal@a.example", "org-a", auth.RoleLegal)
	caseID := e.newCase(legal)
	for _, in := range []inquiries.FAQInput{
		{QuestionJA: "ポイントは失効しますか", AnswerJA: "失効しません。", QuestionEN: "Will my points expire?", AnswerEN: "They will not expire."},
		{QuestionJA: "お詫びの品はありますか", AnswerJA: "準備中です。"},
	} {
		if _, err := e.svc.AddFAQ(ctx, legal, caseID, in); err != nil {
			t.Fatal(err)
		}
	}
	ja, err := e.svc.FAQPDF(ctx, legal, caseID, "ja")
	if err != nil {
		t.Fatal(err)
	}
	if ja.ContentType != "application/pdf" || !strings.HasPrefix(string(ja.Data), "%PDF") || ja.Entries != 2 {
		t.Fatalf("export: %s %d", ja.ContentType, ja.Entries)
	}
	text := strings.Join(strings.Fields(apptest.PDFText(t, ja.Data)), "")
	for _, want := range []string{"コールセンター想定問答集", "Q1.何が起きたのですか", "Q1.ポイントは失効しますか", "失効しません。", "Q2.お詫びの品はありますか", "準備中です。"} {
		if !strings.Contains(text, want) {
			t.Errorf("ja sheet lacks %q", want)
		}
	}
	en, err := e.svc.FAQPDF(ctx, legal, caseID, "en")
	if err != nil {
		t.Fatal(err)
	}
	text = strings.Join(strings.Fields(apptest.PDFText(t, en.Data)), "")
	for _, want := range []string{"Call-centreFAQ", "Q1.Willmypointsexpire?", "Theywillnotexpire.", "Q2.お詫びの品はありますか"} {
		if !strings.Contains(text, want) {
			t.Errorf("en sheet lacks %q", want)
		}
	}
	if strings.Contains(text, "ポイントは失効しますか") {
		t.Error("en sheet shows the Japanese text of a translated entry")
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'faq.export' AND details::jsonb->>'entries' = '2'`); n != 2 {
		t.Errorf("audited exports: %d, want 2", n)
	}
}

// CSV exports open in Excel as UTF-8 (BOM) and cannot smuggle a formula.
func TestCSVExports(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	legal := e.principal("legal@a.example", "org-a", auth.RoleLegal)
	caseID := e.newCase(legal)
	if _, err := e.svc.AddFAQ(ctx, legal, caseID, inquiries.FAQInput{QuestionJA: "=HYPERLINK(\"http://x\")", AnswerJA: "回答、です\n二行目"}); err != nil {
		t.Fatal(err)
	}
	out, err := e.svc.FAQCSV(ctx, legal, caseID, "ja")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out.Data), "\uFEFF") || !strings.HasPrefix(out.ContentType, "text/csv") || !strings.HasSuffix(out.Filename, "_ja.csv") {
		t.Fatalf("faq csv: %q %s", out.Data[:min(10, len(out.Data))], out.ContentType)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(out.Data), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][1] != "質問" || rows[1][0] != "1" || rows[1][1] != "'=HYPERLINK(\"http://x\")" || rows[1][2] != "回答、です\n二行目" {
		t.Fatalf("faq rows: %q", rows)
	}

	if _, err := e.svc.Create(ctx, legal, caseID, inquiries.Input{CallerName: "佐藤", CallerContact: "+81 3 1234 5678", Question: "対象ですか", Affected: "yes", Category: "affected_check"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Create(ctx, legal, caseID, inquiries.Input{Question: "closed one", Answer: "done"}); err != nil {
		t.Fatal(err)
	}
	log, err := e.svc.InquiriesCSV(ctx, legal, caseID, inquiries.Filter{Status: "open"}, "en")
	if err != nil {
		t.Fatal(err)
	}
	rows, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(string(log.Data), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][3] != "Caller" || rows[1][3] != "佐藤" || rows[1][4] != "'+81 3 1234 5678" || rows[1][5] != "yes" {
		t.Fatalf("log rows: %q", rows)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action IN ('faq.export', 'inquiry.export')`); n != 2 {
		t.Errorf("audited exports: %d", n)
	}
}
