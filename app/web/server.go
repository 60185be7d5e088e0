// Package web is the HTTP layer: Fiber routes, one file per page or group
// of actions, middleware and the single error handler. Handlers are thin:
// they parse input, call a service and render.
package web

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/calendar"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/config"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/inquiries"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/orders"
	"github.com/breachdesk/breachdesk/app/people"
	"github.com/breachdesk/breachdesk/app/scoping"
	"github.com/breachdesk/breachdesk/app/security"
	"github.com/breachdesk/breachdesk/app/sso"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/webhooks"
	"github.com/breachdesk/breachdesk/frontend"
)

// Deps are what the web layer needs from the rest of the application.
type Deps struct {
	Config     config.Config
	Clock      clock.Clock // what "now" is on every page and in the API
	Store      *store.Store
	Auth       *auth.Service
	Cases      *cases.Service
	Assessment *assessment.Service
	Evidence   *evidence.Service
	Drafts     *drafts.Service
	Notices    *notices.Service
	People     *people.Service
	Inquiries  *inquiries.Service
	Letters    *letters.Service
	Calendar   *calendar.Service    // the deadlines as iCalendar feeds
	Registry   *prometheus.Registry // nil: a private registry
	// SSO is single sign-on through an OpenID Connect provider; nil when
	// none is configured.
	SSO *sso.Service
	// Webhooks manages the organisation's webhook endpoints.
	Webhooks *webhooks.Service
	// Security keeps the security measures register and a case's causes.
	Security *security.Service
	// Orders imports the shop's order exports for scoping.
	Orders *orders.Service
	// Scoping keeps exposure windows and works out the affected persons.
	Scoping *scoping.Service
}

// check refuses Deps without one of its services: a missing one is a
// wiring mistake, found when the server is built rather than when a page
// that needs it is first asked for.
func (d Deps) check() error {
	var missing []string
	for _, dep := range []struct {
		name string
		nil  bool
	}{
		{"Clock", d.Clock == nil}, {"Store", d.Store == nil}, {"Auth", d.Auth == nil}, {"Cases", d.Cases == nil},
		{"Assessment", d.Assessment == nil}, {"Evidence", d.Evidence == nil}, {"Drafts", d.Drafts == nil}, {"Notices", d.Notices == nil},
		{"People", d.People == nil}, {"Inquiries", d.Inquiries == nil}, {"Letters", d.Letters == nil},
		{"Calendar", d.Calendar == nil}, {"Webhooks", d.Webhooks == nil},
		{"Security", d.Security == nil}, {"Orders", d.Orders == nil}, {"Scoping", d.Scoping == nil},
	} {
		if dep.nil {
			missing = append(missing, dep.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("web: Deps without %s", strings.Join(missing, ", "))
	}
	return nil
}

// Server is the HTTP application.
type Server struct {
	deps    Deps
	app     *fiber.App
	pages   pages
	msgs    i18n.Catalogue
	metrics *metrics
	routes  []Route
	spec    []byte // the OpenAPI document, reflected once from routes
	jobs    jobsUI // River's dashboard, built on first use
}

// New builds the Fiber app with every route.
func New(deps Deps) (*Server, error) {
	if err := deps.check(); err != nil {
		return nil, err
	}
	msgs, err := i18n.Load(frontend.Messages, "i18n")
	if err != nil {
		return nil, err
	}
	pg, err := loadPages(msgs)
	if err != nil {
		return nil, err
	}
	if deps.Registry == nil {
		deps.Registry = prometheus.NewRegistry()
	}
	bodyLimit := 8 << 20
	if up := int(deps.Config.MaxUploadBytes); up > 0 {
		bodyLimit = up + formRoom // the evidence limit plus room for the form around the file
	}
	s := &Server{deps: deps, pages: pg, msgs: msgs, metrics: newMetrics(deps.Registry)}
	s.app = fiber.New(fiber.Config{
		// Handlers may keep request values (in jobs, in logs); fasthttp
		// reuses its buffers otherwise.
		Immutable:             true,
		DisableStartupMessage: true,
		BodyLimit:             bodyLimit,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		ErrorHandler:          s.handleError,
	})
	// Bodies are bounded from their headers, before they are read: see bodies.go.
	s.app.Server().HeaderReceived = s.bodyAllowance
	s.routes = s.routeTable()
	doc, err := buildSpec(s.routes)
	if err != nil {
		return nil, fmt.Errorf("web: the OpenAPI document: %w", err)
	}
	if s.spec, err = json.Marshal(doc); err != nil {
		return nil, err
	}
	s.mount()
	return s, nil
}

// formRoom is what a request may hold beyond the upload limit: the other
// fields of the form around the file.
const formRoom = 1 << 20

// maxUpload is the largest file a request can carry: Fiber refuses a
// larger body (413) before any handler or service limit is reached.
func (s *Server) maxUpload() int64 { return int64(s.app.Config().BodyLimit - formRoom) }

// App returns the Fiber app, for Listen and for tests (app.Test).
func (s *Server) App() *fiber.App { return s.app }

// Routes returns the route table, so tests can walk every route.
func (s *Server) Routes() []Route { return s.routes }

// Listen serves on addr until Shutdown.
func (s *Server) Listen(addr string) error {
	slog.Info("http listening", "addr", addr)
	return s.app.Listen(addr)
}

// Shutdown stops accepting requests and waits for running ones.
func (s *Server) Shutdown(timeout time.Duration) error {
	defer s.stopJobsUI()
	return s.app.ShutdownWithTimeout(timeout)
}
