package obligations

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// Source is one text a rule rests on. Primary sources are the law's own
// words: a statute or regulation, the regulator's guideline or Q&A, a card
// brand's own rule document. Everything else (law-firm notes, aggregators,
// acquirers' notices) is commentary: it may explain a rule but never
// carries one on its own.
type Source struct {
	Primary bool `json:"primary"`
	// Cite names the text and the part relied on, e.g. 施行規則7条4号.
	Cite i18n.Text `json:"cite"`
	URL  string    `json:"url,omitempty"`
	// CheckedOn is the date (YYYY-MM-DD) this text was last read for the
	// rule; empty when it could not be read, which Note then explains.
	CheckedOn string `json:"checked_on,omitempty"`
	// Note says through which copy the text was read, or what could not be
	// confirmed.
	Note *i18n.Text `json:"note,omitempty"`
}

// UnmarshalJSON also accepts the plain strings that results stored before
// sources had a structure carry (commentary, unchecked).
func (s *Source) UnmarshalJSON(b []byte) error {
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		*s = Source{Cite: tx(str, str)}
		return nil
	}
	type plain Source // without this method
	return json.Unmarshal(b, (*plain)(s))
}

// notesCheckedOn is when the rule table was last checked against the
// project's researched notes (shared/reference/RULES.md), which rest
// mostly on secondary sources. It stands as a rule's VerifiedOn only while
// none of the rule's primary sources has been read.
const notesCheckedOn = "2026-11-24"

// secondReview is the date of the second review of the rule table against
// primary texts (issue 20): the date every source marked with it was read.
const secondReview = "2026-12-06"

// verifiedOn is a rule's VerifiedOn: the latest date one of its primary
// sources was read, else notesCheckedOn.
func verifiedOn(sources []Source) string {
	out := ""
	for _, s := range sources {
		if s.Primary && s.CheckedOn > out {
			out = s.CheckedOn
		}
	}
	if out == "" {
		return notesCheckedOn
	}
	return out
}

// read is a primary source read on the given date, through the copy or
// with the limits the note names (optional).
func read(on, url, ja, en string, note ...i18n.Text) Source {
	s := Source{Primary: true, Cite: tx(ja, en), URL: url, CheckedOn: on}
	if len(note) > 0 {
		s.Note = &note[0]
	}
	return s
}

// unread is a primary source the rule rests on whose text could not be read
// for the last review; the note says what the rule relies on instead.
func unread(url, ja, en string, note i18n.Text) Source {
	return Source{Primary: true, Cite: tx(ja, en), URL: url, Note: &note}
}

// commentary is a secondary source, kept to explain a rule.
func commentary(cite, url string) Source {
	return Source{Cite: tx(cite, cite), URL: url}
}

// sources concatenates source lists; the shared lists stay unaliased.
func sources(lists ...[]Source) []Source { return slices.Concat(lists...) }

// The primary texts shared by several rules, as read in the second review.
// Japanese statutes are cited on e-Gov (laws.e-gov.go.jp, by law id); where
// the text was read through a faithful copy of it, the note names the copy.
var (
	viaIuris = tx("e-Govの条文をiuris.jpの写しで読了", "e-Gov text, read through the iuris.jp copy")

	srcAPPIArt26 = read(secondReview, "https://laws.e-gov.go.jp/law/415AC0000000057",
		"個人情報の保護に関する法律 26条（漏えい等の報告等）", "Act on the Protection of Personal Information (APPI), Art. 26",
		tx("1項はe-Govの条文をiuris.jpの写しで、2項は解説サイト（jukosya.gyosyo.info）の全文引用で読了", "Para. 1 read through the iuris.jp copy of the e-Gov text, para. 2 through a verbatim quote (jukosya.gyosyo.info)"))
	srcAPPIRule7 = read(secondReview, "https://laws.e-gov.go.jp/law/428M60020000003",
		"個人情報の保護に関する法律施行規則 7条（2024-04-01施行の文言）", "APPI Enforcement Rules, Art. 7 (text in force from 2024-04-01)", viaIuris)
	srcAPPIRule8 = read(secondReview, "https://laws.e-gov.go.jp/law/428M60020000003",
		"個人情報の保護に関する法律施行規則 8条（速報・確報）", "APPI Enforcement Rules, Art. 8 (preliminary and final report)", viaIuris)
	srcAPPIRule9 = unread("https://laws.e-gov.go.jp/law/428M60020000003",
		"個人情報の保護に関する法律施行規則 9条（委託元への通知）", "APPI Enforcement Rules, Art. 9 (notice to the principal)",
		tx("保存コピーで本文を読めず。法26条1項ただし書の文言（読了）による。", "Text not readable in the stored copies; the rule follows Art. 26(1) proviso (read)."))
	srcAPPIRule10 = read(secondReview, "https://laws.e-gov.go.jp/law/428M60020000003",
		"個人情報の保護に関する法律施行規則 10条（本人への通知）", "APPI Enforcement Rules, Art. 10 (notice to the person)",
		tx("「当該事態の状況に応じて速やかに、当該本人の権利利益を保護するために必要な範囲において」の部分のみ、公開の調査メモの逐語引用（e-Gov、2026-10-09取得）で確認。通知事項（8条1項1・2・4・5・9号）は解説書の引用による。",
			"Only the words \"promptly as the situation allows, within what is needed to protect the person's rights\" were read, in a public research note's verbatim quote of e-Gov (taken 2026-10-09); the items (Art. 8(1)(i), (ii), (iv), (v), (ix)) are as commentary quotes them."))
	guidelineNote = tx("ガイドライン本文は保存コピーで読めず。文言は独立レビュー（issue 20）の引用による。", "The guideline text was not readable in the stored copies; the wording relied on is as the independent review (issue 20) quotes it.")
	srcGL3531     = unread("https://www.ppc.go.jp/personalinfo/legal/guidelines_tsusoku/",
		"個人情報保護委員会「ガイドライン（通則編）」3-5-3-1（報告対象となる事態）", "PPC Guidelines (General Rules) 3-5-3-1 (reportable situations)", guidelineNote)
	srcGL3533 = read(secondReview, "https://www.ppc.go.jp/personalinfo/legal/guidelines_tsusoku/",
		"個人情報保護委員会「ガイドライン（通則編）」3-5-3-3（速報）", "PPC Guidelines (General Rules) 3-5-3-3 (preliminary report)",
		tx("「「速やか」の日数の目安については、個別の事案によるものの、…当該事態を知った時点から概ね3～5日以内である」の一文のみ、公開の調査メモの逐語引用（2026-10-09取得）で確認。「いずれかの部署が…知った時点」は独立レビュー（issue 20）の引用による。",
			"Only the sentence giving \"roughly 3–5 days from the moment the business became aware\" as the target for \"promptly\" was read, in a public research note's verbatim quote (taken 2026-10-09); \"when any department knew\" is as the independent review (issue 20) quotes it."))
	srcGL3534 = unread("https://www.ppc.go.jp/personalinfo/legal/guidelines_tsusoku/",
		"個人情報保護委員会「ガイドライン（通則編）」3-5-3-4（確報）", "PPC Guidelines (General Rules) 3-5-3-4 (final report)", guidelineNote)
	srcGL354 = unread("https://www.ppc.go.jp/personalinfo/legal/guidelines_tsusoku/",
		"個人情報保護委員会「ガイドライン（通則編）」3-5-4（本人への通知）", "PPC Guidelines (General Rules) 3-5-4 (notice to the person)", guidelineNote)
	srcPPCLeakPage = read(secondReview, "https://www.ppc.go.jp/personalinfo/legal/leakAction/",
		"個人情報保護委員会「漏えい等の対応とお役立ち資料」（報告対象事態と報告フォーム）", "PPC page on leak reporting (reportable situations, online form)")
	srcPPCQA615 = read(secondReview, "https://www.ppc.go.jp/all_faq_index/faq1-q6-15_/",
		"個人情報保護委員会 Q&A 6-15（財産的被害のおそれは知った時点で判断）", "PPC Q&A 6-15 (financial-damage risk is judged when the business becomes aware)")
	srcPPCQA1112 = read(secondReview, "https://www.ppc.go.jp/all_faq_index/faq1-q11-2/",
		"個人情報保護委員会 Q&A 11-2（法171条の域外適用）", "PPC Q&A 11-2 (Art. 171, businesses abroad)")
	srcHolidaysAct = unread("https://laws.e-gov.go.jp/law/363AC0000000091",
		"行政機関の休日に関する法律 1条・2条", "Act on Holidays of Administrative Organs, Arts. 1–2",
		tx("第二次確認では未読（RULES.md E節の記載による）。", "Not re-read in the second review (per RULES.md section E)."))
)
