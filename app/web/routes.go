package web

import (
	"io/fs"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"github.com/breachdesk/breachdesk/frontend"
)

// Access says who may reach a route.
type Access int

// Access levels, checked by guard before the handler runs.
const (
	Public   Access = iota // anyone, no session needed (health, public pages)
	Anon                   // login pages
	MFAStep                // a session waiting for its second factor
	LoggedIn               // any logged-in user, with or without organisation
	Tenant                 // a logged-in user acting in an organisation
	Operator               // platform operators only
)

// Route is one entry of the route table. Param names the kind of resource
// in the path's :id, so the tenant-isolation test knows which foreign id
// to try there.
type Route struct {
	Method string
	Path   string
	Access Access
	Param  string
	// SubParam names the resource kind of a second parameter, :oid.
	SubParam string
	API      bool
	// Op describes an API route for the OpenAPI document (required when API).
	Op      *Op
	Handler fiber.Handler
}

func (s *Server) routeTable() []Route {
	routes := []Route{
		{Method: "GET", Path: "/healthz", Access: Public, Handler: s.healthz},
		{Method: "GET", Path: "/readyz", Access: Public, Handler: s.readyz},

		{Method: "GET", Path: "/login", Access: Anon, Handler: s.loginForm},
		{Method: "POST", Path: "/login", Access: Anon, Handler: s.login},
		{Method: "GET", Path: "/login/totp", Access: MFAStep, Handler: s.totpForm},
		{Method: "POST", Path: "/login/totp", Access: MFAStep, Handler: s.totpVerify},
		{Method: "POST", Path: "/logout", Access: MFAStep, Handler: s.logout},

		{Method: "GET", Path: "/", Access: LoggedIn, Handler: s.dashboard},
		{Method: "POST", Path: "/org/switch", Access: LoggedIn, Handler: s.switchOrg},
		{Method: "GET", Path: "/settings", Access: LoggedIn, Handler: s.settings},
		{Method: "POST", Path: "/settings/language", Access: LoggedIn, Handler: s.setLanguage},
		{Method: "POST", Path: "/settings/password", Access: LoggedIn, Handler: s.changePassword},
		{Method: "POST", Path: "/settings/totp/begin", Access: LoggedIn, Handler: s.totpBegin},
		{Method: "GET", Path: "/settings/totp/qr.png", Access: LoggedIn, Handler: s.totpQR},
		{Method: "POST", Path: "/settings/totp/confirm", Access: LoggedIn, Handler: s.totpConfirm},
		{Method: "POST", Path: "/settings/totp/disable", Access: LoggedIn, Handler: s.totpDisable},
		{Method: "POST", Path: "/settings/tokens", Access: Tenant, Handler: s.createToken},
		{Method: "POST", Path: "/settings/tokens/:id/revoke", Access: Tenant, Param: "api_token", Handler: s.revokeToken},

		{Method: "GET", Path: "/admin/users", Access: Tenant, Handler: s.adminUsers},
		{Method: "POST", Path: "/admin/users", Access: Tenant, Handler: s.adminInvite},
		{Method: "POST", Path: "/admin/invitations/:id/cancel", Access: Tenant, Param: "invitation", Handler: s.adminCancelInvitation},
		{Method: "POST", Path: "/invitations/answer", Access: LoggedIn, Handler: s.answerInvitation},
		{Method: "GET", Path: "/admin/users/:id", Access: Tenant, Param: "user", Handler: s.adminUser},
		{Method: "POST", Path: "/admin/users/:id/role", Access: Tenant, Param: "user", Handler: s.adminSetRole},
		{Method: "POST", Path: "/admin/users/:id/remove", Access: Tenant, Param: "user", Handler: s.adminRemove},
		{Method: "GET", Path: "/admin/organisations", Access: Operator, Handler: s.adminOrganisations},

		{Method: "GET", Path: "/api/v1/me", Access: LoggedIn, API: true, Handler: s.apiMe,
			Op: &Op{ID: "getMe", Tag: "organisation", Summary: "The caller and the current organisation", Out: apiMeResponse{}}},
		{Method: "GET", Path: "/api/v1/members/:id", Access: Tenant, API: true, Param: "user", Handler: s.apiMember,
			Op: &Op{ID: "getMember", Tag: "organisation", Summary: "A member of the current organisation", Out: apiMemberResponse{}}},
		{Method: "GET", Path: "/api/v1/openapi.json", Access: Public, API: true, Handler: s.openAPI,
			Op: &Op{ID: "getOpenAPI", Tag: "meta", Summary: "This document", Out: map[string]any{}}},
	}
	// Feature route groups, one per file.
	routes = append(routes, s.profileRoutes()...)
	routes = append(routes, s.approvalRoutes()...)
	routes = append(routes, s.caseRoutes()...)
	routes = append(routes, s.drillRoutes()...)
	routes = append(routes, s.correctionRoutes()...)
	routes = append(routes, s.caseListRoutes()...)
	routes = append(routes, s.assessmentRoutes()...)
	routes = append(routes, s.taskRoutes()...)
	routes = append(routes, s.obligationRoutes()...)
	routes = append(routes, s.notificationRoutes()...)
	routes = append(routes, s.caseAPIRoutes()...)
	routes = append(routes, s.obligationAPIRoutes()...)
	routes = append(routes, s.taskAPIRoutes()...)
	routes = append(routes, s.evidenceRoutes()...)
	routes = append(routes, s.documentRoutes()...)
	routes = append(routes, s.noticeRoutes()...)
	routes = append(routes, s.peopleRoutes()...)
	routes = append(routes, s.ordersRoutes()...)
	routes = append(routes, s.inquiryRoutes()...)
	routes = append(routes, s.letterRoutes()...)
	routes = append(routes, s.auditRoutes()...)
	routes = append(routes, s.webhookRoutes()...)
	routes = append(routes, s.calendarRoutes()...)
	routes = append(routes, s.ssoRoutes()...)
	routes = append(routes, s.preventionRoutes()...)
	routes = append(routes, s.securityRoutes()...)
	routes = append(routes, s.scopingRoutes()...)
	return routes
}

func (s *Server) mount() {
	a := s.app
	a.Use(s.recoverPanics, s.securityHeaders, s.observe)
	a.Get("/metrics", s.metricsOnMainListener())
	// Browsers ask for /favicon.ico whatever the page links; the icon is
	// an SVG (frontend/static/favicon.svg), linked from the layouts.
	a.Get("/favicon.ico", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
		return c.Redirect("/static/favicon.svg", fiber.StatusMovedPermanently)
	})
	static, _ := fs.Sub(frontend.Static, "static")
	a.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: 3600}))
	a.Use(s.loadPrincipal, s.inflateBody, s.checkCSRF)
	a.Use(jobsPrefix, s.serveJobs) // River UI, operators only: see jobs_ui.go
	for _, r := range s.routes {
		a.Add(r.Method, r.Path, s.guard(r), r.Handler)
		if r.Method == fiber.MethodGet {
			// HEAD is GET without the body (RFC 9110 §9.3.2): uptime
			// checks and link checkers send it. a.Add, unlike a.Get, does
			// not register it; fasthttp drops the body of a HEAD answer.
			a.Add(fiber.MethodHead, r.Path, s.guard(r), r.Handler)
		}
	}
	a.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
