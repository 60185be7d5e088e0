package obligations

import (
	"fmt"
	"strings"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// TriggerCode names one of the four APPI reporting triggers of
// 施行規則7条 (Enforcement Rules Art. 7).
type TriggerCode string

// The APPI triggers.
const (
	T1 TriggerCode = "T1" // 要配慮個人情報 (sensitive personal data)
	T2 TriggerCode = "T2" // 財産的被害のおそれ (risk of financial damage)
	T3 TriggerCode = "T3" // 不正の目的 (wrongful purpose, incl. data being entered)
	T4 TriggerCode = "T4" // 本人の数が千人超 (more than 1,000 persons)
)

// T4Threshold: T4 needs strictly more than this many persons.
const T4Threshold = 1000

var triggerLabels = map[TriggerCode]i18n.Text{
	T1: tx("要配慮個人情報", "sensitive personal data"),
	T2: tx("財産的被害のおそれ", "risk of financial damage"),
	T3: tx("不正の目的をもって行われたおそれ", "possible wrongful purpose"),
	T4: tx("本人の数が1,000人超", "more than 1,000 persons"),
}

// Label returns the short name of the trigger.
func (c TriggerCode) Label() i18n.Text { return triggerLabels[c] }

// Exclusions of the APPI duties.
const (
	ExcludedEncryption = "high_level_encryption" // 高度な暗号化, key not compromised
	ExcludedProcessor  = "entrusted_processor"   // 委託先 that notified its 委託元
)

// APPIAssessment is the outcome of the APPI trigger test. APPI is always
// evaluated: it binds a business handling personal data in Japan whatever
// the residence of the persons (Art. 26 has no residency condition; only
// Art. 171 limits a business abroad to persons in Japan).
type APPIAssessment struct {
	// Applies: the PPC report and individual notice are required, assuming
	// the worse case for unknown facts.
	Applies bool `json:"applies"`
	// Provisional: Applies rests only on unknown triggers.
	Provisional bool `json:"provisional"`
	// Triggers met for certain, and those unknown (Possible).
	Triggers []TriggerCode `json:"triggers"`
	Possible []TriggerCode `json:"possible"`
	// Excluded names the exclusion that removes the duties, if any.
	Excluded string `json:"excluded,omitempty"`
	// FinalDays is 60 when T3 is met, else 30 (also when T3 is unknown:
	// the earlier date is the safe one).
	FinalDays int `json:"final_days,omitempty"`
	// Why explains the outcome.
	Why i18n.Text `json:"why"`
}

// assessAPPI runs the APPI trigger test (施行規則7条) on f and records the
// unknowns that could change its answer in rs.
func assessAPPI(f Facts, rs reviews) APPIAssessment {
	a := APPIAssessment{Triggers: []TriggerCode{}, Possible: []TriggerCode{}}
	if len(f.Residents) > 0 && f.residents(JP) <= 0 {
		rs.add(ReviewAPPINoJPResidents, "residents.JP", tx(
			"居住者の内訳に日本（JP）がありませんが、個人情報保護法には本人の居住地による限定がないため、日本の事業者として報告義務を判定しています（法26条）。外国にある事業者が同法の適用を受けるのは日本国内にある者の個人情報に限られます（法171条）。外国の事業者であれば確認してください。",
			"Residents lists no JP persons, but APPI has no residency condition, so its duties were assessed as for a Japanese business (Art. 26). A business abroad is bound only for persons in Japan (Art. 171); if the organisation is not a Japanese business, check this."))
	}
	status := map[TriggerCode]Tri{
		T1: f.EffectiveSensitive(),
		T2: f.EffectiveFinancialDamageRisk(),
		T3: f.EffectiveUnauthorizedPurpose(),
		T4: personsOver(f, T4Threshold),
	}
	for _, c := range []TriggerCode{T1, T2, T3, T4} {
		switch {
		case status[c].IsTrue():
			a.Triggers = append(a.Triggers, c)
		case status[c].IsUnknown():
			a.Possible = append(a.Possible, c)
		}
	}
	if f.FinancialDamageRisk.IsFalse() && f.Has(ItemCardNumber) {
		rs.add(ReviewAPPIT2CardNumbers, "financial_damage_risk", tx(
			"カード番号がデータ項目にありますが、財産的被害のおそれ（施行規則7条2号）が「なし」とされています。ガイドライン（通則編）3-5-3-1は報告を要する事例の最初に「ECサイトからクレジットカード番号を含む個人データが漏えいした場合」を挙げ、Q&A 6-15は知った時点でおそれがあれば後の措置で解消しても報告対象としています。「なし」とした理由（例: 下4桁のみ、トークン化済み）を評価のメモに残し、法務で確認してください。",
			"Card numbers are among the data items, yet financial-damage risk (Rules Art. 7(ii)) is set to false. GL (General Rules) 3-5-3-1 gives, as its first reportable example, card numbers leaked from an EC site, and PPC Q&A 6-15 keeps a case reportable when the risk existed on awareness even if later measures removed it. Record why it is false (e.g. last four digits only, tokens) in the assessment note and have legal confirm it."))
	}
	if len(a.Triggers) == 0 && len(a.Possible) == 0 {
		a.Why = tx("報告対象事態（施行規則7条1号～4号）のいずれにも該当しません。", "None of the APPI triggers (Enforcement Rules Art. 7(1)–(4)) is met.")
		if f.FinancialDamageRisk.IsFalse() && f.Has(ItemCardNumber) {
			a.Why = join(a.Why, tx("ただしカード番号について財産的被害のおそれを「なし」とした判断は要確認です。", "But the answer that card numbers carry no financial-damage risk needs review."))
		}
		return a
	}
	if excl, why := appiExclusion(f, rs); excl != "" {
		a.Excluded, a.Why = excl, why
		return a
	}
	a.Applies = true
	a.Provisional = len(a.Triggers) == 0
	a.FinalDays = 30
	if status[T3].IsTrue() {
		a.FinalDays = 60
	}
	if a.Provisional {
		for _, c := range a.Possible {
			addTriggerReview(f, c, rs)
		}
	} else if status[T3].IsUnknown() {
		// T3 no longer decides whether APPI applies, but still decides
		// between the 30- and 60-day final report.
		addTriggerReview(f, T3, rs)
	}
	a.Why = appiWhy(f, a)
	return a
}

// personsOver is the T4 test. Rule 7(4) covers a situation where a leak of
// more than n persons' data "possibly occurred", and GL 3-5-3-1 reads it as
// met when the number possibly affected can exceed n at most: so an upper
// bound above n meets it as surely as a count above n. False when at most
// n can be affected; Unknown only when neither count nor bound is given.
func personsOver(f Facts, n int64) Tri {
	lo, hi, hiKnown := f.PersonsRange()
	switch {
	case lo > n, hiKnown && hi > n:
		return True
	case hiKnown:
		return False
	}
	return Unknown
}

// appiExclusion applies the two exclusions. Encryption excludes all four
// triggers (the bracket in Art. 7(1) carries it) unless the key leaked too;
// skimmed form input is captured before any encryption of stored data, so
// with data_being_entered the exclusion is not applied (safer) and flagged.
// A processor (委託先) that has notified its principal (委託元) is relieved
// (Art. 26(1) proviso): the principal reports.
func appiExclusion(f Facts, rs reviews) (string, i18n.Text) {
	switch {
	case f.HighLevelEncryption.IsTrue() && f.KeyCompromised.IsFalse() && f.DataBeingEntered.IsTrue():
		rs.add(ReviewEncryptionSkimming, "high_level_encryption", tx(
			"入力中の情報の窃取（ウェブスキミング）は暗号化前の情報を取得するため、高度な暗号化による除外を適用していません。除外が妥当か確認してください。",
			"Skimmed form input is captured before any encryption, so the high-level-encryption exclusion was not applied. Check whether it can apply."))
	case f.HighLevelEncryption.IsTrue() && f.KeyCompromised.IsFalse():
		return ExcludedEncryption, tx(
			"高度な暗号化等の措置が講じられ、鍵は漏えいしていないため、報告対象事態から除外されます（施行規則7条1号括弧書）。",
			"Excluded: the data was protected by high-level encryption and the key did not leak (Enforcement Rules Art. 7(1), bracket).")
	case f.DataBeingEntered.IsTrue():
		// Encryption of stored data cannot exclude skimming: nothing to ask.
	case f.HighLevelEncryption.IsTrue() && f.KeyCompromised.IsUnknown():
		rs.add(ReviewKeyCompromiseUnknown, "key_compromised", tx(
			"暗号鍵の漏えいの有無が不明です。鍵が漏えいしていなければ暗号化による除外が適用される可能性があります。除外しない前提で計算しています。",
			"Unknown whether the encryption key leaked. If it did not, the encryption exclusion may apply; the engine assumes it does not."))
	case f.HighLevelEncryption.IsUnknown():
		rs.add(ReviewEncryptionUnknown, "high_level_encryption", encryptionUnknownText)
	}
	switch {
	case f.EntrustedProcessor.IsTrue() && f.PrincipalNotifiedAt != nil:
		return ExcludedProcessor, tx(
			"委託先として委託元に通知済みのため、報告・本人通知は委託元が行います（法26条1項ただし書、施行規則9条）。",
			"Excluded: as a processor (委託先) the organisation has notified its principal (委託元), who reports and notifies (APPI Art. 26(1) proviso, Rules Art. 9).")
	case f.EntrustedProcessor.IsTrue():
		rs.add(ReviewPrincipalNotNotified, "principal_notified_at", tx(
			"委託先の場合、委託元へ速やかに通知すれば委員会への報告・本人通知は委託元が行います。通知日時を記録してください。",
			"As a processor, notifying the principal promptly moves the PPC report and individual notice to the principal. Record when it was notified."))
	case f.EntrustedProcessor.IsUnknown() && f.PrincipalNotifiedAt != nil:
		rs.add(ReviewProcessorUnknown, "entrusted_processor", tx(
			"委託先かどうかが不明です。委託先で委託元に通知済みなら報告義務は委託元に移ります。自社が報告する前提で計算しています。",
			"Unknown whether the organisation is a processor. If it is, having notified the principal moves the duties to the principal; the engine assumes the organisation reports itself."))
	}
	return "", i18n.Text{}
}

// encryptionUnknownText is shared by every rule with an encryption safe
// harbour so that one review entry covers them all.
var encryptionUnknownText = tx(
	"高度な暗号化の有無が不明です。暗号化され鍵が漏えいしていなければ、個人情報保護委員会への報告や一部の通知（米国各州、GDPR 34条、シンガポールなど）が不要になる可能性があります。暗号化されていない前提で計算しています。",
	"Unknown whether the data was protected by high-level encryption. If it was, and the key did not leak, the APPI report and some notices (the US states, GDPR Art. 34, Singapore, ...) may not be required; the engine assumes it was not.")

func addTriggerReview(f Facts, c TriggerCode, rs reviews) {
	switch c {
	case T1:
		rs.add(ReviewAPPIT1Unknown, "sensitive", tx(
			"要配慮個人情報を含むかが不明です。含む場合は報告対象になるため、該当する前提で計算しています。",
			"Unknown whether sensitive personal data is involved. If so, APPI applies; the engine assumes it is."))
	case T2:
		rs.add(ReviewAPPIT2Unknown, "financial_damage_risk", tx(
			"財産的被害のおそれの有無が不明です。おそれがある前提で計算しています。",
			"Unknown whether misuse may cause financial damage; the engine assumes it may."))
	case T3:
		rs.add(ReviewAPPIT3Unknown, "unauthorized_purpose", tx(
			"不正の目的をもって行われたおそれの有無が不明です。該当すれば報告対象となり確報期限は60日になりますが、早い方の30日で表示しています。",
			"Unknown whether the leak may stem from an act with a wrongful purpose. If so, APPI applies and the final report is due on day 60; the earlier day-30 date is shown."))
	case T4:
		rs.add(ReviewAPPIT4Unknown, "persons_affected", tx(
			"本人の数（確定数又は最大数）が未入力のため、1,000人を超えるかが不明です。超える前提で計算しています。",
			"Neither the number of persons nor its upper bound is given, so whether more than 1,000 are affected is unknown; the engine assumes more."))
	}
}

// appiWhy explains which triggers were met or assumed.
func appiWhy(f Facts, a APPIAssessment) i18n.Text {
	var ja, en []string
	for _, c := range a.Triggers {
		l := c.Label()
		detail := triggerDetail(f, c)
		ja = append(ja, fmt.Sprintf("%s（%s）%s", c, l.JA, detail.JA))
		en = append(en, fmt.Sprintf("%s (%s)%s", c, l.EN, detail.EN))
	}
	if a.Provisional {
		for _, c := range a.Possible {
			l := c.Label()
			ja = append(ja, fmt.Sprintf("%s（%s）は不明のため該当と仮定", c, l.JA))
			en = append(en, fmt.Sprintf("%s (%s) unknown, assumed met", c, l.EN))
		}
	}
	return tx("報告対象事態: "+strings.Join(ja, "、")+"。", "APPI triggers: "+strings.Join(en, "; ")+".")
}

// triggerDetail names the data items or flags behind a trigger.
func triggerDetail(f Facts, c TriggerCode) i18n.Text {
	var items []DataItem
	switch c {
	case T1:
		if f.Sensitive.IsUnknown() {
			items = f.presentOf(sensitiveItems)
		}
	case T2:
		if f.FinancialDamageRisk.IsUnknown() {
			items = f.presentOf(financialRiskItems)
		}
	case T3:
		if f.DataBeingEntered.IsTrue() {
			return tx("—入力中の情報の窃取を含む", " — includes data being entered into a form")
		}
	case T4:
		lo, hi, _ := f.PersonsRange()
		if lo > T4Threshold {
			return tx(fmt.Sprintf("—%d人", lo), fmt.Sprintf(" — %d persons", lo))
		}
		return tx(fmt.Sprintf("—確定%d人、最大%d人のおそれ（最大数が1,000人を超えるため該当）", lo, hi),
			fmt.Sprintf(" — %d persons known, up to %d possibly affected (the possible number exceeds 1,000)", lo, hi))
	}
	if len(items) == 0 {
		return i18n.Text{}
	}
	return tx("—"+joinStrings(items), " — "+joinStrings(items))
}
