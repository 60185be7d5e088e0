package obligations

import (
	"cmp"
	"slices"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// NeedsReview is a point a person must check: an unknown fact the engine
// had to assume, a rule with a caveat that matters for this case, or a date
// outside the verified calendar.
type NeedsReview struct {
	// Code is stable and machine-readable (see the Review* constants).
	Code string `json:"code"`
	// Field is the facts field to fill in or check, e.g. "unauthorized_purpose".
	Field string `json:"field"`
	// Message explains what was assumed and why it matters.
	Message i18n.Text `json:"message"`
}

// Review codes.
const (
	ReviewInvalidFacts          = "INVALID_FACTS"
	ReviewAPPINoJPResidents     = "APPI_NO_JP_RESIDENTS"
	ReviewAPPIT1Unknown         = "APPI_T1_UNKNOWN"
	ReviewAPPIT2Unknown         = "APPI_T2_UNKNOWN"
	ReviewAPPIT2CardNumbers     = "APPI_T2_FALSE_WITH_CARD_NUMBERS"
	ReviewAPPIT3Unknown         = "APPI_T3_UNKNOWN"
	ReviewAPPIT4Unknown         = "APPI_T4_UNKNOWN"
	ReviewEncryptionUnknown     = "ENCRYPTION_UNKNOWN"
	ReviewKeyCompromiseUnknown  = "KEY_COMPROMISE_UNKNOWN"
	ReviewEncryptionSkimming    = "ENCRYPTION_VS_SKIMMING"
	ReviewProcessorUnknown      = "ENTRUSTED_PROCESSOR_UNKNOWN"
	ReviewPrincipalNotNotified  = "PRINCIPAL_NOT_NOTIFIED"
	ReviewProcessorRole         = "PROCESSOR_ROLE_UNKNOWN"
	ReviewCalendarUnverified    = "CALENDAR_YEAR_UNVERIFIED"
	ReviewMyNumber              = "MY_NUMBER_ACT"
	ReviewOtherResidents        = "RESIDENTS_NOT_MODELLED"
	ReviewCardBrandsUnknown     = "CARD_BRANDS_UNKNOWN"
	ReviewCardBrandNoRule       = "CARD_BRAND_NO_RULE"
	ReviewCardBrandsWithoutData = "CARD_BRANDS_WITHOUT_CARD_DATA"
	ReviewEURiskUnknown         = "EU_RISK_UNKNOWN"
	ReviewUSNameElement         = "US_PI_DEFINITION"
	ReviewHarmAssessment        = "HARM_ASSESSMENT"
	ReviewKRReportUnknown       = "KR_REPORT_UNKNOWN"
	ReviewOlderIncident         = "OLDER_INCIDENT"
)

// reviews collects NeedsReview entries, one per (code, field).
type reviews map[[2]string]NeedsReview

func (rs reviews) add(code, field string, msg i18n.Text) {
	key := [2]string{code, field}
	if _, ok := rs[key]; !ok {
		rs[key] = NeedsReview{Code: code, Field: field, Message: msg}
	}
}

// list returns the entries sorted by code, then field, so results diff.
func (rs reviews) list() []NeedsReview {
	out := make([]NeedsReview, 0, len(rs))
	for _, r := range rs {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b NeedsReview) int {
		return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(a.Field, b.Field))
	})
	return out
}
