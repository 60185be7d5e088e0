package obligations

import (
	"encoding/json"
	"testing"
	"time"
)

// Fragments of facts used by the table. card: a card leak with T2 only
// (T3 false), 10 persons. plain: no APPI trigger except possibly T4.
const (
	card     = `"data_items":["card_number","security_code","name"],"unauthorized_purpose":false,"high_level_encryption":false,"persons_affected":10`
	plain    = `"data_items":["name","email"],"sensitive":false,"financial_damage_risk":false,"unauthorized_purpose":false,"high_level_encryption":false`
	usBase   = `"data_items":["card_number","name"],"unauthorized_purpose":false,"high_level_encryption":false,"eu_risk":"risk"`
	noBrands = `"card_brands":["visa"]`
)

const (
	final = "jp.appi.ppc.final"
	prel  = "jp.appi.ppc.preliminary"
	indiv = "jp.appi.individual_notice"
)

type computeCase struct {
	name     string
	facts    string
	want     map[string]string // rule id → expectation (see checkWant)
	prov     []string          // rule ids expected provisional
	review   []string          // "CODE" or "CODE@field" expected
	noReview []string
	appi     string // "applies", "provisional", "none", "out", or an exclusion
}

var computeCases = []computeCase{
	// --- APPI final report: 30 days, aware date = day 1, Japanese calendar.
	{name: "final day 30 on 12/29 closure rolls to 2027-01-04",
		facts: fx("2026-11-30T10:00:00+09:00", card),
		want: map[string]string{final: "due 2027-01-04T23:59:59+09:00",
			prel: "window 2026-12-02T23:59:59+09:00; due 2026-12-04T23:59:59+09:00"},
		appi: "applies"},
	{name: "tz: 16:30Z is already 12-01 in Tokyo",
		facts: fx("2026-11-30T16:30:00Z", card),
		want: map[string]string{final: "due 2027-01-04T23:59:59+09:00",
			prel: "window 2026-12-03T23:59:59+09:00; due 2026-12-05T23:59:59+09:00"}},
	{name: "tz: 20:00Z counts from the Tokyo date, not the UTC date",
		facts: fx("2026-11-10T20:00:00Z", card),
		want:  map[string]string{final: "due 2026-12-10T23:59:59+09:00"}},
	{name: "tz: 14:59:59Z is still the same day in Tokyo",
		facts: fx("2026-11-10T14:59:59Z", card),
		want:  map[string]string{final: "due 2026-12-09T23:59:59+09:00"}},
	{name: "tz: Japanese days count in Tokyo even for an LA organisation",
		facts: fx("2026-11-10T20:00:00Z", card+`,"timezone":"America/Los_Angeles"`),
		want:  map[string]string{final: "due 2026-12-10T06:59:59-08:00"}},
	{name: "Golden Week: day 30 on Sunday 5/3 rolls to 5/7",
		facts: fx("2026-04-04T09:00:00+09:00", card),
		want:  map[string]string{final: "due 2026-05-07T23:59:59+09:00"}},
	{name: "Showa Day 4/29 rolls to 4/30",
		facts: fx("2026-03-31T09:00:00+09:00", card),
		want:  map[string]string{final: "due 2026-04-30T23:59:59+09:00"}},
	{name: "substitute holiday 2026-05-06 rolls to 5/7",
		facts: fx("2026-04-07T09:00:00+09:00", card),
		want:  map[string]string{final: "due 2026-05-07T23:59:59+09:00"}},
	{name: "Golden Week 2025: Saturday 5/3 rolls to 5/7",
		facts:  fx("2025-04-04T09:00:00+09:00", card),
		want:   map[string]string{final: "due 2025-05-07T23:59:59+09:00"},
		review: []string{ReviewOlderIncident}, noReview: []string{ReviewCalendarUnverified}},
	{name: "Silver Week: Saturday 9/19 rolls over the citizens' holiday to 9/24",
		facts: fx("2026-08-21T09:00:00+09:00", card),
		want:  map[string]string{final: "due 2026-09-24T23:59:59+09:00"}},
	{name: "citizens' holiday 2026-09-22 rolls to 9/24",
		facts: fx("2026-08-24T09:00:00+09:00", card),
		want:  map[string]string{final: "due 2026-09-24T23:59:59+09:00"}},
	{name: "equinox substitute 2027-03-22 rolls to 3/23",
		facts: fx("2027-02-21T09:00:00+09:00", card),
		want:  map[string]string{final: "due 2027-03-23T23:59:59+09:00"}},
	{name: "equinox on Sunday 2027-03-21 rolls to 3/23",
		facts: fx("2027-02-20T09:00:00+09:00", card),
		want:  map[string]string{final: "due 2027-03-23T23:59:59+09:00"}},
	{name: "day 30 on 12/28 is a business day",
		facts: fx("2026-11-29T09:00:00+09:00", card),
		want:  map[string]string{final: "due 2026-12-28T23:59:59+09:00"}},
	{name: "day 30 on 12/31 rolls to 1/4",
		facts: fx("2026-12-02T09:00:00+09:00", card),
		want:  map[string]string{final: "due 2027-01-04T23:59:59+09:00"}},
	{name: "day 30 on 1/3 rolls to 1/4",
		facts: fx("2026-12-05T09:00:00+09:00", card),
		want:  map[string]string{final: "due 2027-01-04T23:59:59+09:00"}},
	{name: "day 30 on 1/4 stands",
		facts: fx("2026-12-06T09:00:00+09:00", card),
		want:  map[string]string{final: "due 2027-01-04T23:59:59+09:00"}},
	{name: "2025 year end: closure then Sunday 1/4, rolls to 2026-01-05",
		facts: fx("2025-11-30T09:00:00+09:00", card),
		want:  map[string]string{final: "due 2026-01-05T23:59:59+09:00"}},
	{name: "plain weekday, no roll",
		facts: fx("2026-06-01T09:00:00+09:00", card),
		want:  map[string]string{final: "due 2026-06-30T23:59:59+09:00"}},
	{name: "unverified year 2028 asks for review",
		facts:  fx("2027-11-30T09:00:00+09:00", card),
		want:   map[string]string{final: "due 2028-01-04T23:59:59+09:00"},
		review: []string{ReviewCalendarUnverified + "@aware_at"}},
	{name: "unverified year 2023 and older incident",
		facts:  fx("2023-06-01T09:00:00+09:00", card),
		want:   map[string]string{final: "due 2023-06-30T23:59:59+09:00"},
		review: []string{ReviewCalendarUnverified, ReviewOlderIncident}},
	{name: "23:30 JST counts as that day in Tokyo",
		facts: fx("2026-11-10T23:30:00+09:00", card),
		want:  map[string]string{final: "due 2026-12-09T23:59:59+09:00"}},
	{name: "00:30 JST is the next day in Tokyo while UTC is still on the day before",
		facts: fx("2026-11-11T00:30:00+09:00", card),
		want:  map[string]string{final: "due 2026-12-10T23:59:59+09:00"}},
	{name: "either side of UTC midnight is the same Tokyo day",
		facts: fx("2026-11-10T23:30:00Z", card),
		want:  map[string]string{final: "due 2026-12-10T23:59:59+09:00"}},
	{name: "leap day 2028-02-29 is a business day",
		facts:  fx("2028-01-31T10:00:00+09:00", card),
		want:   map[string]string{final: "due 2028-02-29T23:59:59+09:00"},
		review: []string{ReviewCalendarUnverified + "@aware_at"}},
	{name: "30 days from 2028-02-01 end on 3/1: February has 29 days",
		facts:  fx("2028-02-01T10:00:00+09:00", card),
		want:   map[string]string{final: "due 2028-03-01T23:59:59+09:00"},
		review: []string{ReviewCalendarUnverified + "@aware_at"}},
	{name: "30 days from 2027-02-01 end on 3/2",
		facts: fx("2027-02-01T10:00:00+09:00", card),
		want:  map[string]string{final: "due 2027-03-02T23:59:59+09:00"}},
	{name: "Japanese days for an LA organisation across the start of US summer time",
		facts: fx("2027-03-13T18:00:00-08:00", card+`,"timezone":"America/Los_Angeles"`),
		want:  map[string]string{final: "due 2027-04-12T07:59:59-07:00"}},
	{name: "preliminary window is not moved for holidays",
		facts: fx("2026-12-28T10:00:00+09:00", card),
		want:  map[string]string{prel: "window 2026-12-30T23:59:59+09:00; due 2027-01-01T23:59:59+09:00"}},

	// --- 60-day final report (T3).
	{name: "60 days with unauthorized purpose",
		facts: fx("2026-12-01T10:00:00+09:00", `"data_items":["card_number"],"unauthorized_purpose":true,"high_level_encryption":false`),
		want:  map[string]string{final: "due 2027-01-29T23:59:59+09:00", "jp.police.consultation": "target 2026-12-04T10:00:00+09:00"}},
	{name: "60 days ending on National Foundation Day rolls to 2/12",
		facts: fx("2026-12-14T10:00:00+09:00", `"data_items":["card_number"],"unauthorized_purpose":true,"high_level_encryption":false`),
		want:  map[string]string{final: "due 2027-02-12T23:59:59+09:00"}},
	{name: "data being entered counts as T3 (60 days) even with purpose unknown",
		facts:    fx("2026-12-01T10:00:00+09:00", `"data_items":["card_number"],"data_being_entered":true,"high_level_encryption":false`),
		want:     map[string]string{final: "due 2027-01-29T23:59:59+09:00", "jp.police.consultation": "+"},
		noReview: []string{ReviewAPPIT3Unknown}},
	{name: "T3 unknown: safer 30-day date and a review",
		facts:  fx("2026-12-01T10:00:00+09:00", `"data_items":["card_number"],"high_level_encryption":false`),
		want:   map[string]string{final: "due 2027-01-04T23:59:59+09:00"},
		prov:   []string{"jp.police.consultation"},
		review: []string{ReviewAPPIT3Unknown + "@unauthorized_purpose"}},
	{name: "T3 alone triggers APPI with 60 days",
		facts: fx("2026-06-01T10:00:00+09:00", `"data_items":["name","email"],"sensitive":false,"financial_damage_risk":false,"unauthorized_purpose":true,"high_level_encryption":false,"persons_affected":10`),
		want:  map[string]string{final: "due 2026-07-30T23:59:59+09:00"}, appi: "applies"},

	// --- T4: more than 1,000 persons.
	{name: "exactly 1,000 persons does not trigger",
		facts: fx("2026-06-01T10:00:00+09:00", plain+`,"persons_affected":1000`),
		want:  map[string]string{final: "-", prel: "-", indiv: "-"}, appi: "none"},
	{name: "1,001 persons triggers",
		facts: fx("2026-06-01T10:00:00+09:00", plain+`,"persons_affected":1001`),
		want:  map[string]string{final: "due 2026-06-30T23:59:59+09:00", indiv: "target 2026-06-04T10:00:00+09:00"}, appi: "applies"},
	// An upper bound above 1,000 meets T4: see TestT4UpperBoundMeetsTrigger.
	{name: "upper bound of exactly 1,000 settles T4",
		facts: fx("2026-06-01T10:00:00+09:00", plain+`,"persons_affected":900,"persons_upper_bound":1000`),
		want:  map[string]string{final: "-"}, appi: "none", noReview: []string{ReviewAPPIT4Unknown}},
	{name: "no count at all is an unknown",
		facts:  fx("2026-06-01T10:00:00+09:00", plain),
		prov:   []string{final},
		review: []string{ReviewAPPIT4Unknown + "@persons_affected"}, appi: "provisional"},
	{name: "residents total is a lower bound for T4",
		facts: fx("2026-06-01T10:00:00+09:00", plain+`,"residents":{"JP":1001}`),
		want:  map[string]string{final: "+"}, appi: "applies"},
	{name: "1,000 persons with sensitive data triggers T1",
		facts: fx("2026-06-01T10:00:00+09:00", `"data_items":["name","sensitive_health"],"financial_damage_risk":false,"unauthorized_purpose":false,"high_level_encryption":false,"persons_affected":1000`),
		want:  map[string]string{final: "+"}, appi: "applies", noReview: []string{ReviewAPPIT1Unknown}},

	// --- Encryption exclusion.
	{name: "high-level encryption with the key safe excludes APPI",
		facts: fx("2026-06-01T10:00:00+09:00", `"data_items":["card_number"],"unauthorized_purpose":true,"high_level_encryption":true,"key_compromised":false,"persons_affected":5000`),
		want:  map[string]string{final: "-", prel: "-", indiv: "-", "jp.card.acquirer": "target 2026-06-02T10:00:00+09:00"},
		appi:  ExcludedEncryption},
	{name: "compromised key cancels the encryption exclusion",
		facts: fx("2026-06-01T10:00:00+09:00", `"data_items":["card_number"],"unauthorized_purpose":false,"high_level_encryption":true,"key_compromised":true`),
		want:  map[string]string{final: "due 2026-06-30T23:59:59+09:00"}, appi: "applies"},
	{name: "key compromise unknown: no exclusion, review",
		facts:  fx("2026-06-01T10:00:00+09:00", `"data_items":["card_number"],"unauthorized_purpose":false,"high_level_encryption":true`),
		want:   map[string]string{final: "+"},
		review: []string{ReviewKeyCompromiseUnknown + "@key_compromised"}},
	{name: "encryption unknown: review",
		facts:  fx("2026-06-01T10:00:00+09:00", `"data_items":["card_number"],"unauthorized_purpose":false`),
		want:   map[string]string{final: "+"},
		review: []string{ReviewEncryptionUnknown + "@high_level_encryption"}},
	{name: "skimming is not excluded by encryption of stored data",
		facts:  fx("2026-06-01T10:00:00+09:00", `"data_items":["card_number"],"data_being_entered":true,"high_level_encryption":true,"key_compromised":false`),
		want:   map[string]string{final: "due 2026-07-30T23:59:59+09:00"},
		review: []string{ReviewEncryptionSkimming}, noReview: []string{ReviewEncryptionUnknown}},

	// --- Unknown flags and derived flags.
	{name: "everything unknown: provisional, all triggers listed, 30 days",
		facts:  fx("2026-06-01T10:00:00+09:00", `"data_items":["name","email"]`),
		want:   map[string]string{final: "due 2026-06-30T23:59:59+09:00", prel: "due 2026-06-05T23:59:59+09:00"},
		prov:   []string{final, prel, indiv, "jp.police.consultation"},
		review: []string{ReviewAPPIT1Unknown, ReviewAPPIT2Unknown, ReviewAPPIT3Unknown, ReviewAPPIT4Unknown, ReviewEncryptionUnknown},
		appi:   "provisional"},
	{name: "explicit financial_damage_risk=false wins over card_number, with a review",
		facts: fx("2026-06-01T10:00:00+09:00", `"data_items":["card_number"],"financial_damage_risk":false,"sensitive":false,"unauthorized_purpose":false,"persons_affected":10`),
		want:  map[string]string{final: "-", "jp.card.acquirer": "+"}, appi: "none",
		review: []string{ReviewAPPIT2CardNumbers + "@financial_damage_risk"}},
	{name: "login credentials imply financial damage risk",
		facts: fx("2026-06-01T10:00:00+09:00", `"data_items":["email","login_credentials"],"unauthorized_purpose":false,"high_level_encryption":false,"persons_affected":10`),
		want:  map[string]string{final: "+", "jp.card.acquirer": "-"}, appi: "applies"},
	{name: "bank account implies financial damage risk",
		facts: fx("2026-06-01T10:00:00+09:00", `"data_items":["name","bank_account"],"unauthorized_purpose":false,"high_level_encryption":false,"persons_affected":10`),
		want:  map[string]string{final: "+"}, appi: "applies"},

	// --- Processor (委託先).
	{name: "processor that notified its principal is excluded",
		facts: fx("2026-06-01T10:00:00+09:00", card+`,"entrusted_processor":true,"principal_notified_at":"2026-06-01T15:00:00+09:00"`),
		want:  map[string]string{final: "-", indiv: "-", "jp.appi.processor_to_principal": "-", "jp.card.acquirer": "+"},
		appi:  ExcludedProcessor},
	{name: "processor that has not notified yet: report and notify principal",
		facts:  fx("2026-06-01T10:00:00+09:00", card+`,"entrusted_processor":true`),
		want:   map[string]string{final: "+", "jp.appi.processor_to_principal": "target 2026-06-04T10:00:00+09:00"},
		review: []string{ReviewPrincipalNotNotified + "@principal_notified_at"}},
	{name: "principal notified but processor status unknown",
		facts:  fx("2026-06-01T10:00:00+09:00", card+`,"principal_notified_at":"2026-06-01T15:00:00+09:00"`),
		want:   map[string]string{final: "+", "jp.appi.processor_to_principal": "-"},
		review: []string{ReviewProcessorUnknown + "@entrusted_processor"}},

	// --- Scope: APPI has no residency condition (TestAPPIWithoutJapaneseResidents).
	{name: "JP: 0 is still assessed under APPI",
		facts: fx("2026-06-01T10:00:00+09:00", `"data_items":["card_number"],"unauthorized_purpose":false,"high_level_encryption":false,"residents":{"JP":0,"US-CA":10}`),
		want:  map[string]string{final: "+", "us.ca.residents": "+"}, appi: "applies",
		review: []string{ReviewAPPINoJPResidents + "@residents.JP"}},

	// --- GDPR / UK GDPR: 72 hours to the minute.
	{name: "GDPR Art. 33: 72 h to the minute",
		facts: fx("2026-12-01T10:17:00+09:00", `"data_items":["email"],"residents":{"JP":10,"EU":40},"eu_risk":"risk"`),
		want:  map[string]string{"eu.gdpr.art33": "due 2026-12-04T10:17:00+09:00", "eu.gdpr.art34": "-"}},
	{name: "GDPR Art. 33 keeps the seconds",
		facts: fx("2026-12-01T10:17:42+09:00", `"data_items":["email"],"residents":{"EU":1},"eu_risk":"high","high_level_encryption":false`),
		want:  map[string]string{"eu.gdpr.art33": "due 2026-12-04T10:17:42+09:00", "eu.gdpr.art34": "target 2026-12-04T10:17:42+09:00"}},
	{name: "GDPR 72 h across the end of summer time in Berlin",
		facts: fx("2026-10-23T12:00:00+02:00", `"data_items":["email"],"residents":{"EU":5},"eu_risk":"risk","timezone":"Europe/Berlin"`),
		want:  map[string]string{"eu.gdpr.art33": "due 2026-10-26T11:00:00+01:00"}},
	{name: "GDPR 72 h across 29 February",
		facts: fx("2028-02-27T12:00:00+01:00", `"data_items":["email"],"residents":{"EU":5},"eu_risk":"risk","timezone":"Europe/Berlin"`),
		want:  map[string]string{"eu.gdpr.art33": "due 2028-03-01T12:00:00+01:00"}},
	{name: "GDPR 72 h across the start of summer time in Berlin",
		facts: fx("2027-03-27T12:00:00+01:00", `"data_items":["email"],"residents":{"EU":5},"eu_risk":"risk","timezone":"Europe/Berlin"`),
		want:  map[string]string{"eu.gdpr.art33": "due 2027-03-30T13:00:00+02:00"}},
	{name: "GDPR: unlikely to result in a risk",
		facts: fx("2026-12-01T10:00:00+09:00", `"data_items":["email"],"residents":{"EU":40},"eu_risk":"none"`),
		want:  map[string]string{"eu.gdpr.art33": "-", "eu.gdpr.art34": "-"}},
	{name: "GDPR: risk unknown assumes risk",
		facts:  fx("2026-12-01T10:00:00+09:00", `"data_items":["email"],"residents":{"EU":40}`),
		want:   map[string]string{"eu.gdpr.art33": "due 2026-12-04T10:00:00+09:00", "eu.gdpr.art34": "-"},
		prov:   []string{"eu.gdpr.art33"},
		review: []string{ReviewEURiskUnknown + "@eu_risk"}},
	{name: "GDPR Art. 34 exception for encrypted data",
		facts: fx("2026-12-01T10:00:00+09:00", `"data_items":["email"],"residents":{"EU":40},"eu_risk":"high","high_level_encryption":true,"key_compromised":false`),
		want:  map[string]string{"eu.gdpr.art33": "+", "eu.gdpr.art34": "-"}},
	{name: "UK GDPR to the ICO",
		facts: fx("2026-12-01T10:00:00+09:00", `"data_items":["email"],"residents":{"UK":3},"eu_risk":"risk"`),
		want:  map[string]string{"uk.gdpr.art33": "due 2026-12-04T10:00:00+09:00", "eu.gdpr.art33": "-"}},

	// --- US states (day counts in the state's zone).
	{name: "California 500: residents only",
		facts: fx("2026-12-01T10:00:00+09:00", usBase+`,"residents":{"US-CA":500}`),
		want:  map[string]string{"us.ca.residents": "due 2026-12-31T16:59:59+09:00", "us.ca.ag": "-"}},
	{name: "California 501: Attorney General",
		facts: fx("2026-12-01T10:00:00+09:00", usBase+`,"residents":{"US-CA":501}`),
		want:  map[string]string{"us.ca.ag": "due 2027-01-15T16:59:59+09:00"}},
	// N.Y. Gen. Bus. Law § 899-aa(1)(b)(i): private information is data
	// "not encrypted, or encrypted with an encryption key that has also been
	// accessed or acquired"; the other states: TestUSEncryptionSafeHarbour.
	{name: "California and New York encryption safe harbour",
		facts: fx("2026-12-01T10:00:00+09:00", `"data_items":["card_number","name"],"high_level_encryption":true,"key_compromised":false,"residents":{"US-CA":10,"US-NY":10}`),
		want:  map[string]string{"us.ca.residents": "-", "us.ny.residents": "-", "us.ny.regulators": "-", "us.ny.credit_bureaus": "-"}},
	{name: "New York with the key acquired",
		facts: fx("2026-12-01T10:00:00+09:00", `"data_items":["card_number","name"],"high_level_encryption":true,"key_compromised":true,"residents":{"US-NY":10}`),
		want: map[string]string{"us.ny.residents": "due 2026-12-31T13:59:59+09:00",
			"us.ny.regulators": "due 2026-12-31T13:59:59+09:00", "us.ny.credit_bureaus": "-"}},
	{name: "Texas 249: no Attorney General",
		facts: fx("2026-12-01T10:00:00+09:00", usBase+`,"residents":{"US-TX":249}`),
		want:  map[string]string{"us.tx.residents": "due 2027-01-30T14:59:59+09:00", "us.tx.ag": "-"}},
	{name: "Texas 250: Attorney General within 30 days",
		facts: fx("2026-12-01T10:00:00+09:00", usBase+`,"residents":{"US-TX":250}`),
		want:  map[string]string{"us.tx.ag": "due 2026-12-31T14:59:59+09:00", "us.tx.credit_bureaus": "-"}},
	{name: "Texas 10,001: credit bureaus",
		facts: fx("2026-12-01T10:00:00+09:00", usBase+`,"residents":{"US-TX":10001}`),
		want:  map[string]string{"us.tx.credit_bureaus": "target 2026-12-04T10:00:00+09:00"}},
	{name: "Texas 10,000: no credit bureaus",
		facts: fx("2026-12-01T10:00:00+09:00", usBase+`,"residents":{"US-TX":10000}`),
		want:  map[string]string{"us.tx.credit_bureaus": "-", "us.tx.ag": "+"}},
	{name: "Florida 499 / 1,000 thresholds",
		facts: fx("2026-12-01T10:00:00+09:00", usBase+`,"residents":{"US-FL":499}`),
		want:  map[string]string{"us.fl.residents": "due 2026-12-31T13:59:59+09:00", "us.fl.dla": "-", "us.fl.credit_bureaus": "-"}},
	{name: "Florida 500: Department of Legal Affairs",
		facts: fx("2026-12-01T10:00:00+09:00", usBase+`,"residents":{"US-FL":500}`),
		want:  map[string]string{"us.fl.dla": "due 2026-12-31T13:59:59+09:00", "us.fl.credit_bureaus": "-"}},
	{name: "Florida 1,001: credit bureaus",
		facts: fx("2026-12-01T10:00:00+09:00", usBase+`,"residents":{"US-FL":1001}`),
		want:  map[string]string{"us.fl.credit_bureaus": "+"}},
	{name: "Colorado 499: no Attorney General",
		facts: fx("2026-12-01T10:00:00+09:00", usBase+`,"residents":{"US-CO":499}`),
		want:  map[string]string{"us.co.residents": "due 2026-12-31T15:59:59+09:00", "us.co.ag": "-"}},
	{name: "Colorado 500: Attorney General",
		facts: fx("2026-12-01T10:00:00+09:00", usBase+`,"residents":{"US-CO":500}`),
		want:  map[string]string{"us.co.ag": "due 2026-12-31T15:59:59+09:00"}},
	{name: "Washington 500: no Attorney General",
		facts: fx("2026-12-01T10:00:00+09:00", usBase+`,"residents":{"US-WA":500}`),
		want:  map[string]string{"us.wa.residents": "due 2026-12-31T16:59:59+09:00", "us.wa.ag": "-"}},
	{name: "Washington 501: Attorney General",
		facts: fx("2026-12-01T10:00:00+09:00", usBase+`,"residents":{"US-WA":501}`),
		want:  map[string]string{"us.wa.ag": "due 2026-12-31T16:59:59+09:00", "us.wa.credit_bureaus": "-"}},
	{name: "New York 5,001: credit bureaus",
		facts: fx("2026-12-01T10:00:00+09:00", usBase+`,"residents":{"US-NY":5001}`),
		want:  map[string]string{"us.ny.credit_bureaus": "due 2026-12-31T13:59:59+09:00"}},
	{name: "US: e-mail only is not personal information",
		facts: fx("2026-12-01T10:00:00+09:00", `"data_items":["email"],"residents":{"US-CA":600}`),
		want:  map[string]string{"us.ca.residents": "-", "us.ca.ag": "-"}},
	{name: "US: card number without a name is provisional",
		facts:  fx("2026-12-01T10:00:00+09:00", `"data_items":["card_number"],"high_level_encryption":false,"residents":{"US-CA":10}`),
		want:   map[string]string{"us.ca.residents": "+"},
		prov:   []string{"us.ca.residents"},
		review: []string{ReviewUSNameElement + "@data_items"}},
	{name: "US: login credentials alone",
		facts: fx("2026-12-01T10:00:00+09:00", `"data_items":["login_credentials"],"high_level_encryption":false,"residents":{"US-CA":10}`),
		want:  map[string]string{"us.ca.residents": "+"}},

	// --- Card brands.
	{name: "Visa business days from a Friday",
		facts: fx("2026-12-04T10:00:00+09:00", card+`,"card_brands":["visa"]`),
		want: map[string]string{"card.visa.notify": "target 2026-12-05T10:00:00+09:00",
			"card.visa.incident_report": "due 2026-12-09T23:59:59+09:00", "card.visa.account_numbers": "due 2026-12-18T23:59:59+09:00",
			"card.mastercard.adc": "-"}},
	{name: "Mastercard 24 h, Amex 72 h, JCB promptly",
		facts: fx("2026-12-04T10:00:00+09:00", card+`,"card_brands":["mastercard","amex","jcb"]`),
		want: map[string]string{"card.mastercard.adc": "due 2026-12-05T10:00:00+09:00", "card.amex.eirp": "due 2026-12-07T10:00:00+09:00",
			"card.jcb.acquirer": "target 2026-12-07T10:00:00+09:00", "card.visa.notify": "-"}},
	{name: "Amex 72 h across the start of US summer time (LA organisation)",
		facts: fx("2027-03-13T18:00:00-08:00", card+`,"card_brands":["amex"],"timezone":"America/Los_Angeles"`),
		want:  map[string]string{"card.amex.eirp": "due 2027-03-16T19:00:00-07:00"}},
	{name: "Visa business days ignore the Japanese year-end closure",
		facts: fx("2026-12-28T10:00:00+09:00", card+`,"card_brands":["visa"]`),
		want:  map[string]string{"card.visa.incident_report": "due 2026-12-31T23:59:59+09:00"}},
	{name: "brand without a researched rule",
		facts:  fx("2026-12-04T10:00:00+09:00", card+`,"card_brands":["visa","diners"]`),
		want:   map[string]string{"card.visa.notify": "+"},
		review: []string{ReviewCardBrandNoRule + "@card_brands[1]"}},
	{name: "card data without brands",
		facts:  fx("2026-12-04T10:00:00+09:00", card),
		want:   map[string]string{"jp.card.acquirer": "target 2026-12-05T10:00:00+09:00", "card.visa.notify": "-"},
		review: []string{ReviewCardBrandsUnknown + "@card_brands"}},
	{name: "brands without card data",
		facts:  fx("2026-12-04T10:00:00+09:00", plain+`,"persons_affected":10,`+noBrands),
		want:   map[string]string{"jp.card.acquirer": "-", "card.visa.notify": "-"},
		review: []string{ReviewCardBrandsWithoutData}},

	// --- Singapore, Korea, Australia, Canada.
	{name: "Singapore 500: PDPC after assessment",
		facts: fx("2026-12-01T10:00:00+09:00", `"data_items":["name","email"],"residents":{"SG":500}`),
		want:  map[string]string{"sg.pdpa.assessment": "due 2027-01-01T00:59:59+09:00", "sg.pdpa.pdpc": "due 2027-01-04T00:59:59+09:00"}},
	{name: "Singapore 499 without harm indicators is provisional",
		facts:  fx("2026-12-01T10:00:00+09:00", `"data_items":["name","email"],"sensitive":false,"financial_damage_risk":false,"residents":{"SG":499}`),
		want:   map[string]string{"sg.pdpa.pdpc": "+"},
		prov:   []string{"sg.pdpa.pdpc"},
		review: []string{ReviewHarmAssessment + "@residents.SG"}},
	{name: "Korea 999 without triggers: people only",
		facts: fx("2026-12-01T10:00:00+09:00", `"data_items":["name","email"],"sensitive":false,"unauthorized_purpose":false,"residents":{"KR":999}`),
		want:  map[string]string{"kr.pipa.individuals": "due 2026-12-04T10:00:00+09:00", "kr.pipa.pipc": "-"}},
	{name: "Korea 1,000: PIPC",
		facts: fx("2026-12-01T10:00:00+09:00", `"data_items":["name","email"],"sensitive":false,"unauthorized_purpose":false,"residents":{"KR":1000}`),
		want:  map[string]string{"kr.pipa.pipc": "due 2026-12-04T10:00:00+09:00"}},
	{name: "Korea: hacking, any number",
		facts: fx("2026-12-01T10:00:00+09:00", `"data_items":["name"],"sensitive":false,"unauthorized_purpose":true,"external_access":true,"residents":{"KR":10}`),
		want:  map[string]string{"kr.pipa.pipc": "+"}},
	{name: "Korea: unknowns make the report provisional",
		facts:  fx("2026-12-01T10:00:00+09:00", `"data_items":["name"],"residents":{"KR":10}`),
		prov:   []string{"kr.pipa.pipc"},
		review: []string{ReviewKRReportUnknown}},
	{name: "Australia: 30-day assessment in Sydney time",
		facts: fx("2026-12-01T10:00:00+09:00", `"data_items":["name"],"residents":{"AU":10}`),
		want:  map[string]string{"au.ndb.assessment": "due 2026-12-31T21:59:59+09:00", "au.ndb.notify": "target 2026-12-04T10:00:00+09:00"},
		prov:  []string{"au.ndb.notify"}},
	{name: "Canada with card data: real risk of significant harm",
		facts: fx("2026-12-01T10:00:00+09:00", `"data_items":["card_number","name"],"residents":{"CA":10}`),
		want:  map[string]string{"ca.pipeda.notify": "target 2026-12-04T10:00:00+09:00"}},

	// --- Police and general notes.
	{name: "no wrongful purpose: no police consultation",
		facts: fx("2026-12-01T10:00:00+09:00", card),
		want:  map[string]string{"jp.police.consultation": "-"}},
	{name: "My Number involved",
		facts:  fx("2026-12-01T10:00:00+09:00", `"data_items":["my_number"]`),
		review: []string{ReviewMyNumber}},
	{name: "residents elsewhere",
		facts:  fx("2026-12-01T10:00:00+09:00", `"data_items":["email"],"residents":{"JP":3,"OTHER":2}`),
		review: []string{ReviewOtherResidents + "@residents.OTHER"}},
}

func TestCompute(t *testing.T) {
	t.Parallel()
	if len(computeCases) < 60 {
		t.Fatalf("only %d table cases", len(computeCases))
	}
	for _, c := range computeCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := mustFacts(t, c.facts)
			r := Compute(f, f.AwareAt.Add(time.Hour))
			for id, want := range c.want {
				checkWant(t, r, id, want)
			}
			for _, id := range c.prov {
				if o, ok := find(r, id); !ok || !o.Provisional {
					t.Errorf("%s: want present and provisional (present=%v)", id, ok)
				}
			}
			// A certain APPI outcome must not show provisional PPC reports.
			for _, id := range []string{final, prel, indiv} {
				if o, ok := find(r, id); ok && c.appi == "applies" && o.Provisional {
					t.Errorf("%s: unexpectedly provisional", id)
				}
			}
			for _, spec := range c.review {
				if !hasReview(r, spec) {
					t.Errorf("missing review %s; got %v", spec, reviewCodes(r))
				}
			}
			for _, spec := range c.noReview {
				if hasReview(r, spec) {
					t.Errorf("unexpected review %s", spec)
				}
			}
			if c.appi != "" {
				if got := appiState(r.APPI); got != c.appi {
					t.Errorf("APPI = %s, want %s (%s)", got, c.appi, r.APPI.Why.EN)
				}
			}
			checkInvariants(t, r)
		})
	}
}

func appiState(a APPIAssessment) string {
	switch {
	case a.Excluded != "":
		return a.Excluded
	case a.Applies && a.Provisional:
		return "provisional"
	case a.Applies:
		return "applies"
	}
	return "none"
}

func reviewCodes(r Result) []string {
	var out []string
	for _, n := range r.NeedsReview {
		out = append(out, n.Code+"@"+n.Field)
	}
	return out
}

// checkInvariants holds for every result: each obligation has a date
// (none only when its rule's text sets no time), a basis, sources and an
// explanation in both languages; the list is sorted, undated duties last;
// times are in the facts' zone; JSON encoding works.
func checkInvariants(t *testing.T, r Result) {
	t.Helper()
	seen := map[string]bool{}
	for i, o := range r.Obligations {
		if seen[o.RuleID] {
			t.Errorf("duplicate obligation %s", o.RuleID)
		}
		seen[o.RuleID] = true
		if (o.DueAt == nil && o.TargetAt == nil) != (o.DeadlineKind == KindNone) {
			t.Errorf("%s (%s): due_at %v, target_at %v", o.RuleID, o.DeadlineKind, o.DueAt, o.TargetAt)
		}
		if o.DueAt != nil && o.TargetAt != nil {
			t.Errorf("%s: both due_at and target_at", o.RuleID)
		}
		if o.Basis.JA == "" || o.Basis.EN == "" || o.Explanation.JA == "" || o.Explanation.EN == "" || len(o.Sources) == 0 || o.VerifiedOn == "" {
			t.Errorf("%s: missing basis, explanation, sources or verified_on", o.RuleID)
		}
		for _, tm := range []*time.Time{o.DueAt, o.TargetAt, o.WindowStart} {
			if tm != nil && tm.Location().String() != r.Timezone {
				t.Errorf("%s: time %v not in %s", o.RuleID, tm, r.Timezone)
			}
		}
		if i > 0 {
			prev := r.Obligations[i-1]
			if p, k := sortKey(prev), sortKey(o); k != nil && (p == nil || p.After(*k)) {
				t.Errorf("not sorted: %s before %s", prev.RuleID, o.RuleID)
			}
		}
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("json.Marshal: %v", err)
	}
}

func sortKey(o Obligation) *time.Time {
	if o.DueAt != nil {
		return o.DueAt
	}
	return o.TargetAt
}

func TestComputeInvalidFacts(t *testing.T) {
	t.Parallel()
	r := Compute(Facts{DataItems: []DataItem{"card_numbr"}}, time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
	if len(r.Obligations) != 0 {
		t.Fatalf("obligations for invalid facts: %v", r.Obligations)
	}
	for _, spec := range []string{ReviewInvalidFacts + "@aware_at", ReviewInvalidFacts + "@data_items[0]"} {
		if !hasReview(r, spec) {
			t.Errorf("missing %s in %v", spec, reviewCodes(r))
		}
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatal(err)
	}
}

func TestComputeOverdueAndPolicy(t *testing.T) {
	t.Parallel()
	f := mustFacts(t, fx("2026-12-01T10:00:00+09:00", card+`,"card_brands":["mastercard"]`))
	r := ComputeWith(f, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC), Options{Policy: Policy{
		Promptly: 48 * time.Hour,
		Targets:  map[string]time.Duration{indiv: 7 * 24 * time.Hour},
	}})
	checkWant(t, r, "card.mastercard.adc", "due 2026-12-02T10:00:00+09:00")
	checkWant(t, r, "jp.card.acquirer", "target 2026-12-02T10:00:00+09:00") // Immediately: default 24 h
	checkWant(t, r, indiv, "target 2026-12-08T10:00:00+09:00")
	if o, _ := find(r, "card.mastercard.adc"); !o.Overdue {
		t.Error("Mastercard report should be overdue")
	}
	if o, _ := find(r, final); o.Overdue {
		t.Error("final report should not be overdue")
	}
}

func TestComputeDeterministic(t *testing.T) {
	t.Parallel()
	f := mustFacts(t, fx("2026-11-30T16:30:00Z", `"data_items":["card_number","security_code","name","email"],"persons_upper_bound":5000,"data_being_entered":true,"residents":{"JP":1100,"EU":40,"US-CA":600,"US-TX":300,"KR":5,"SG":2,"AU":1,"CA":1,"UK":1},"card_brands":["visa","mastercard","amex","jcb"],"eu_risk":"high"`))
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	a, _ := json.Marshal(Compute(f, at))
	for i := range 20 {
		b, _ := json.Marshal(Compute(f, at))
		if string(a) != string(b) {
			t.Fatalf("run %d differs", i)
		}
	}
	r := Compute(f, at)
	checkInvariants(t, r)
	if len(r.Obligations) < 25 {
		t.Errorf("only %d obligations for a multi-jurisdiction case", len(r.Obligations))
	}
}

func TestRulesTable(t *testing.T) {
	t.Parallel()
	ids := map[string]bool{}
	for _, r := range Rules() {
		if ids[r.ID] {
			t.Errorf("duplicate rule id %s", r.ID)
		}
		ids[r.ID] = true
		if r.when == nil || r.Basis.EN == "" || r.Basis.JA == "" || r.Recipient.JA == "" || r.Trigger.EN == "" ||
			r.Deadline.Text.EN == "" || r.ClockStart.EN == "" || len(r.Content) == 0 || len(r.Sources) == 0 || r.VerifiedOn == "" {
			t.Errorf("%s: incomplete rule", r.ID)
		}
		if r.Zone != "" {
			if _, err := LoadZone(r.Zone); err != nil {
				t.Errorf("%s: zone %s: %v", r.ID, r.Zone, err)
			}
		}
	}
	r, ok := RuleByID(final)
	if !ok || len(r.Content) != 9 || r.Content[0].JA != "概要" || r.Content[8].JA != "その他参考となる事項" || r.Caveat == nil {
		t.Errorf("final report rule: %+v", r)
	}
	ind, _ := RuleByID(indiv)
	wantItems := []string{"概要", ppcReportItems[1].JA, "原因", ppcReportItems[4].JA, "その他参考となる事項"}
	for i, c := range ind.Content {
		if c.JA != wantItems[i] {
			t.Errorf("individual notice item %d = %s", i+1, c.JA)
		}
	}
	if got := Rules()[0].Jurisdiction; got != JP {
		t.Errorf("rule table should start with JP, got %s", got)
	}
}
