package drafts_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
	"github.com/breachdesk/breachdesk/app/timeline"
)

type fixture struct {
	clk    *clocktest.Clock
	st     *store.Store
	drafts *drafts.Service
	cases  *cases.Service
	as     *assessment.Service
	owner  auth.Principal
	legal  auth.Principal
	other  auth.Principal
	caseID int64
}

// setup opens the fixture case, aware on 2026-11-02 10:00 JST; the test's
// today is two days later.
func setup(t *testing.T) fixture {
	t.Helper()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	clk := clocktest.At(time.Date(2026, 11, 4, 15, 0, 0, 0, tokyo))
	st := storetest.New(t, clk)
	a := apptest.Auth(t, st, clk)
	ctx := context.Background()
	principal := func(email, org string, role auth.Role) auth.Principal {
		return *apptest.Principal(t, a, email, org, role)
	}
	fx := fixture{clk: clk, st: st, owner: principal("owner@shop.example", "shop", auth.RoleOwner), legal: principal("legal@shop.example", "shop", auth.RoleLegal),
		other: principal("owner@other.example", "other", auth.RoleOwner)}
	st.DB.Exec(`UPDATE organisations SET legal_name = '株式会社テストショップ', corporate_number = '1234567890123', representative = '代表取締役 試験 太郎' WHERE slug = 'shop'`)
	fx.owner.Organisation.LegalName = "株式会社テストショップ"
	fx.legal.Organisation.LegalName = "株式会社テストショップ"
	fx.cases, fx.as = apptest.Cases(st, clk)
	fx.drafts = drafts.NewService(st, clk, fx.cases, fx.as, apptest.Renderer(t))
	c, err := fx.cases.Create(ctx, &fx.owner, cases.NewCase{Title: "決済画面の改ざんによるカード情報漏えい", Summary: "決済代行会社からCPPの可能性について連絡を受けた。",
		AwareAt: time.Date(2026, 11, 2, 10, 0, 0, 0, tokyo), IncidentType: "card_skimming"})
	if err != nil {
		t.Fatal(err)
	}
	fx.caseID = c.Case.ID
	f, err := assessment.ParseFacts([]byte(`{"data_items":["card_number","security_code","cardholder_name"],"persons_affected":2345,"records_affected":2401,
		"unauthorized_purpose":true,"data_being_entered":true,"high_level_encryption":false,"sensitive":false,"residents":{"JP":2345},"card_brands":["visa","jcb"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := fx.as.Save(ctx, &fx.owner, c.Case.ID, f, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := timeline.AddManual(ctx, st, &fx.owner, c.Case.ID, time.Date(2026, 11, 2, 9, 30, 0, 0, tokyo), "決済代行会社から電話連絡"); err != nil {
		t.Fatal(err)
	}
	return fx
}

// render runs the render job's work for a queued document.
func (fx fixture) render(t *testing.T, id int64) drafts.Document {
	t.Helper()
	ctx := context.Background()
	if err := fx.st.InTx(ctx, func(tx *store.Tx) error { return fx.drafts.RenderInTx(ctx, tx, id) }); err != nil {
		t.Fatal(err)
	}
	d, err := fx.drafts.Get(ctx, &fx.owner, id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// The PPC final report draft has the nine items of rule 8(1), in order,
// with the case's values; approval removes the DRAFT mark and the export
// is audited.
func TestPPCFinalReportHasTheNineItemsInOrder(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	d, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, "ppc_final", "ja", map[string]string{"cause": "決済画面のJavaScriptが改ざんされ、入力中のカード情報が外部へ送信されていた。"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != drafts.StatusQueued {
		t.Fatalf("status %s", d.Status)
	}
	d = fx.render(t, d.ID)
	if d.Status != drafts.StatusDraft || len(d.SHA256) != 32 {
		t.Fatalf("after render: %s %q", d.Status, d.Error)
	}
	full, err := fx.drafts.PDF(ctx, &fx.owner, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	text := squash(apptest.PDFText(t, full.PDF))
	items := []string{"1.概要", "2.漏えい等が発生し、又は発生したおそれがある個人データの項目", "3.漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数",
		"4.原因", "5.二次被害又はそのおそれの有無及びその内容", "6.本人への対応の実施状況", "7.公表の実施状況", "8.再発防止のための措置", "9.その他参考となる事項"}
	// The draft's diagonal DRAFT mark makes pdftotext read some blocks out
	// of order, so the draft is checked for each item and the approved
	// PDF, which has no mark, for their order.
	for _, it := range items {
		if !strings.Contains(text, squash(it)) {
			t.Errorf("draft lacks item %q", it)
		}
	}
	for _, want := range []string{"株式会社テストショップ", "1234567890123", "2,345名", "2,401件", "クレジットカード番号", "セキュリティコード", "決済画面のJavaScriptが改ざんされ", "2026年11月2日10時00分", "下書き", "Visa、JCB"} {
		if !strings.Contains(text, squash(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Approval is legal's and removes the DRAFT mark.
	if _, err := fx.drafts.Approve(ctx, &fx.owner, d.ID, d.ContentHash()); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("owner approving: %v", err)
	}
	approved, err := fx.drafts.Approve(ctx, &fx.legal, d.ID, d.ContentHash())
	if err != nil {
		t.Fatal(err)
	}
	final, _ := fx.drafts.PDF(ctx, &fx.legal, approved.ID)
	ftext := squash(apptest.PDFText(t, final.PDF))
	if strings.Contains(ftext, "下書き") || !strings.Contains(ftext, "4.原因") {
		t.Fatal("approved PDF still marked as draft, or lost content")
	}
	pos := 0
	for _, it := range items {
		i := strings.Index(ftext[pos:], squash(it))
		if i < 0 {
			t.Fatalf("item %q missing or out of order in:\n%s", it, apptest.PDFText(t, final.PDF))
		}
		pos += i
	}
	var exports int64
	fx.st.DB.Raw(`SELECT count(*) FROM audit_log WHERE action = 'document.export'`).Scan(&exports)
	if exports != 2 {
		t.Fatalf("exports audited: %d, want 2", exports)
	}
	obs, _ := fx.as.Obligations(ctx, &fx.owner, fx.caseID)
	for _, o := range obs {
		if o.RuleID == "jp.appi.ppc.final" && o.Status != assessment.StatusApproved {
			t.Fatalf("final report obligation is %s after approval", o.Status)
		}
	}
	// Marking it sent submits the obligation.
	if _, err := fx.drafts.MarkSubmitted(ctx, &fx.legal, d.ID, assessment.Submission{RecipientReference: "PPC-1"}); err != nil {
		t.Fatal(err)
	}
	obs, _ = fx.as.Obligations(ctx, &fx.owner, fx.caseID)
	for _, o := range obs {
		if o.RuleID == "jp.appi.ppc.final" && o.Status != assessment.StatusSubmitted {
			t.Fatalf("final report obligation is %s after sending", o.Status)
		}
	}
}

func TestEveryKindRendersInBothLanguages(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	for _, ki := range documents.Kinds {
		for _, lang := range []string{"ja", "en"} {
			d, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, string(ki.Kind), lang, nil)
			if err != nil {
				t.Fatal(err)
			}
			d = fx.render(t, d.ID)
			if d.Status != drafts.StatusDraft {
				t.Errorf("%s/%s: %s %s", ki.Kind, lang, d.Status, d.Error)
				continue
			}
			full, _ := fx.drafts.PDF(ctx, &fx.owner, d.ID)
			if text := apptest.PDFText(t, full.PDF); !strings.Contains(squash(text), squash(fx.owner.Organisation.LegalName)) && !strings.Contains(text, "INC-") {
				t.Errorf("%s/%s: PDF lacks the organisation and reference", ki.Kind, lang)
			}
		}
	}
}

func TestTenancyValidationAndTemplates(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	if _, err := fx.drafts.Generate(ctx, &fx.other, fx.caseID, "ppc_final", "ja", nil); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("other org generating: %v", err)
	}
	_, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, "love_letter", "fr", map[string]string{"nope": "x"})
	var v *apperr.ValidationError
	if !errors.As(err, &v) || v.For("kind") == "" || v.For("lang") == "" {
		t.Fatalf("bad kind/lang: %v", err)
	}
	d, _ := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, "call_center_faq", "ja", map[string]string{"extra_qa": "Q: カード 4111 1111 1111 1111 は？"})
	if _, err := fx.drafts.Get(ctx, &fx.other, d.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("other org reading: %v", err)
	}
	if strings.Contains(string(d.Fields), "4111 1111") {
		t.Fatal("card number stored in fields")
	}
	// A broken template is refused with the reason; a good one is used.
	if _, err := fx.drafts.SaveTemplate(ctx, &fx.legal, "call_center_faq", "ja", "# {{.Nope}}"); !errors.As(err, &v) {
		t.Fatalf("broken template accepted: %v", err)
	}
	if _, err := fx.drafts.SaveTemplate(ctx, &fx.legal, "call_center_faq", "ja", "# 独自FAQ {{esc .Case.Reference}}\n\n本文"); err != nil {
		t.Fatal(err)
	}
	d, _ = fx.drafts.Generate(ctx, &fx.owner, fx.caseID, "call_center_faq", "ja", nil)
	d = fx.render(t, d.ID)
	full, _ := fx.drafts.PDF(ctx, &fx.owner, d.ID)
	if !strings.Contains(apptest.PDFText(t, full.PDF), "独自FAQ") || !strings.HasPrefix(d.TemplateVersion, "org-") {
		t.Fatalf("override not used: %s", d.TemplateVersion)
	}
}

// Legal's approval names the content legal reviewed (issue 17, finding
// 4): the hash of another version, or of this one before it changed in
// place, is refused with a conflict and nothing is approved; the approved
// PDF is rendered from exactly the approved content, even when the
// organisation's name changed since; an approved document never changes.
func TestDocumentApprovalNamesItsContent(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	v1, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, "ppc_final", "ja", map[string]string{"cause": "第一版の原因：改ざん"})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := fx.drafts.Regenerate(ctx, &fx.owner, v1.ID, map[string]string{"cause": "第二版の原因：設定不備"})
	if err != nil {
		t.Fatal(err)
	}
	v1, v2 = fx.render(t, v1.ID), fx.render(t, v2.ID)
	sum1, sum2 := v1.ContentHash(), v2.ContentHash()
	if len(sum1) != 64 || sum1 == sum2 || v1.ContentSHA256 == nil || *v1.ContentSHA256 != sum1 {
		t.Fatalf("content hashes: %q %q stored %v", sum1, sum2, v1.ContentSHA256)
	}
	// Another version's hash, or none, approves nothing.
	if _, err := fx.drafts.Approve(ctx, &fx.legal, v2.ID, sum1); !errors.Is(err, drafts.ErrChanged) || !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("approving version 2 with version 1's hash: %v", err)
	}
	var v *apperr.ValidationError
	if _, err := fx.drafts.Approve(ctx, &fx.legal, v2.ID, ""); !errors.As(err, &v) || v.For("content_sha256") == "" {
		t.Fatalf("approval naming no content: %v", err)
	}
	// Version 1 changes in place after legal loaded it: refused, with the
	// hash legal saw and with the hash of the changed row alike.
	fx.st.DB.Exec(`UPDATE documents SET composed = composed || E'\n\nEVIL PARAGRAPH' WHERE id = ?`, v1.ID)
	if _, err := fx.drafts.Approve(ctx, &fx.legal, v1.ID, sum1); !errors.Is(err, drafts.ErrChanged) {
		t.Fatalf("approval of a document changed since it was loaded: %v", err)
	}
	changed, _ := fx.drafts.Get(ctx, &fx.legal, v1.ID)
	if _, err := fx.drafts.Approve(ctx, &fx.legal, v1.ID, changed.ContentHash()); !errors.Is(err, drafts.ErrChanged) {
		t.Fatalf("approval of a document changed in place: %v", err)
	}
	var approved int64
	fx.st.DB.Raw(`SELECT count(*) FROM documents WHERE status <> 'draft' AND case_id = ?`, fx.caseID).Scan(&approved)
	if approved != 0 {
		t.Fatalf("%d documents approved", approved)
	}
	// The organisation is renamed after legal read version 2.
	fx.st.DB.Exec(`UPDATE organisations SET legal_name = 'RENAMED AFTER REVIEW' WHERE slug = 'shop'`)
	d, err := fx.drafts.Approve(ctx, &fx.legal, v2.ID, sum2)
	if err != nil {
		t.Fatal(err)
	}
	if d.ApprovedContentSHA256 == nil || *d.ApprovedContentSHA256 != sum2 {
		t.Fatalf("approval records %v, want %s", d.ApprovedContentSHA256, sum2)
	}
	final, err := fx.drafts.PDF(ctx, &fx.legal, v2.ID)
	if err != nil {
		t.Fatal(err)
	}
	text := squash(apptest.PDFText(t, final.PDF))
	if !strings.Contains(text, squash("第二版の原因：設定不備")) || strings.Contains(text, "第一版") || strings.Contains(text, "RENAMED") ||
		!strings.Contains(text, "株式会社テストショップ") || strings.Contains(text, "下書き") {
		t.Fatal("the approved PDF is not the content legal approved")
	}
	if final.ContentHash() != sum2 {
		t.Fatal("the approved document's content changed with its approval")
	}
	if err := fx.st.DB.Exec(`UPDATE documents SET composed = 'EVIL' WHERE id = ?`, v2.ID).Error; err == nil {
		t.Fatal("an approved document changed in place")
	}
}

// A content hash is hex: a run of its digits can pass Luhn, and the
// card-number guard must leave it as it is (it did not: a rendering
// failed on the column's check once a hash held such a run).
func TestContentHashesAreNotReadAsCardNumbers(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	d, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, "police_memo", "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := "4111111111111111" + strings.Repeat("ab", 24)
	if err := fx.st.DB.Model(&drafts.Document{}).Where("id = ?", d.ID).Updates(map[string]any{"content_sha256": sum, "approved_content_sha256": sum}).Error; err != nil {
		t.Fatal(err)
	}
	got, _ := fx.drafts.Get(ctx, &fx.owner, d.ID)
	if got.ContentSHA256 == nil || *got.ContentSHA256 != sum || got.ApprovedContentSHA256 == nil || *got.ApprovedContentSHA256 != sum {
		t.Fatalf("stored %v %v, want %s", got.ContentSHA256, got.ApprovedContentSHA256, sum)
	}
}

// Marking a document sent validates before it writes: a refused
// submission (a time in the future) leaves the document approved and its
// obligation as it was, whether the document answers an obligation (the
// 速報) or none (the card-brand summary), so the form can be sent again.
func TestMarkingSentWritesNothingWhenRefused(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	for _, kind := range []string{"ppc_preliminary", "card_brand_summary"} {
		d, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, kind, "ja", nil)
		if err != nil {
			t.Fatal(err)
		}
		d = fx.render(t, d.ID)
		if d, err = fx.drafts.Approve(ctx, &fx.legal, d.ID, d.ContentHash()); err != nil {
			t.Fatal(err)
		}
		future := fx.clk.Now().Add(48 * time.Hour)
		_, err = fx.drafts.MarkSubmitted(ctx, &fx.legal, d.ID, assessment.Submission{SubmittedAt: future})
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) || ve.For("submitted_at") != "validation.future" {
			t.Fatalf("%s sent in the future: %v, want a validation error on submitted_at", kind, err)
		}
		after, err := fx.drafts.Get(ctx, &fx.legal, d.ID)
		if err != nil || after.Status != drafts.StatusApproved || after.SubmittedAt != nil {
			t.Fatalf("%s after a refused submission: %s sent %v (%v), want approved and not sent", kind, after.Status, after.SubmittedAt, err)
		}
		if kind == "ppc_preliminary" {
			obs, _ := fx.as.Obligations(ctx, &fx.owner, fx.caseID)
			for _, o := range obs {
				if o.RuleID == "jp.appi.ppc.preliminary" && (o.Status != assessment.StatusApproved || o.SubmittedAt != nil) {
					t.Fatalf("obligation after a refused submission: %s sent %v", o.Status, o.SubmittedAt)
				}
			}
		}
		if _, err := fx.drafts.MarkSubmitted(ctx, &fx.legal, d.ID, assessment.Submission{SubmittedAt: fx.clk.Now().Add(-time.Hour)}); err != nil {
			t.Fatalf("%s sent again with a right time: %v", kind, err)
		}
	}
}

// What a document proposes before anyone edits it is fit to send: the
// discovery starts from the awareness, not the attack; the PPC report's
// list of other bodies leaves out the PPC itself and names each brand
// once; the customer letter copies no internal note and greets no one in
// general (each letter carries its addressee); the acquirer report asks
// what acquirers ask (shop software, payment method, counts per brand,
// the forensic investigation); the police memo tells the course of events
// in words, not the system's log.
func TestFirstDraftsAreFitToSend(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	text := func(kind string) string {
		t.Helper()
		d, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, kind, "ja", nil)
		if err != nil {
			t.Fatal(err)
		}
		d = fx.render(t, d.ID)
		out, err := fx.drafts.PDF(ctx, &fx.owner, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		return squash(apptest.PDFText(t, out.PDF))
	}
	report := text("ppc_final")
	if !strings.Contains(report, squash("2026年11月2日 10時00分、漏えい等が発生した（又はそのおそれがある）ことを認識した")) {
		t.Error("発見者・発覚の経緯 does not start from the awareness")
	}
	others := report[strings.Index(report, squash("他の機関等への報告・届出の状況")):]
	if strings.Contains(others, "個人情報保護委員会") || strings.Contains(others, "自社の措置義務") {
		t.Errorf("the PPC is listed among the other bodies: %s", others)
	}
	if n := strings.Count(others, "Visa"); n != 1 {
		t.Errorf("Visa is listed %d times among the other bodies, want once: %s", n, others)
	}
	acquirer := text("acquirer_report")
	for _, want := range []string{"ECサイトのシステム・バージョン", "決済方式・非保持化の状況", "ブランド別件数", "フォレンジック調査"} {
		if !strings.Contains(acquirer, squash(want)) {
			t.Errorf("the acquirer report does not ask for %s", want)
		}
	}
	memo := text("police_memo")
	if !strings.Contains(memo, squash("漏えい等の発生（又はそのおそれ）を認識し、対応を開始した")) {
		t.Error("the police memo's course of events does not start from the awareness")
	}
	for _, log := range []string{"opened with playbook", "needs review", "Assessment v"} {
		if strings.Contains(memo, squash(log)) {
			t.Errorf("the police memo's course of events pastes the system log (%q)", log)
		}
	}
	letter := text("customer_letter_sample")
	if strings.Contains(letter, squash("決済代行会社からCPPの可能性について連絡を受けた")) {
		t.Error("the customer letter's first draft copies the case's internal summary")
	}
	if strings.Contains(letter, "お客様各位") {
		t.Error("the customer letter greets 'お客様各位' though every letter is addressed to its person")
	}
}
