package documents

import "github.com/breachdesk/breachdesk/app/i18n"

// DocKind is a type of generated document.
type DocKind string

// The document kinds legal staff generate from a case.
const (
	PPCPreliminary       DocKind = "ppc_preliminary"
	PPCFinal             DocKind = "ppc_final"
	AcquirerReport       DocKind = "acquirer_report"
	CardBrandSummary     DocKind = "card_brand_summary"
	PoliceMemo           DocKind = "police_memo"
	CustomerLetterSample DocKind = "customer_letter_sample"
	CallCenterFAQ        DocKind = "call_center_faq"
)

// KindInfo describes a kind: its title, the template it uses, the
// obligation it drafts (if any) and the free-text fields people edit.
type KindInfo struct {
	Kind     DocKind
	Title    i18n.Text
	Template string // file name stem under templates/, e.g. "ppc_report"
	// Obligation is the rule whose status follows the document (drafted,
	// approved, submitted); "" when the document answers no single rule.
	Obligation string
	Fields     []FieldDef
}

// FieldDef is one free-text field of a document, prefilled from the case
// and edited by people before approval.
type FieldDef struct {
	Key   string
	Label i18n.Text
	// Prefill proposes the field's first text from the case.
	Prefill func(v *CaseView) string
}

var ppcFields = []FieldDef{
	{"summary", i18n.Text{JA: "概要（事実経過）", EN: "Summary (course of events)"}, func(v *CaseView) string { return v.Case.Summary }},
	{"discovered_by", i18n.Text{JA: "発見者・発覚の経緯", EN: "Who discovered it and how"}, func(v *CaseView) string { return v.Awareness }},
	{"cause", i18n.Text{JA: "原因", EN: "Cause"}, func(v *CaseView) string { return lines(v.Causes) }},
	{"secondary_damage", i18n.Text{JA: "二次被害又はそのおそれの有無及びその内容", EN: "Secondary harm or its risk, and what it is"}, nil},
	{"persons_response", i18n.Text{JA: "本人への対応の実施状況", EN: "Status of measures for the persons affected"}, nil},
	{"publication", i18n.Text{JA: "公表の実施状況", EN: "Status of public announcement"}, nil},
	{"measures_done", i18n.Text{JA: "再発防止のための措置（実施済み）", EN: "Prevention measures taken"}, func(v *CaseView) string { return lines(v.DoneMeasures) }},
	{"measures_planned", i18n.Text{JA: "再発防止のための措置（今後の予定）", EN: "Prevention measures planned"}, func(v *CaseView) string { return lines(v.PlannedMeasures) }},
	{"other", i18n.Text{JA: "その他参考となる事項", EN: "Other relevant information"}, func(v *CaseView) string { return lines(v.OtherReports) }},
}

// Kinds lists every kind with its details, in the order the UI offers them.
var Kinds = []KindInfo{
	{PPCPreliminary, i18n.Text{JA: "個人データの漏えい等の事態の発生に関する報告（速報）", EN: "Report on a personal data breach (preliminary)"}, "ppc_report", "jp.appi.ppc.preliminary", ppcFields},
	{PPCFinal, i18n.Text{JA: "個人データの漏えい等の事態の発生に関する報告（確報）", EN: "Report on a personal data breach (final)"}, "ppc_report", "jp.appi.ppc.final", ppcFields},
	{AcquirerReport, i18n.Text{JA: "カード情報漏えい（疑い）に関するご報告", EN: "Card data compromise report"}, "acquirer_report", "jp.card.acquirer", []FieldDef{
		{"detection", i18n.Text{JA: "検知の経緯", EN: "How it was detected"}, func(v *CaseView) string { return v.Awareness }},
		{"systems", i18n.Text{JA: "影響を受けたシステム", EN: "Affected systems"}, nil},
		// What Japanese acquirers ask after a leak: how card data is taken
		// (the payment method and whether the merchant keeps it), the shop
		// software and its version, counts per brand, and the forensic
		// investigator with its schedule.
		{"shop_software", i18n.Text{JA: "ECサイトのシステムとバージョン（パッケージ・プラグイン等）", EN: "Shop software and version (package, plugins)"}, nil},
		{"payment_method", i18n.Text{JA: "決済方式（リンク型・リダイレクト型、トークン型、JavaScript型等）と非保持化の状況", EN: "Payment method (link/redirect, token, JavaScript) and card-data non-retention"}, nil},
		{"card_data_storage", i18n.Text{JA: "カード情報の保持・通過の状況", EN: "Whether card data was stored or passed through"}, nil},
		{"brand_counts", i18n.Text{JA: "ブランド別の件数", EN: "Counts per brand"}, nil},
		{"forensics", i18n.Text{JA: "フォレンジック調査（調査会社、依頼日、着手・報告の予定）", EN: "Forensic investigation (investigator, date engaged, start and report dates)"}, nil},
		{"actions", i18n.Text{JA: "実施済みの対応", EN: "Actions taken"}, func(v *CaseView) string { return lines(v.DoneActions) }},
		// Acquirers ask what will stop it happening again before they let
		// card payments reopen: the approved plan, item by item.
		{"prevention", i18n.Text{JA: "再発防止策（承認済みの計画）", EN: "Recurrence-prevention plan (approved)"}, func(v *CaseView) string { return lines(v.PlanLines) }},
		{"contact", i18n.Text{JA: "連絡先", EN: "Contact"}, func(v *CaseView) string { return v.Org.ContactDesk }},
	}},
	{CardBrandSummary, i18n.Text{JA: "カードブランド向け報告概要", EN: "Card-brand report summary"}, "card_brand_summary", "", []FieldDef{
		{"forensics", i18n.Text{JA: "フォレンジック調査の状況", EN: "Forensic investigation status"}, nil},
		{"notes", i18n.Text{JA: "補足", EN: "Notes"}, nil},
	}},
	{PoliceMemo, i18n.Text{JA: "警察相談メモ（サイバー犯罪）", EN: "Police consultation memo (cybercrime)"}, "police_memo", "jp.police.consultation", []FieldDef{
		{"who", i18n.Text{JA: "誰が（被疑者・攻撃者について分かっていること）", EN: "Who (what is known about the attacker)"}, nil},
		{"what", i18n.Text{JA: "何を（被害の内容）", EN: "What (the harm)"}, func(v *CaseView) string { return v.Case.Summary }},
		{"how", i18n.Text{JA: "どのように（手口）", EN: "How (the method)"}, nil},
		{"attachments", i18n.Text{JA: "提出資料（ログ、マルウェア、構成図等）", EN: "Attachments (logs, malware, system diagram)"}, func(v *CaseView) string { return lines(v.EvidenceList) }},
		{"request", i18n.Text{JA: "相談事項", EN: "What we ask the police"}, nil},
	}},
	{CustomerLetterSample, i18n.Text{JA: "個人情報漏えいに関するお詫びとお知らせ（本人通知・見本）", EN: "Notice of a data breach (letter to persons, sample)"}, "customer_letter", "jp.appi.individual_notice", []FieldDef{
		// Never prefilled from the case's summary: that is the team's
		// internal note, and this goes to customers.
		{"summary", i18n.Text{JA: "概要", EN: "What happened"}, nil},
		{"cause", i18n.Text{JA: "原因", EN: "Cause"}, nil},
		{"secondary_damage", i18n.Text{JA: "二次被害又はそのおそれ", EN: "Secondary harm or its risk"}, nil},
		{"request", i18n.Text{JA: "お客様へのお願い", EN: "What you can do"}, func(v *CaseView) string { return v.DefaultRequest }},
		{"other", i18n.Text{JA: "その他", EN: "Other information"}, nil},
	}},
	{CallCenterFAQ, i18n.Text{JA: "コールセンター想定問答集", EN: "Call-centre FAQ"}, "call_center_faq", "", []FieldDef{
		{"extra_qa", i18n.Text{JA: "追加の問答（Q: と A: で始まる行）", EN: "Extra questions (lines starting with Q: and A:)"}, nil},
	}},
}

// KindTitle names a document kind in both languages; a kind no longer
// known (a row from an older version) is named by its key.
func KindTitle(kind string) i18n.Text {
	if ki, ok := Info(DocKind(kind)); ok {
		return ki.Title
	}
	return i18n.Text{JA: kind, EN: kind}
}

// Info returns a kind's details.
func Info(k DocKind) (KindInfo, bool) {
	for _, ki := range Kinds {
		if ki.Kind == k {
			return ki, true
		}
	}
	return KindInfo{}, false
}
