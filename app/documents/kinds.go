package documents

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
	Title    Text
	Template string // file name stem under templates/, e.g. "ppc_report"
	// Obligation is the rule whose status follows the document (drafted,
	// approved, submitted); "" when the document answers no single rule.
	Obligation string
	Fields     []FieldDef
}

// Text is a text in Japanese and English.
type Text struct {
	JA string `json:"ja"`
	EN string `json:"en"`
}

// In returns the text in lang (Japanese unless "en").
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.JA
}

// FieldDef is one free-text field of a document, prefilled from the case
// and edited by people before approval.
type FieldDef struct {
	Key   string
	Label Text
	// Prefill proposes the field's first text from the case.
	Prefill func(v *CaseView) string
}

var ppcFields = []FieldDef{
	{"summary", Text{"概要（事実経過）", "Summary (course of events)"}, func(v *CaseView) string { return v.Case.Summary }},
	{"discovered_by", Text{"発見者・発覚の経緯", "Who discovered it and how"}, func(v *CaseView) string { return v.FirstTimelineEntry }},
	{"cause", Text{"原因", "Cause"}, nil},
	{"secondary_damage", Text{"二次被害又はそのおそれの有無及びその内容", "Secondary harm or its risk, and what it is"}, nil},
	{"persons_response", Text{"本人への対応の実施状況", "Status of measures for the persons affected"}, nil},
	{"publication", Text{"公表の実施状況", "Status of public announcement"}, nil},
	{"measures_done", Text{"再発防止のための措置（実施済み）", "Prevention measures taken"}, func(v *CaseView) string { return lines(v.DoneMeasures) }},
	{"measures_planned", Text{"再発防止のための措置（今後の予定）", "Prevention measures planned"}, func(v *CaseView) string { return lines(v.PlannedMeasures) }},
	{"other", Text{"その他参考となる事項", "Other relevant information"}, func(v *CaseView) string { return lines(v.OtherReports) }},
}

// Kinds lists every kind with its details, in the order the UI offers them.
var Kinds = []KindInfo{
	{PPCPreliminary, Text{"個人データの漏えい等の事態の発生に関する報告（速報）", "Report on a personal data breach (preliminary)"}, "ppc_report", "jp.appi.ppc.preliminary", ppcFields},
	{PPCFinal, Text{"個人データの漏えい等の事態の発生に関する報告（確報）", "Report on a personal data breach (final)"}, "ppc_report", "jp.appi.ppc.final", ppcFields},
	{AcquirerReport, Text{"カード情報漏えい（疑い）に関するご報告", "Card data compromise report"}, "acquirer_report", "jp.card.acquirer", []FieldDef{
		{"detection", Text{"検知の経緯", "How it was detected"}, func(v *CaseView) string { return v.FirstTimelineEntry }},
		{"systems", Text{"影響を受けたシステム", "Affected systems"}, nil},
		{"card_data_storage", Text{"カード情報の保持・通過の状況", "Whether card data was stored or passed through"}, nil},
		{"actions", Text{"実施済みの対応", "Actions taken"}, func(v *CaseView) string { return lines(v.DoneMeasures) }},
		{"contact", Text{"連絡先", "Contact"}, func(v *CaseView) string { return v.Org.ContactDesk }},
	}},
	{CardBrandSummary, Text{"カードブランド向け報告概要", "Card-brand report summary"}, "card_brand_summary", "", []FieldDef{
		{"forensics", Text{"フォレンジック調査の状況", "Forensic investigation status"}, nil},
		{"notes", Text{"補足", "Notes"}, nil},
	}},
	{PoliceMemo, Text{"警察相談メモ（サイバー犯罪）", "Police consultation memo (cybercrime)"}, "police_memo", "jp.police.consultation", []FieldDef{
		{"who", Text{"誰が（被疑者・攻撃者について分かっていること）", "Who (what is known about the attacker)"}, nil},
		{"what", Text{"何を（被害の内容）", "What (the harm)"}, func(v *CaseView) string { return v.Case.Summary }},
		{"how", Text{"どのように（手口）", "How (the method)"}, nil},
		{"attachments", Text{"提出資料（ログ、マルウェア、構成図等）", "Attachments (logs, malware, system diagram)"}, func(v *CaseView) string { return lines(v.EvidenceList) }},
		{"request", Text{"相談事項", "What we ask the police"}, nil},
	}},
	{CustomerLetterSample, Text{"個人情報漏えいに関するお詫びとお知らせ（本人通知・見本）", "Notice of a data breach (letter to persons, sample)"}, "customer_letter", "jp.appi.individual_notice", []FieldDef{
		{"summary", Text{"概要", "What happened"}, func(v *CaseView) string { return v.Case.Summary }},
		{"cause", Text{"原因", "Cause"}, nil},
		{"secondary_damage", Text{"二次被害又はそのおそれ", "Secondary harm or its risk"}, nil},
		{"request", Text{"お客様へのお願い", "What you can do"}, func(v *CaseView) string { return v.DefaultRequest }},
		{"other", Text{"その他", "Other information"}, nil},
	}},
	{CallCenterFAQ, Text{"コールセンター想定問答集", "Call-centre FAQ"}, "call_center_faq", "", []FieldDef{
		{"extra_qa", Text{"追加の問答（Q: と A: で始まる行）", "Extra questions (lines starting with Q: and A:)"}, nil},
	}},
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
