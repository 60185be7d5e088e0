package assessment

import (
	"context"
	"time"

	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/store"
)

// Deadlines keeps a case's obligations and their reminders in step with
// its facts and its clock start, and delivers the reminders when they
// are due. It needs no other service, so it is made first: the case
// service is given it (opening a case, moving its clock start and
// closing it ask it), and so is Service.
type Deadlines struct {
	st     *store.Store
	policy obligations.Policy
	now    func() time.Time
}

// The case service calls back into the bookkeeping through its own
// interface.
var _ cases.Obligations = (*Deadlines)(nil)

// NewDeadlines returns the bookkeeping on st, timed by clk. Both are
// required.
func NewDeadlines(st *store.Store, clk clock.Clock) *Deadlines {
	if st == nil || clk == nil {
		panic("assessment.NewDeadlines: the store and clock are required")
	}
	return &Deadlines{st: st, policy: obligations.DefaultPolicy(), now: clk.Now}
}

// Open lists the rule ids of a case's obligations that still need action;
// the case service asks before closing.
func (d *Deadlines) Open(ctx context.Context, tx *store.Tx, orgID, caseID int64) ([]string, error) {
	var ids []string
	err := tx.DB.WithContext(ctx).Raw(`SELECT rule_id FROM obligations WHERE organisation_id = ? AND case_id = ? AND applicable
		AND status NOT IN ('submitted', 'waived') ORDER BY rule_id`, orgID, caseID).Scan(&ids).Error
	return ids, err
}

// AwareAtChanged recomputes with the latest facts after the case opened or
// its clock start moved.
func (d *Deadlines) AwareAtChanged(ctx context.Context, tx *store.Tx, c cases.Case) error {
	v, f, err := d.latest(ctx, tx.DB.WithContext(ctx), c)
	if err != nil {
		return err
	}
	_, err = d.recompute(ctx, tx, c, f, v.Version)
	return err
}
