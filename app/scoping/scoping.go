// Package scoping works out who a leak affected: the exposure windows the
// forensic investigator reports, and the customers who paid by card on an
// affected path inside one, merged into persons.
//
// A scope run reads the case's orders once, merges them into persons in
// memory that grows with the number of matching orders only (a few ints
// per order, never their text), and writes its result set-based: the
// persons, their keys and their orders are tables, so that a run can be
// shown, paged and compared with the scope currently applied before
// applying it replaces the case's affected-person list and feeds the
// assessment.
package scoping

import (
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/store"
)

// Service keeps a case's exposure windows and scopes its orders.
type Service struct {
	st         *store.Store
	clk        clock.Clock
	cases      *cases.Service
	assessment *assessment.Service
}

// NewService returns the scoping service. The assessment service receives
// the counts and brands of an applied scope, so that the obligations
// recompute.
func NewService(st *store.Store, clk clock.Clock, cs *cases.Service, as *assessment.Service) *Service {
	if st == nil || clk == nil || cs == nil || as == nil {
		panic("scoping.NewService: the store, clock, case and assessment services are required")
	}
	return &Service{st: st, clk: clk, cases: cs, assessment: as}
}
