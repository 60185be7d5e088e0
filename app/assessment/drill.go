package assessment

import (
	"context"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/store"
)

// Outcomes of an obligation in a drill's debrief.
const (
	OutcomeMet     = "met"     // submitted by its deadline (or it had none)
	OutcomeLate    = "late"    // submitted after its deadline
	OutcomeMissed  = "missed"  // still open, its deadline passed
	OutcomePending = "pending" // still open, its deadline ahead (or none)
	OutcomeWaived  = "waived"  // waived by legal with a reason
)

// Outcomes lists the outcomes in the order a debrief counts them.
var Outcomes = []string{OutcomeMissed, OutcomeLate, OutcomeMet, OutcomePending, OutcomeWaived}

// Outcome is how o stands at now: what the team would have missed. A
// report marked submitted at its deadline to the second is met.
func Outcome(o Obligation, now time.Time) string {
	due := o.Deadline()
	switch {
	case o.Status == StatusWaived:
		return OutcomeWaived
	case o.Status == StatusSubmitted && (due == nil || o.SubmittedAt == nil || !o.SubmittedAt.After(*due)):
		return OutcomeMet
	case o.Status == StatusSubmitted:
		return OutcomeLate
	case due != nil && due.Before(now):
		return OutcomeMissed
	}
	return OutcomePending
}

// DebriefRow is one obligation of a drill with its outcome. Its deadline
// and submission time are drill time, as the drill's clock stamped them.
type DebriefRow struct {
	Obligation Obligation
	Outcome    string
}

// Debrief is what a drill would have missed, as of its clock's Now.
type Debrief struct {
	Case cases.Case
	// Now is the drill's time when the debrief was made.
	Now  time.Time
	Rows []DebriefRow
	// Counts counts the rows per outcome.
	Counts map[string]int
}

// Debrief lists the applicable obligations of drill c (the PPC's 速報 and
// 確報, the acquirer's report, the card brands'...) by deadline, each
// with its outcome at the drill's time. A case that is not a drill has
// no debrief (not found).
func (s *Service) Debrief(ctx context.Context, p *auth.Principal, c cases.Case) (Debrief, error) {
	d := Debrief{Case: c, Counts: map[string]int{}}
	if !c.BelongsTo(p) || !c.Drill {
		return d, apperr.ErrNotFound
	}
	d.Now = s.cases.ClockOf(c).Now()
	var obligations []Obligation
	if err := applicable(s.st.DB.WithContext(ctx), c).Find(&obligations).Error; err != nil {
		return d, err
	}
	for _, o := range obligations {
		out := Outcome(o, d.Now)
		d.Rows = append(d.Rows, DebriefRow{Obligation: o, Outcome: out})
		d.Counts[out]++
	}
	return d, nil
}

// caseOf reads case caseID of organisation orgID in tx.
func caseOf(tx *store.Tx, orgID, caseID int64) (cases.Case, error) {
	var c cases.Case
	err := tx.DB.Where("id = ? AND organisation_id = ?", caseID, orgID).Take(&c).Error
	if store.IsNotFound(err) {
		return c, apperr.ErrNotFound
	}
	return c, err
}

// inDrill reports whether case caseID is a drill. A drill's deadlines are
// in drill time, so the real-time reminders (warn, due, overdue) would
// fire at the wrong moments and mail the team about a rehearsal: a drill
// gets none, and its case page counts down on the drill's clock instead.
func inDrill(tx *store.Tx, caseID int64) (bool, error) {
	var drill bool
	err := tx.DB.Raw(`SELECT drill FROM cases WHERE id = ?`, caseID).Scan(&drill).Error
	return drill, err
}
