package obligations

import (
	"maps"
	"slices"
	"strconv"
	"time"
)

// DefaultTimezone is the organisation's zone when Facts.Timezone is empty:
// Japan is BreachDesk's home market.
const DefaultTimezone = "Asia/Tokyo"

// Facts is what is known about a leak. Counts are pointers and flags are Tri
// so that "not known yet" is distinct from zero/false: the engine reacts to
// unknowns by assuming the worse case and asking for review.
type Facts struct {
	// AwareAt is when the organisation became aware (知った時点): the legal
	// clock start. Required for Compute; the case workflow fills it from the
	// case, which is why ValidateAssessment does not check it.
	AwareAt time.Time `json:"aware_at" doc:"the legal clock start; the case workflow takes the case's aware_at and refuses this field"`
	// DataItems are the kinds of data involved (closed vocabulary).
	DataItems []DataItem `json:"data_items"`
	// PersonsAffected is the number of persons known to be affected.
	PersonsAffected *int64 `json:"persons_affected" minimum:"0" doc:"persons known to be affected; null when not known"`
	// PersonsUpperBound is the largest number of persons possibly affected
	// (e.g. every customer who used the form during the skimming period).
	PersonsUpperBound *int64 `json:"persons_upper_bound" minimum:"0" doc:"the most persons possibly affected; null when not known"`
	// RecordsAffected is the number of records (rows, cards) affected.
	RecordsAffected *int64 `json:"records_affected" minimum:"0"`
	// Sensitive: 要配慮個人情報 is involved (APPI T1). Derived as true when a
	// sensitive data item is listed and the flag is unknown.
	Sensitive Tri `json:"sensitive"`
	// FinancialDamageRisk: misuse may cause financial loss (APPI T2).
	// Derived as true from card numbers, security codes, credentials or bank
	// accounts when the flag is unknown; an explicit value wins.
	FinancialDamageRisk Tri `json:"financial_damage_risk"`
	// UnauthorizedPurpose: the leak may stem from an act with a wrongful
	// purpose, e.g. unauthorised access or insider theft (APPI T3).
	UnauthorizedPurpose Tri `json:"unauthorized_purpose"`
	// HighLevelEncryption: the data was protected by high-level encryption
	// (高度な暗号化), which excludes the APPI triggers unless the key leaked.
	HighLevelEncryption Tri `json:"high_level_encryption"`
	// KeyCompromised: the encryption key (or its equivalent) leaked too.
	KeyCompromised Tri `json:"key_compromised"`
	// DataBeingEntered: data was captured while being entered into a form
	// (web skimming); counts as T3 since 2024-04-01.
	DataBeingEntered Tri `json:"data_being_entered"`
	// ExternalAccess: the leak came from unlawful access to the systems from
	// outside (hacking), as opposed to, e.g., theft by an insider. Korea
	// reports any number of people on this ground alone (Decree Art. 40(1)).
	ExternalAccess Tri `json:"external_access"`
	// EntrustedProcessor: the organisation handles the data on behalf of
	// another business: a 委託先 of a principal (委託元) under APPI, a
	// processor under GDPR, the party that maintains data it does not own
	// under the US state laws. Each law sends its notice to that business.
	EntrustedProcessor Tri `json:"entrusted_processor"`
	// PrincipalNotifiedAt is when the processor told its principal; with
	// EntrustedProcessor it moves the APPI duties to the principal.
	PrincipalNotifiedAt *time.Time `json:"principal_notified_at"`
	// Residents maps a jurisdiction to the number of affected residents.
	Residents map[Jurisdiction]int64 `json:"residents" doc:"affected residents by jurisdiction code, e.g. {\"JP\": 1200}"`
	// CardBrands are the brands of the affected cards.
	CardBrands []CardBrand `json:"card_brands"`
	// EURisk is the GDPR risk assessment (unknown when empty); it is used
	// for UK GDPR as well, which has the same tests.
	EURisk EURisk `json:"eu_risk" doc:"the GDPR risk assessment; empty when not known"`
	// Timezone is the organisation's IANA zone; output times are shown in it.
	Timezone string `json:"timezone" doc:"IANA zone the times are shown in; the organisation's when empty"`
}

// Has reports whether item is among the data items.
func (f Facts) Has(item DataItem) bool { return slices.Contains(f.DataItems, item) }

// HasAny reports whether any of items is among the data items.
func (f Facts) HasAny(items ...DataItem) bool {
	return slices.ContainsFunc(items, f.Has)
}

// presentOf returns those of items present in the facts, for explanations.
func (f Facts) presentOf(items []DataItem) []DataItem {
	var out []DataItem
	for _, it := range items {
		if f.Has(it) {
			out = append(out, it)
		}
	}
	return out
}

// EffectiveSensitive is Sensitive, derived from the data items when unknown.
func (f Facts) EffectiveSensitive() Tri {
	if f.Sensitive.IsUnknown() && f.HasAny(sensitiveItems...) {
		return True
	}
	return f.Sensitive
}

// EffectiveFinancialDamageRisk is FinancialDamageRisk, derived from the
// data items when unknown. An explicit false is kept: legal may have
// decided, e.g., that tokenised numbers carry no such risk.
func (f Facts) EffectiveFinancialDamageRisk() Tri {
	if f.FinancialDamageRisk.IsUnknown() && f.HasAny(financialRiskItems...) {
		return True
	}
	return f.FinancialDamageRisk
}

// EffectiveUnauthorizedPurpose is APPI T3: a wrongful-purpose act, which
// since 2024-04-01 includes capturing data while it is being entered.
// DataBeingEntered only ever adds to it: skimming is one kind of wrongful
// act, so its being unknown does not make T3 unknown.
func (f Facts) EffectiveUnauthorizedPurpose() Tri {
	if f.DataBeingEntered.IsTrue() {
		return True
	}
	return f.UnauthorizedPurpose
}

// EffectiveExternalAccess is ExternalAccess; when it is unknown and no act
// with a wrongful purpose happened at all (unauthorized_purpose false, no
// skimming), there was no unlawful access either.
func (f Facts) EffectiveExternalAccess() Tri {
	if f.ExternalAccess.IsUnknown() && f.EffectiveUnauthorizedPurpose().IsFalse() {
		return False
	}
	return f.ExternalAccess
}

// Location returns the organisation's zone (see Location: DefaultTimezone
// when Timezone is empty or invalid; Validate reports an invalid one).
func (f Facts) Location() *time.Location { return Location(f.Timezone) }

// ResidentsTotal sums the residents counts (negative counts ignored).
func (f Facts) ResidentsTotal() int64 {
	var n int64
	for _, c := range f.Residents {
		if c > 0 {
			n += c
		}
	}
	return n
}

// PersonsRange returns what is known about the number of affected persons:
// lo is a certain lower bound; hi is an upper bound when hiKnown. With only
// persons_affected given, it is taken as exact. The residents total is also
// a lower bound: those persons are affected whatever the total says.
func (f Facts) PersonsRange() (lo, hi int64, hiKnown bool) {
	if f.PersonsAffected != nil {
		lo = max(*f.PersonsAffected, 0)
	}
	lo = max(lo, f.ResidentsTotal())
	switch {
	case f.PersonsUpperBound != nil:
		hi, hiKnown = max(*f.PersonsUpperBound, lo), true
	case f.PersonsAffected != nil:
		hi, hiKnown = lo, true
	}
	return lo, hi, hiKnown
}

// residents returns the count for j (0 when absent).
func (f Facts) residents(j Jurisdiction) int64 { return f.Residents[j] }

// sortedJurisdictions returns the keys of m in order, for deterministic
// error lists and explanations.
func sortedJurisdictions(m map[Jurisdiction]int64) []Jurisdiction {
	return slices.Sorted(maps.Keys(m))
}

func itoa(i int) string { return strconv.Itoa(i) }
