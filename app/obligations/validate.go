package obligations

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ClockSkew is how far in the future aware_at may lie before Validate
// rejects it: browsers and servers disagree by seconds to minutes, and a
// time typed "now" must not fail.
const ClockSkew = 5 * time.Minute

// ValidationError names one invalid field and why it is invalid: Reason
// in English, as the command line prints it, and Code with Args, the same
// message as a key of the web's catalogue (frontend/i18n) and its
// arguments, which the web shows in the reader's language.
type ValidationError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
	Code   string `json:"-"`
	Args   []any  `json:"-"`
}

// invalid is field's error: code names the message in the web's
// catalogue, format (filled with args) says it in English.
func invalid(field, code, format string, args ...any) ValidationError {
	return ValidationError{Field: field, Reason: fmt.Sprintf(format, args...), Code: code, Args: args}
}

// on names field in err, a value's error that names no field yet.
func on(field string, err error) ValidationError {
	var ve ValidationError
	if !errors.As(err, &ve) {
		ve = invalid("", "validation.facts.invalid", "%s", err.Error())
	}
	ve.Field = field
	return ve
}

// Error implements error as "field: reason".
func (e ValidationError) Error() string { return e.Field + ": " + e.Reason }

// ValidationErrors collects every problem found, so that a user fixes the
// input in one round instead of one error at a time.
type ValidationErrors []ValidationError

// Error joins the individual errors with "; ".
func (es ValidationErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Validate checks the facts for use at time now: everything
// ValidateAssessment checks, plus aware_at (required, not more than
// ClockSkew after now) and principal_notified_at (not in the future).
// The error, if any, is a ValidationErrors.
func (f Facts) Validate(now time.Time) error {
	errs := f.assessmentErrors()
	errs = append(errs, f.awareAtErrors(now)...)
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// ValidateAssessment checks everything except aware_at, for the case
// workflow that keeps aware_at on the case rather than in the assessment.
func (f Facts) ValidateAssessment() error {
	if errs := f.assessmentErrors(); len(errs) > 0 {
		return errs
	}
	return nil
}

func (f Facts) awareAtErrors(now time.Time) ValidationErrors {
	var errs ValidationErrors
	limit := now.Add(ClockSkew)
	switch {
	case f.AwareAt.IsZero():
		errs = append(errs, invalid("aware_at", "validation.facts.aware_at_required", "required (RFC 3339 time with offset)"))
	case !plausibleYear(f.AwareAt):
		errs = append(errs, invalid("aware_at", "validation.facts.year", "year %d is implausible (must be %d–%d)", f.AwareAt.Year(), minYear, maxYear))
	case f.AwareAt.After(limit):
		errs = append(errs, invalid("aware_at", "validation.facts.aware_at_future", "is in the future (%s is after now %s)",
			f.AwareAt.Format(time.RFC3339), now.Format(time.RFC3339)))
	}
	if f.PrincipalNotifiedAt != nil && f.PrincipalNotifiedAt.After(limit) {
		errs = append(errs, invalid("principal_notified_at", "validation.future", "is in the future"))
	}
	return errs
}

// The plausible years: outside them date arithmetic would leave the range
// RFC 3339 can print, and no breach law in the table existed before.
const (
	minYear = 1970
	maxYear = 9000
)

func plausibleYear(t time.Time) bool { return t.Year() >= minYear && t.Year() <= maxYear }

func (f Facts) assessmentErrors() ValidationErrors {
	var errs ValidationErrors
	add := func(field, code, format string, args ...any) {
		errs = append(errs, invalid(field, code, format, args...))
	}
	for i, it := range f.DataItems {
		if !it.Known() {
			add(fmt.Sprintf("data_items[%d]", i), "validation.facts.data_item", "unknown data item %q (allowed: %s)", string(it), allowedItems())
		}
	}
	for i, b := range f.CardBrands {
		if !b.Known() {
			add(fmt.Sprintf("card_brands[%d]", i), "validation.facts.card_brand", "unknown card brand %q (allowed: %s)", string(b), joinStrings(KnownCardBrands))
		}
	}
	counts := []struct {
		field string
		v     *int64
	}{{"persons_affected", f.PersonsAffected}, {"persons_upper_bound", f.PersonsUpperBound}, {"records_affected", f.RecordsAffected}}
	for _, c := range counts {
		if c.v != nil && *c.v < 0 {
			add(c.field, "validation.facts.negative", "must not be negative (got %d)", *c.v)
		}
	}
	if f.PersonsAffected != nil && f.PersonsUpperBound != nil && *f.PersonsUpperBound < *f.PersonsAffected {
		add("persons_upper_bound", "validation.facts.upper_bound", "is less than persons_affected (%d < %d)", *f.PersonsUpperBound, *f.PersonsAffected)
	}
	for _, j := range sortedJurisdictions(f.Residents) {
		switch n := f.Residents[j]; {
		case !j.Known():
			add("residents."+string(j), "validation.facts.jurisdiction", "unknown jurisdiction code (allowed: %s)", joinStrings(KnownJurisdictions))
		case n < 0:
			add("residents."+string(j), "validation.facts.negative", "must not be negative (got %d)", n)
		}
	}
	// The residents are affected persons, so their total bounds the others.
	if total := f.ResidentsTotal(); total > 0 {
		if f.PersonsUpperBound != nil && *f.PersonsUpperBound >= 0 && total > *f.PersonsUpperBound {
			add("residents", "validation.facts.residents_upper_bound", "total %d exceeds persons_upper_bound %d", total, *f.PersonsUpperBound)
		} else if f.PersonsUpperBound == nil && f.PersonsAffected != nil && *f.PersonsAffected >= 0 && total > *f.PersonsAffected {
			add("residents", "validation.facts.residents_affected", "total %d exceeds persons_affected %d", total, *f.PersonsAffected)
		}
	}
	if f.PrincipalNotifiedAt != nil && !plausibleYear(*f.PrincipalNotifiedAt) {
		add("principal_notified_at", "validation.facts.year", "year %d is implausible (must be %d–%d)", f.PrincipalNotifiedAt.Year(), minYear, maxYear)
	}
	if !f.EURisk.Known() {
		add("eu_risk", "validation.facts.eu_risk", "must be none, risk, high or null (got %q)", string(f.EURisk))
	}
	if f.Timezone != "" {
		if _, err := LoadZone(f.Timezone); err != nil {
			add("timezone", "validation.facts.timezone", "unknown time zone %q (use an IANA name such as Asia/Tokyo)", f.Timezone)
		}
	}
	// Tri values outside the three states can only come from Go callers.
	tris := []struct {
		field string
		v     Tri
	}{
		{"sensitive", f.Sensitive}, {"financial_damage_risk", f.FinancialDamageRisk},
		{"unauthorized_purpose", f.UnauthorizedPurpose}, {"high_level_encryption", f.HighLevelEncryption},
		{"key_compromised", f.KeyCompromised}, {"data_being_entered", f.DataBeingEntered},
		{"external_access", f.ExternalAccess}, {"entrusted_processor", f.EntrustedProcessor},
	}
	for _, t := range tris {
		if t.v > True {
			add(t.field, "validation.facts.tri_value", "invalid value %d (must be true, false or unknown)", t.v)
		}
	}
	return errs
}

func allowedItems() string {
	names := make([]string, len(KnownDataItems))
	for i, it := range KnownDataItems {
		names[i] = string(it.Item)
	}
	return strings.Join(names, ", ")
}

func joinStrings[S ~string](ss []S) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}
