package obligations

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The tests of this file come from the second review of the rule table
// against primary texts (issue 20). Each is built from the example the
// source gives and names that source; rules.go's Sources say where each
// text was read and when.

// compute parses facts and computes them an hour after awareness.
func compute(t *testing.T, js string) Result {
	t.Helper()
	f := mustFacts(t, js)
	r := Compute(f, f.AwareAt.Add(time.Hour))
	checkInvariants(t, r)
	return r
}

// Point 1. Enforcement Rules Art. 7(iv): "個人データに係る本人の数が千人を
// 超える漏えい等が発生し、又は発生したおそれがある事態"; GL (General Rules)
// 3-5-3-1 reads it as met when the number possibly affected can exceed
// 1,000 at most (最大…を超える場合). A count of 800 with up to 1,500
// possibly affected is a T4 situation, not an unknown.
func TestT4UpperBoundMeetsTrigger(t *testing.T) {
	t.Parallel()
	r := compute(t, fx("2026-06-01T10:00:00+09:00", plain+`,"persons_affected":800,"persons_upper_bound":1500`))
	if got := appiState(r.APPI); got != "applies" || !slices.Equal(r.APPI.Triggers, []TriggerCode{T4}) {
		t.Fatalf("APPI = %s, triggers %v (%s)", got, r.APPI.Triggers, r.APPI.Why.EN)
	}
	for _, id := range []string{final, prel, indiv} {
		if o, ok := find(r, id); !ok || o.Provisional {
			t.Errorf("%s: present %v, provisional %v; want a certain duty", id, ok, o.Provisional)
		}
	}
	checkWant(t, r, final, "due 2026-06-30T23:59:59+09:00")
	if hasReview(r, ReviewAPPIT4Unknown) {
		t.Error("T4 is met, not unknown")
	}
	if !strings.Contains(r.APPI.Why.JA, "最大1500人") || !strings.Contains(r.APPI.Why.EN, "up to 1500") {
		t.Errorf("explanation should name the possible number: %s / %s", r.APPI.Why.JA, r.APPI.Why.EN)
	}
	// An upper bound of exactly 1,000 still settles T4 the other way.
	r = compute(t, fx("2026-06-01T10:00:00+09:00", plain+`,"persons_affected":800,"persons_upper_bound":1000`))
	if appiState(r.APPI) != "none" {
		t.Errorf("upper bound 1,000: APPI = %s", appiState(r.APPI))
	}
	// Held-out style: with neither count nor bound, T4 is unknown, assumed
	// met, reviewed, and the earlier (30-day) date is shown.
	r = compute(t, fx("2026-06-01T10:00:00+09:00", plain))
	if appiState(r.APPI) != "provisional" || !hasReview(r, ReviewAPPIT4Unknown+"@persons_affected") {
		t.Errorf("no count: APPI = %s, reviews %v", appiState(r.APPI), reviewCodes(r))
	}
	checkWant(t, r, final, "due 2026-06-30T23:59:59+09:00")
}

// Point 2. GL (General Rules) 3-5-3-1 gives, as its first example of a
// reportable case under Art. 7(ii), card numbers leaked from an EC site;
// PPC Q&A 6-15 keeps a case reportable when the risk existed on awareness
// even if later measures removed it. An explicit "no risk" for card numbers
// is the user's call, but it is flagged with the reason.
func TestCardNumbersWithFinancialRiskFalse(t *testing.T) {
	t.Parallel()
	ec := `"data_items":["card_number","card_expiry","name","email"],"sensitive":false,"unauthorized_purpose":false,"high_level_encryption":false,"persons_affected":120`
	r := compute(t, fx("2026-06-01T10:00:00+09:00", ec+`,"financial_damage_risk":false`))
	if appiState(r.APPI) != "none" {
		t.Errorf("explicit false is kept: APPI = %s", appiState(r.APPI))
	}
	i := slices.IndexFunc(r.NeedsReview, func(n NeedsReview) bool { return n.Code == ReviewAPPIT2CardNumbers })
	if i < 0 {
		t.Fatalf("missing %s; got %v", ReviewAPPIT2CardNumbers, reviewCodes(r))
	}
	msg := r.NeedsReview[i]
	if msg.Field != "financial_damage_risk" || !strings.Contains(msg.Message.JA, "ECサイトからクレジットカード番号") ||
		!strings.Contains(msg.Message.JA, "3-5-3-1") || !strings.Contains(msg.Message.EN, "Q&A 6-15") {
		t.Errorf("review should give the reason and cite the guideline: %+v", msg)
	}
	if !strings.Contains(r.APPI.Why.EN, "needs review") {
		t.Errorf("APPI explanation should not pass quietly: %s", r.APPI.Why.EN)
	}
	// Left unknown, card numbers imply T2 and no such review is needed.
	r = compute(t, fx("2026-06-01T10:00:00+09:00", ec))
	if appiState(r.APPI) != "applies" || hasReview(r, ReviewAPPIT2CardNumbers) {
		t.Errorf("unknown flag: APPI = %s, reviews %v", appiState(r.APPI), reviewCodes(r))
	}
}

// Point 3. APPI Art. 26(1) binds the business that handles the personal
// data, with no condition on where the persons live; only Art. 171 (PPC
// Q&A 11-2) limits a business abroad to persons in Japan. A Japanese EC
// site whose leak touched only customers in California and the EU still
// reports to the PPC.
func TestAPPIWithoutJapaneseResidents(t *testing.T) {
	t.Parallel()
	r := compute(t, fx("2026-06-01T10:00:00+09:00", `"data_items":["card_number","name"],"unauthorized_purpose":false,"high_level_encryption":false,"persons_affected":70,"residents":{"US-CA":50,"EU":20},"eu_risk":"risk"`))
	if appiState(r.APPI) != "applies" {
		t.Fatalf("APPI = %s (%s)", appiState(r.APPI), r.APPI.Why.EN)
	}
	checkWant(t, r, final, "due 2026-06-30T23:59:59+09:00")
	checkWant(t, r, "us.ca.residents", "+")
	checkWant(t, r, "eu.gdpr.art33", "+")
	if !hasReview(r, ReviewAPPINoJPResidents+"@residents.JP") {
		t.Errorf("missing the note for a business abroad; got %v", reviewCodes(r))
	}
}

// Point 4. Each modelled state excludes data encrypted with the key not
// acquired: Tex. Bus. & Com. Code § 521.002(a)(2) ("if the name and the
// items are not encrypted") and § 521.053(a); Fla. Stat. § 501.171(1)(g)2;
// Colo. Rev. Stat. § 6-1-716(1) ("unencrypted"); RCW 19.255.010(1) ("not
// secured"; the key acquired cancels it); and California, § 1798.82(a)(1).
func TestUSEncryptionSafeHarbour(t *testing.T) {
	t.Parallel()
	base := `"data_items":["card_number","name"],"unauthorized_purpose":false,"eu_risk":"risk","residents":{"US-CA":600,"US-TX":300,"US-FL":600,"US-CO":600,"US-WA":600}`
	ids := []string{"us.ca.residents", "us.ca.ag", "us.tx.residents", "us.tx.ag", "us.fl.residents", "us.fl.dla",
		"us.co.residents", "us.co.ag", "us.wa.residents", "us.wa.ag"}
	r := compute(t, fx("2026-12-01T10:00:00+09:00", base+`,"high_level_encryption":true,"key_compromised":false`))
	for _, id := range ids {
		checkWant(t, r, id, "-")
	}
	r = compute(t, fx("2026-12-01T10:00:00+09:00", base+`,"high_level_encryption":true,"key_compromised":true`))
	for _, id := range ids {
		checkWant(t, r, id, "+")
	}
	// Held-out style: unknown encryption keeps every notice, with a review.
	r = compute(t, fx("2026-12-01T10:00:00+09:00", base))
	for _, id := range ids {
		checkWant(t, r, id, "+")
	}
	checkWant(t, r, "us.tx.residents", "due 2027-01-30T14:59:59+09:00")
	if !hasReview(r, ReviewEncryptionUnknown+"@high_level_encryption") {
		t.Errorf("missing encryption review; got %v", reviewCodes(r))
	}
}

// Point 5. RCW 19.255.005(2)(a)(i)(D): a name with the full date of birth
// is personal information in Washington; California's list (§ 1798.82(h))
// has no date of birth.
func TestWashingtonDateOfBirth(t *testing.T) {
	t.Parallel()
	r := compute(t, fx("2026-12-01T10:00:00+09:00", `"data_items":["name","birth_date","email"],"sensitive":false,"financial_damage_risk":false,"unauthorized_purpose":false,"high_level_encryption":false,"entrusted_processor":false,"residents":{"US-WA":600,"US-CA":600}`))
	checkWant(t, r, "us.wa.residents", "due 2026-12-31T16:59:59+09:00")
	checkWant(t, r, "us.wa.ag", "due 2026-12-31T16:59:59+09:00")
	checkWant(t, r, "us.ca.residents", "-")
	if o, _ := find(r, "us.wa.residents"); o.Provisional || !strings.Contains(o.Explanation.EN, "birth_date") {
		t.Errorf("Washington notice should be certain and name the element: %+v", o.Explanation.EN)
	}
}

// Point 6. A party that maintains data it does not own tells the owner,
// not the residents or regulators: Cal. Civ. Code § 1798.82(b), N.Y. Gen.
// Bus. Law § 899-aa(3), Tex. Bus. & Com. Code § 521.053(c) and RCW
// 19.255.010(2) ("immediately following discovery"); Fla. Stat.
// § 501.171(6) (within 10 days); Colo. Rev. Stat. § 6-1-716 (third-party
// service provider, without unreasonable delay). GDPR Art. 33(2): "The
// processor shall notify the controller without undue delay after becoming
// aware of a personal data breach."
func TestProcessorsNotifyTheOwner(t *testing.T) {
	t.Parallel()
	base := `"data_items":["card_number","name"],"unauthorized_purpose":false,"high_level_encryption":false,"eu_risk":"high","residents":{"JP":10,"US-CA":600,"US-NY":10,"US-TX":300,"US-FL":600,"US-CO":600,"US-WA":600,"EU":40,"UK":5}`
	r := compute(t, fx("2026-12-01T10:00:00+09:00", base+`,"entrusted_processor":true`))
	for id, want := range map[string]string{
		"us.ca.owner": "target 2026-12-02T10:00:00+09:00", "us.ny.owner": "target 2026-12-02T10:00:00+09:00",
		"us.tx.owner": "target 2026-12-02T10:00:00+09:00", "us.wa.owner": "target 2026-12-02T10:00:00+09:00",
		"us.fl.owner": "due 2026-12-11T13:59:59+09:00", "us.co.owner": "target 2026-12-04T10:00:00+09:00",
		"eu.gdpr.processor": "target 2026-12-04T10:00:00+09:00", "uk.gdpr.processor": "target 2026-12-04T10:00:00+09:00",
		"us.ca.residents": "-", "us.ca.ag": "-", "us.ny.regulators": "-", "us.tx.ag": "-", "us.fl.dla": "-",
		"us.co.ag": "-", "us.wa.ag": "-", "eu.gdpr.art33": "-", "eu.gdpr.art34": "-", "uk.gdpr.art33": "-",
		"jp.appi.processor_to_principal": "+",
	} {
		checkWant(t, r, id, want)
	}
	// A controller or owner: the owner-side duties, none of the processor's.
	r = compute(t, fx("2026-12-01T10:00:00+09:00", base+`,"entrusted_processor":false`))
	for _, id := range []string{"us.ca.owner", "us.fl.owner", "eu.gdpr.processor"} {
		checkWant(t, r, id, "-")
	}
	checkWant(t, r, "eu.gdpr.art33", "due 2026-12-04T10:00:00+09:00")
	if hasReview(r, ReviewProcessorRole) {
		t.Error("a known role needs no review")
	}
	// Held-out style: the role unknown, the organisation is taken to notify
	// the regulator and the people itself (the fuller duty), and a review
	// names the owner's shorter clock it may owe instead.
	r = compute(t, fx("2026-12-01T10:00:00+09:00", base))
	checkWant(t, r, "us.ca.residents", "+")
	checkWant(t, r, "eu.gdpr.art33", "due 2026-12-04T10:00:00+09:00")
	checkWant(t, r, "us.ca.owner", "-")
	if !hasReview(r, ReviewProcessorRole+"@entrusted_processor") {
		t.Errorf("missing %s; got %v", ReviewProcessorRole, reviewCodes(r))
	}
}

// Point 7. PIPA Enforcement Decree Art. 40(1)(iii) (in force 2026-09-11):
// a report for any number of people is due when the leak came from
// "외부로부터의 불법적인 접근" (unlawful access from outside) to the
// processing system; an employee taking data out is a wrongful purpose
// under APPI but not access from outside.
func TestKoreaInsiderTheftIsNotHacking(t *testing.T) {
	t.Parallel()
	insider := `"data_items":["name","email"],"sensitive":false,"unauthorized_purpose":true,"residents":{"KR":10}`
	r := compute(t, fx("2026-12-01T10:00:00+09:00", insider+`,"external_access":false`))
	checkWant(t, r, "kr.pipa.individuals", "due 2026-12-04T10:00:00+09:00")
	checkWant(t, r, "kr.pipa.pipc", "-")
	checkWant(t, r, "jp.police.consultation", "+") // still a wrongful purpose in Japan
	r = compute(t, fx("2026-12-01T10:00:00+09:00", insider+`,"external_access":true`))
	checkWant(t, r, "kr.pipa.pipc", "due 2026-12-04T10:00:00+09:00")
	if o, _ := find(r, "kr.pipa.pipc"); o.Provisional {
		t.Error("hacking makes the report certain")
	}
	// Held-out style: a wrongful act of unknown origin is reported, flagged.
	r = compute(t, fx("2026-12-01T10:00:00+09:00", insider))
	if o, ok := find(r, "kr.pipa.pipc"); !ok || !o.Provisional || !hasReview(r, ReviewKRReportUnknown) {
		t.Errorf("unknown origin: present %v, provisional %v, reviews %v", ok, o.Provisional, reviewCodes(r))
	}
	// No wrongful act at all: no unlawful access either.
	r = compute(t, fx("2026-12-01T10:00:00+09:00", `"data_items":["name","email"],"sensitive":false,"unauthorized_purpose":false,"residents":{"KR":10}`))
	checkWant(t, r, "kr.pipa.pipc", "-")
}

// GL 3-5-3-3: for a company the clock starts when any of its departments
// knew of the situation (いずれかの部署が当該事態を知った時点).
func TestClockStartAnyDepartment(t *testing.T) {
	t.Parallel()
	for _, id := range []string{prel, indiv, "jp.appi.processor_to_principal", "jp.card.acquirer"} {
		r, _ := RuleByID(id)
		if !strings.Contains(r.ClockStart.JA, "いずれかの部署が当該事態を知った時点") || !strings.Contains(r.ClockStart.EN, "any of its departments") {
			t.Errorf("%s: clock start %q / %q", id, r.ClockStart.JA, r.ClockStart.EN)
		}
	}
}

// APPI Art. 26(2) proviso and GL 3-5-4-5: where notice is difficult, an
// alternative measure — publishing the incident or an inquiry desk — will
// do; either one, not both.
func TestIndividualNoticeAlternativeIsEither(t *testing.T) {
	t.Parallel()
	r, _ := RuleByID(indiv)
	if !strings.Contains(r.Recipient.JA, "事案の公表又は問合せ窓口") || strings.Contains(r.Recipient.JA, "及び") ||
		!strings.Contains(r.Recipient.EN, " or ") {
		t.Errorf("recipient: %q / %q", r.Recipient.JA, r.Recipient.EN)
	}
}

// Act on Holidays of Administrative Organs Art. 2 with GL 3-5-3-4: a final
// report whose last day falls in the closure moves to the next open day,
// and the explanation names every closed day it crossed.
func TestMovedDeadlineNamesEveryClosedDay(t *testing.T) {
	t.Parallel()
	r := compute(t, fx("2026-11-30T10:00:00+09:00", card))
	o, _ := find(r, final)
	for _, d := range []string{"2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"} {
		if !strings.Contains(o.Explanation.JA, d) || !strings.Contains(o.Explanation.EN, d) {
			t.Errorf("explanation lacks %s:\n%s\n%s", d, o.Explanation.JA, o.Explanation.EN)
		}
	}
	checkWant(t, r, final, "due 2027-01-04T23:59:59+09:00")
	// Golden Week 2026: Sunday 5/3, then three holidays, each by its name.
	r = compute(t, fx("2026-04-04T09:00:00+09:00", card))
	o, _ = find(r, final)
	for _, part := range []string{"2026-05-03（日） 憲法記念日", "2026-05-04（月） みどりの日", "2026-05-05（火） こどもの日", "2026-05-06（水） 振替休日"} {
		if !strings.Contains(o.Explanation.JA, part) {
			t.Errorf("explanation lacks %q:\n%s", part, o.Explanation.JA)
		}
	}
}

// Rules Art. 8(1) says only "promptly"; GL 3-5-3-3 gives roughly 3–5 days
// from awareness. The day-3-to-day-5 window counted from the aware date as
// day 1 is this system's conservative target, and says so.
func TestPreliminaryWindowIsOurTarget(t *testing.T) {
	t.Parallel()
	rule, _ := RuleByID(prel)
	if !strings.Contains(rule.Deadline.Text.JA, "当システムの目標") || !strings.Contains(rule.Caveat.EN, "not the guideline's own count") {
		t.Errorf("rule text: %q / %q", rule.Deadline.Text.JA, rule.Caveat.EN)
	}
	r := compute(t, fx("2026-06-01T10:00:00+09:00", card))
	o, _ := find(r, prel)
	if !strings.Contains(o.Explanation.JA, "当システムの保守的な目標") || !strings.Contains(o.Explanation.EN, "conservative target") {
		t.Errorf("explanation: %s / %s", o.Explanation.JA, o.Explanation.EN)
	}
}

// PIPA as amended (Act No. 21445, in force 2026-09-11): the caveat states
// the amendment as law, no longer as something reported.
func TestKoreanCaveatIsCurrent(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"kr.pipa.individuals", "kr.pipa.pipc"} {
		r, _ := RuleByID(id)
		if r.Caveat == nil || !strings.Contains(r.Caveat.EN, "2026-09-11") || strings.Contains(r.Caveat.EN, "changes reported") {
			t.Errorf("%s caveat: %+v", id, r.Caveat)
		}
	}
	if r, _ := RuleByID("kr.pipa.pipc"); !strings.Contains(r.Basis.EN, "Art. 34(4)") {
		t.Errorf("the report moved to Art. 34(4): %s", r.Basis.EN)
	}
}

// Installment Sales Act Art. 35-16(1) (METI: merchants must manage card
// information properly; the registered acquirer or PSP investigates its
// merchants): a duty to act after a card-number leak that names no
// recipient and no time. It is shown with no date and says so; the report
// to the acquirer or PSP is contractual.
func TestInstallmentSalesActDuty(t *testing.T) {
	t.Parallel()
	r := compute(t, fx("2026-12-04T10:00:00+09:00", card+`,"card_brands":["visa"]`))
	o, ok := find(r, "jp.isa.measures")
	if !ok || o.DueAt != nil || o.TargetAt != nil || o.DeadlineKind != KindNone || !o.Internal {
		t.Fatalf("jp.isa.measures: present %v, %+v", ok, o)
	}
	if !strings.Contains(o.Deadline.JA, "期限の定めなし") || !strings.Contains(o.Explanation.EN, "names no time") {
		t.Errorf("the duty should say it has no deadline: %q / %q", o.Deadline.JA, o.Explanation.EN)
	}
	if last := r.Obligations[len(r.Obligations)-1]; last.RuleID != "jp.isa.measures" {
		t.Errorf("an undated duty sorts last, got %s", last.RuleID)
	}
	checkWant(t, r, "jp.card.acquirer", "target 2026-12-05T10:00:00+09:00")
	if a, _ := RuleByID("jp.card.acquirer"); !strings.Contains(a.Basis.JA, "加盟店契約") {
		t.Errorf("the acquirer report is contractual: %s", a.Basis.JA)
	}
	r = compute(t, fx("2026-12-04T10:00:00+09:00", plain+`,"persons_affected":10`))
	checkWant(t, r, "jp.isa.measures", "-")
}

// Every rule cites at least one primary text; VerifiedOn is the latest
// date one of them was read (per rule, not one constant); a text read has
// an address, and one not read says why.
func TestEveryRuleCitesPrimarySources(t *testing.T) {
	t.Parallel()
	dates := map[string]bool{}
	for _, r := range Rules() {
		primary, want := 0, ""
		for _, s := range r.Sources {
			if s.Cite.JA == "" || s.Cite.EN == "" {
				t.Errorf("%s: source without citation: %+v", r.ID, s)
			}
			if !s.Primary {
				continue
			}
			primary++
			switch {
			case s.CheckedOn != "" && s.URL == "":
				t.Errorf("%s: %s read but has no address", r.ID, s.Cite.EN)
			case s.CheckedOn == "" && s.Note == nil:
				t.Errorf("%s: %s not read and no note why", r.ID, s.Cite.EN)
			}
			want = max(want, s.CheckedOn)
		}
		if primary == 0 {
			t.Errorf("%s cites no primary source", r.ID)
		}
		if want == "" {
			want = notesCheckedOn
		}
		if r.VerifiedOn != want {
			t.Errorf("%s: verified_on %s, want %s", r.ID, r.VerifiedOn, want)
		}
		dates[r.VerifiedOn] = true
	}
	if len(dates) < 2 {
		t.Errorf("verified_on should differ by rule, got only %v", dates)
	}
}
