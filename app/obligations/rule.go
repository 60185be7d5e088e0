package obligations

import (
	"cmp"
	"slices"
	"sync"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// DeadlineKind says how a rule's deadline is counted.
type DeadlineKind string

// The deadline kinds.
const (
	// KindHours: due = clock start + N hours, to the minute.
	KindHours DeadlineKind = "hours"
	// KindDaysAfter: due = end of the N-th day after the clock-start date,
	// in the rule's zone (the day after the start is day 1).
	KindDaysAfter DeadlineKind = "days_after"
	// KindJapanDays: the clock-start date is day 1; due = end of day N,
	// moved to the next Japanese government business day when it is closed.
	KindJapanDays DeadlineKind = "jp_days"
	// KindWindow: a guideline window with the clock-start date as day 1:
	// window_start = end of day WindowFrom, due = end of day N; not moved.
	KindWindow DeadlineKind = "window"
	// KindBusinessDays: due = end of the N-th Monday–Friday after the start.
	KindBusinessDays DeadlineKind = "business_days"
	// KindPromptly: no legal date; target_at from Policy.Promptly.
	KindPromptly DeadlineKind = "promptly"
	// KindImmediately: no legal date; target_at from Policy.Immediately.
	KindImmediately DeadlineKind = "immediately"
	// KindNone: the primary text sets no time at all (a standing duty to
	// act); the obligation has neither due_at nor target_at.
	KindNone DeadlineKind = "none"
)

// Deadline is a rule's deadline expression.
type Deadline struct {
	Kind DeadlineKind `json:"kind"`
	// N is hours or days, depending on Kind (0 for promptly/immediately).
	N int `json:"n,omitempty"`
	// WindowFrom is the first day of a KindWindow window.
	WindowFrom int `json:"window_from,omitempty"`
	// Text states the deadline as the source does.
	Text i18n.Text `json:"text"`
}

// Rule is one row of the rule table: who must be told what, by when, on
// which legal basis, and how sure we are of it.
type Rule struct {
	ID string `json:"id"`
	// Title names the report or notice (the table fills it in from
	// titles, falling back to the recipient).
	Title        i18n.Text    `json:"title"`
	Jurisdiction Jurisdiction `json:"jurisdiction"`
	Recipient    i18n.Text    `json:"recipient"`
	Trigger      i18n.Text    `json:"trigger"`
	Deadline     Deadline     `json:"deadline"`
	ClockStart   i18n.Text    `json:"clock_start"`
	// Content lists the items the report or notice must contain, in order.
	Content []i18n.Text `json:"content"`
	Basis   i18n.Text   `json:"basis"`
	// Guideline marks a target from guidance or practice, not a statute.
	Guideline bool `json:"guideline"`
	// Zone is the IANA zone whose calendar days count ("" = the facts'
	// timezone): a day-based deadline ends at 23:59:59 in the law's place.
	Zone string `json:"zone,omitempty"`
	// Internal marks a duty to act that is owed to no one (no report or
	// notice), so lists of bodies told leave it out.
	Internal bool `json:"internal,omitempty"`
	// VerifiedOn is the latest date one of the rule's primary sources was
	// read (each source carries its own date); while none has been read, the
	// date the rule was checked against the project's secondary notes. The
	// table fills it in from Sources.
	VerifiedOn string   `json:"verified_on"`
	Sources    []Source `json:"sources"`
	// Caveat carries RULES.md's ⚠ notes: points to re-verify.
	Caveat *i18n.Text `json:"caveat,omitempty"`

	// when decides whether the rule applies to the facts.
	when func(*evalCtx) verdict
}

// verdict is a rule's answer for one set of facts.
type verdict struct {
	applies     bool
	provisional bool      // applies only under an assumption about unknowns
	why         i18n.Text // why it applies, for the explanation
	days        int       // overrides Deadline.N when > 0 (APPI 30/60 days)
}

// no is the verdict of a rule that does not apply.
var no = verdict{}

// Rules returns the rule table, Japan first, then the card brands, then the
// other jurisdictions in the order of KnownJurisdictions, each by id. The
// slices inside are shared: treat the result as read-only.
func Rules() []Rule { return slices.Clone(ruleTable()) }

// ruleTable builds the table once; the rule files stay plain data.
var ruleTable = sync.OnceValue(func() []Rule {
	all := slices.Concat(japanRules(), cardRules(), intlRules(), usRules())
	for i := range all {
		all[i].VerifiedOn = verifiedOn(all[i].Sources)
		if all[i].Title = titles[all[i].ID]; all[i].Title.JA == "" {
			all[i].Title = all[i].Recipient
		}
	}
	rank := func(j Jurisdiction) int {
		if j == Card {
			return 1 // right after JP: card reports are as urgent as APPI's
		}
		if i := slices.Index(KnownJurisdictions, j); i > 0 {
			return i + 1
		}
		return 0
	}
	slices.SortFunc(all, func(a, b Rule) int {
		return cmp.Or(cmp.Compare(rank(a.Jurisdiction), rank(b.Jurisdiction)), cmp.Compare(a.ID, b.ID))
	})
	return all
})

// RuleByID returns the rule with the given id.
func RuleByID(id string) (Rule, bool) {
	for _, r := range ruleTable() {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

func caveat(ja, en string) *i18n.Text { t := tx(ja, en); return &t }
