package obligations

import (
	"cmp"
	"slices"
	"time"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// Obligation is one report or notice owed for the facts: a rule applied,
// with its dates computed. Times are in the facts' timezone.
type Obligation struct {
	RuleID       string       `json:"rule_id"`
	Jurisdiction Jurisdiction `json:"jurisdiction"`
	Recipient    i18n.Text    `json:"recipient"`
	Basis        i18n.Text    `json:"basis"`
	DeadlineKind DeadlineKind `json:"deadline_kind"`
	Deadline     i18n.Text    `json:"deadline"`
	ClockStart   time.Time    `json:"clock_start"`
	// WindowStart opens a guideline window (PPC preliminary: end of day 3).
	WindowStart *time.Time `json:"window_start"`
	// DueAt is the legal (or, with Guideline, guideline) deadline; nil for
	// "promptly"/"immediately" rules, which have a TargetAt instead, and
	// for rules whose text sets no time at all (DeadlineKind none), which
	// have neither.
	DueAt *time.Time `json:"due_at"`
	// TargetAt is the organisation's own target from Policy.
	TargetAt  *time.Time `json:"target_at"`
	Guideline bool       `json:"guideline"`
	// Provisional: the obligation exists only because an unknown fact was
	// assumed the worse way; see Result.NeedsReview.
	Provisional bool `json:"provisional"`
	// Overdue: DueAt is before the time the result was computed for.
	Overdue     bool        `json:"overdue"`
	Content     []i18n.Text `json:"content"`
	Explanation i18n.Text   `json:"explanation"`
	Caveat      *i18n.Text  `json:"caveat,omitempty"`
	// Internal: a duty to act owed to no one (see Rule.Internal).
	Internal   bool     `json:"internal,omitempty"`
	VerifiedOn string   `json:"verified_on"`
	Sources    []Source `json:"sources"`
}

// Result is the outcome of Compute.
type Result struct {
	AwareAt     time.Time      `json:"aware_at"`
	Timezone    string         `json:"timezone"`
	ComputedAt  time.Time      `json:"computed_at"`
	APPI        APPIAssessment `json:"appi"`
	Obligations []Obligation   `json:"obligations"`
	NeedsReview []NeedsReview  `json:"needs_review"`
}

// Options tunes ComputeWith; the zero value gives Compute's behaviour.
type Options struct {
	// Policy sets targets for "promptly"/"immediately" (zero = defaults).
	Policy Policy
	// Rules replaces the rule table (nil = Rules()).
	Rules []Rule
	// JapanCalendar counts Japanese business days (nil = JapanCalendar{}).
	JapanCalendar Calendar
	// BrandCalendar counts card-brand business days (nil = WeekdayCalendar{}).
	BrandCalendar Calendar
}

// evalCtx is what a rule's trigger sees.
type evalCtx struct {
	f    Facts
	appi APPIAssessment
	rs   reviews
}

// Compute returns the obligations for f as of at, with the default policy,
// rule table and calendars. Facts that fail ValidateAssessment or lack
// aware_at give no obligations and one INVALID_FACTS review per error:
// Compute never fails, so a background recomputation cannot crash.
func Compute(f Facts, at time.Time) Result { return ComputeWith(f, at, Options{}) }

// ComputeWith is Compute with options.
func ComputeWith(f Facts, at time.Time, opt Options) Result {
	if opt.Rules == nil {
		opt.Rules = ruleTable()
	}
	if opt.JapanCalendar == nil {
		opt.JapanCalendar = JapanCalendar{}
	}
	if opt.BrandCalendar == nil {
		opt.BrandCalendar = WeekdayCalendar{}
	}
	loc := f.Location()
	res := Result{
		AwareAt:     f.AwareAt.In(loc),
		Timezone:    loc.String(),
		ComputedAt:  at.In(loc),
		APPI:        APPIAssessment{Triggers: []TriggerCode{}, Possible: []TriggerCode{}},
		Obligations: []Obligation{},
		NeedsReview: []NeedsReview{},
	}
	rs := reviews{}
	if errs := invalidFacts(f); len(errs) > 0 {
		for _, e := range errs {
			rs.add(ReviewInvalidFacts, e.Field, tx("入力が不正です: "+e.Reason, "Invalid input: "+e.Reason))
		}
		res.NeedsReview = rs.list()
		return res
	}
	ctx := &evalCtx{f: f, rs: rs}
	ctx.appi = assessAPPI(f, rs)
	res.APPI = ctx.appi
	generalReviews(f, rs)
	s := scheduler{f: f, loc: loc, opt: opt, rs: rs}
	for _, r := range opt.Rules {
		if r.when == nil {
			continue
		}
		v := r.when(ctx)
		if !v.applies {
			continue
		}
		ob := s.schedule(r, v)
		ob.Overdue = ob.DueAt != nil && ob.DueAt.Before(at)
		res.Obligations = append(res.Obligations, ob)
	}
	sortObligations(res.Obligations)
	res.NeedsReview = rs.list()
	return res
}

// invalidFacts is ValidateAssessment plus a present aware_at. The future
// check is left to Validate: Compute may be run "as of" any time.
func invalidFacts(f Facts) ValidationErrors {
	errs := f.assessmentErrors()
	switch {
	case f.AwareAt.IsZero():
		errs = append(errs, invalid("aware_at", "validation.facts.aware_at_required", "required (RFC 3339 time with offset)"))
	case !plausibleYear(f.AwareAt):
		errs = append(errs, invalid("aware_at", "validation.facts.year", "year %d is implausible (must be %d–%d)", f.AwareAt.Year(), minYear, maxYear))
	}
	return errs
}

// sortObligations orders by the time to act: the due time, or the target
// for rules without one (so "immediately" comes before a 30-day report),
// duties with no time at all last, then by target, then by rule id, which
// makes the order deterministic.
func sortObligations(obs []Obligation) {
	key := func(o Obligation) *time.Time {
		if o.DueAt != nil {
			return o.DueAt
		}
		return o.TargetAt
	}
	slices.SortStableFunc(obs, func(a, b Obligation) int {
		return cmp.Or(
			timeCompare(key(a), key(b)),
			timeCompare(a.TargetAt, b.TargetAt),
			cmp.Compare(a.RuleID, b.RuleID),
		)
	})
}

// timeCompare orders optional times, nil last.
func timeCompare(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Compare(*b)
}

// rulesCurrentFrom is the newest effective date in the table (California's
// 30 days, SB 446); incidents before it may be governed by older versions.
var rulesCurrentFrom = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// generalReviews adds the notes that do not belong to a single rule.
func generalReviews(f Facts, rs reviews) {
	if f.Has(ItemMyNumber) {
		rs.add(ReviewMyNumber, "data_items", tx(
			"マイナンバー（特定個人情報）の漏えい等には番号法の報告規則が別途適用されます（本エンジンでは未モデル化）。",
			"A My Number (特定個人情報) leak falls under the separate reporting rules of the My Number Act, which this engine does not model."))
	}
	if f.AwareAt.Before(rulesCurrentFrom) {
		rs.add(ReviewOlderIncident, "aware_at", tx(
			"ルール表は各ルールの確認日時点の現行法を記載しています。それ以前の事案には旧規定が適用される場合があります（例: 入力中の情報のT3該当は2024-04-01から、カリフォルニア州30日は2026-01-01から）。",
			"The rule table encodes the law in force on each rule's check date; an earlier incident may fall under earlier versions (e.g. data being entered counts as T3 since 2024-04-01; California's 30 days since 2026-01-01)."))
	}
	if f.residents(OTHER) > 0 {
		rs.add(ReviewOtherResidents, "residents.OTHER", tx(
			"モデル化されていない法域の居住者が含まれます。現地法の通知義務を確認してください。",
			"Residents of jurisdictions the engine does not model are affected; check the local notification laws."))
	}
}
