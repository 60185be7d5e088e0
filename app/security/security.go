// Package security keeps an organisation's security measures: the
// catalogue of measures the Credit Card Security Guidelines and common
// practice ask of an EC merchant, the organisation's register of where
// each stands, the checklist declaration made from it, and the root causes
// recorded on a case with the measures that would have prevented them.
package security

import (
	"sync"

	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/pdf"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/frontend"
)

// Service reads and changes the register and a case's causes.
type Service struct {
	st       *store.Store
	clk      clock.Clock
	cases    *cases.Service
	renderer *pdf.Renderer
}

// Option configures a Service.
type Option func(*Service)

// WithRenderer gives the service the PDF renderer the checklist
// declaration is printed with; without it the PDF is refused.
func WithRenderer(r *pdf.Renderer) Option { return func(s *Service) { s.renderer = r } }

// NewService returns the security measures service. Options are optional
// so that callers which never print a declaration need not pass a
// renderer.
func NewService(st *store.Store, clk clock.Clock, cs *cases.Service, opts ...Option) *Service {
	s := &Service{st: st, clk: clk, cases: cs}
	for _, o := range opts {
		o(s)
	}
	return s
}

// messages is the UI catalogue, for the declaration's and the exports'
// labels: the same words as the register page.
var messages = sync.OnceValues(func() (i18n.Catalogue, error) { return i18n.Load(frontend.Messages, "i18n") })
