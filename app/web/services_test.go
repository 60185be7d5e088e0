package web_test

import (
	"testing"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/orders"
	"github.com/breachdesk/breachdesk/app/scoping"
	"github.com/breachdesk/breachdesk/app/security"
	"github.com/breachdesk/breachdesk/app/store"
)

// newSecurity is the security measures service the test servers use.
func newSecurity(t testing.TB, st *store.Store, clk clock.Clock, cs *cases.Service) *security.Service {
	t.Helper()
	return security.NewService(st, clk, cs, security.WithRenderer(apptest.Renderer(t)))
}

// newOrders is the orders service the test servers use.
func newOrders(t testing.TB, st *store.Store, clk clock.Clock, cs *cases.Service) *orders.Service {
	t.Helper()
	return orders.NewService(st, clk, cs)
}

// newScoping is the scoping service the test servers use.
func newScoping(t testing.TB, st *store.Store, clk clock.Clock, cs *cases.Service, as *assessment.Service) *scoping.Service {
	t.Helper()
	return scoping.NewService(st, clk, cs, as)
}
