package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"riverqueue.com/riverui"

	"github.com/breachdesk/breachdesk/app/apperr"
)

// jobsPrefix is where River's job dashboard is mounted, for operators.
// It lives outside the route table: it is a whole application (pages,
// assets and a JSON API) with its own router, so it has its own access
// check (jobsUI.serve) and its own access test.
const jobsPrefix = "/admin/jobs"

// isJobsPath reports whether path belongs to the job dashboard.
func isJobsPath(path string) bool {
	return path == jobsPrefix || strings.HasPrefix(path, jobsPrefix+"/")
}

// jobsUI builds River UI on first use: most processes never serve it, and
// its background counters should not query the database until an operator
// looks.
type jobsUI struct {
	mu      sync.Mutex
	handler fiber.Handler
	stop    context.CancelFunc
}

// jobsHandler returns the dashboard, building it the first time; a failed build
// (the database down, say) is tried again on the next request.
func (s *Server) jobsHandler() (fiber.Handler, error) {
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	if s.jobs.handler == nil {
		h, err := s.startJobsUI()
		if err != nil {
			return nil, err
		}
		s.jobs.handler = h
	}
	return s.jobs.handler, nil
}

// startJobsUI builds and starts the dashboard. River UI wants a pgx-based client; an
// insert-only one (no queues, no workers) on the shared pool is enough to
// read and manage jobs, while the real workers keep their own client.
func (s *Server) startJobsUI() (fiber.Handler, error) {
	client, err := river.NewClient(riverpgxv5.New(s.deps.Store.Pool), &river.Config{Logger: slog.Default()})
	if err != nil {
		return nil, err
	}
	h, err := riverui.NewHandler(&riverui.HandlerOpts{
		Endpoints: riverui.NewEndpoints(client, nil),
		Logger:    slog.Default(),
		Prefix:    jobsPrefix,
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := h.Start(ctx); err != nil {
		cancel()
		return nil, err
	}
	s.jobs.stop = cancel
	// Our CSRF tokens do not reach River UI's API (its scripts cannot know
	// them), so its state-changing requests are checked the way the Go
	// standard library recommends instead: a browser request from another
	// site (Sec-Fetch-Site, else Origin against Host) is refused.
	return adaptor.HTTPHandler(http.NewCrossOriginProtection().Handler(h)), nil
}

// serveJobs is the gate in front of River UI: operators only, after the
// second factor; anyone else learns nothing (login or 404), as with the
// route table's Operator routes.
func (s *Server) serveJobs(c *fiber.Ctx) error {
	if !isJobsPath(c.Path()) {
		return c.Next()
	}
	p := principal(c)
	api := strings.HasPrefix(c.Path(), jobsPrefix+"/api")
	switch {
	case p == nil && !api && c.Method() == fiber.MethodGet:
		return c.Redirect("/login", fiber.StatusSeeOther)
	case p == nil:
		return apperr.ErrUnauthenticated
	case mfaPending(c) && !api:
		return c.Redirect("/login/totp", fiber.StatusSeeOther)
	case mfaPending(c):
		return apperr.ErrUnauthenticated
	case !p.User.IsOperator:
		return apperr.ErrNotFound
	}
	h, err := s.jobsHandler()
	if err != nil {
		return err
	}
	// River UI's pages need its own scripts and styles, all served from
	// here; React sets some inline styles, which our CSP would block.
	c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	return h(c)
}

// stopJobsUI stops River UI's background counters, if it was started.
func (s *Server) stopJobsUI() {
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	if s.jobs.stop != nil {
		s.jobs.stop()
		s.jobs.stop, s.jobs.handler = nil, nil
	}
}
