package obligations

import (
	"fmt"
	"strings"
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

var triggerLabels = map[TriggerCode]Text{
	T1: tx("要配慮個人情報", "sensitive personal data"),
	T2: tx("財産的被害のおそれ", "risk of financial damage"),
	T3: tx("不正の目的をもって行われたおそれ", "possible wrongful purpose"),
	T4: tx("本人の数が1,000人超", "more than 1,000 persons"),
}

// Label returns the short name of the trigger.
func (c TriggerCode) Label() Text { return triggerLabels[c] }

// Exclusions of the APPI duties.
const (
	ExcludedEncryption = "high_level_encryption" // 高度な暗号化, key not compromised
	ExcludedProcessor  = "entrusted_processor"   // 委託先 that notified its 委託元
)

// APPIAssessment is the outcome of the APPI trigger test.
type APPIAssessment struct {
	// InScope: Japan is evaluated (residents has JP > 0, or is empty).
	InScope bool `json:"in_scope"`
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
	Why Text `json:"why"`
}

// assessAPPI runs the APPI trigger test (施行規則7条) on f and records the
// unknowns that could change its answer in rs.
func assessAPPI(f Facts, rs reviews) APPIAssessment {
	a := APPIAssessment{Triggers: []TriggerCode{}, Possible: []TriggerCode{}}
	a.InScope = len(f.Residents) == 0 || f.residents(JP) > 0
	if !a.InScope {
		rs.add(ReviewAPPINotEvaluated, "residents.JP", tx(
			"居住者の内訳に日本（JP）がないため、個人情報保護法の報告義務を評価していません。同法は本人の居住地にかかわらず国内で個人データを取り扱う事業者に適用されます。日本の事業者であれば確認してください。",
			"APPI was not evaluated because residents lists no JP persons. APPI binds a business handling personal data in Japan whatever the residence of the persons; if the organisation is a Japanese business, check it."))
		a.Why = tx("日本の居住者なし（評価対象外）。", "No JP residents listed (not evaluated).")
		return a
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
	if len(a.Triggers) == 0 && len(a.Possible) == 0 {
		a.Why = tx("報告対象事態（施行規則7条1号～4号）のいずれにも該当しません。", "None of the APPI triggers (Enforcement Rules Art. 7(1)–(4)) is met.")
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

// personsOver is the T4 test: True when more than n persons are certainly
// affected, False when at most n can be, Unknown in between.
func personsOver(f Facts, n int64) Tri {
	lo, hi, hiKnown := f.PersonsRange()
	switch {
	case lo > n:
		return True
	case hiKnown && hi <= n:
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
func appiExclusion(f Facts, rs reviews) (string, Text) {
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
	return "", Text{}
}

// encryptionUnknownText is shared by every rule with an encryption safe
// harbour so that one review entry covers them all.
var encryptionUnknownText = tx(
	"高度な暗号化の有無が不明です。暗号化され鍵が漏えいしていなければ、個人情報保護委員会への報告や一部の通知（カリフォルニア州、GDPR 34条など）が不要になる可能性があります。暗号化されていない前提で計算しています。",
	"Unknown whether the data was protected by high-level encryption. If it was, and the key did not leak, the APPI report and some notices (California, GDPR Art. 34, ...) may not be required; the engine assumes it was not.")

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
		field := "persons_affected"
		if f.PersonsUpperBound != nil && *f.PersonsUpperBound > T4Threshold {
			field = "persons_upper_bound"
		}
		rs.add(ReviewAPPIT4Unknown, field, tx(
			"本人の数が1,000人を超えるかが不明です（上限または人数が未確定）。超える前提で計算しています。",
			"Unknown whether more than 1,000 persons are affected (count or upper bound open); the engine assumes more."))
	}
}

// appiWhy explains which triggers were met or assumed.
func appiWhy(f Facts, a APPIAssessment) Text {
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
func triggerDetail(f Facts, c TriggerCode) Text {
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
		lo, _, _ := f.PersonsRange()
		return tx(fmt.Sprintf("—%d人", lo), fmt.Sprintf(" — %d persons", lo))
	}
	if len(items) == 0 {
		return Text{}
	}
	return tx("—"+joinStrings(items), " — "+joinStrings(items))
}
