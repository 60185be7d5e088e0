package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/i18n"
)

const (
	localPrincipal  = "principal"
	localMFAPending = "mfa_pending"
	localToken      = "session_token"
	preCSRFCookie   = "bd_csrf"
	langCookie      = "bd_lang"
	flashCookie     = "bd_flash"
)

func (s *Server) sessionCookie() string {
	// The __Host- prefix pins the cookie to this host and path /, but
	// browsers accept it only with Secure.
	if s.deps.Config.CookieSecure {
		return "__Host-bd_session"
	}
	return "bd_session"
}

func (s *Server) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			slog.Error("panic in handler", "path", c.Path(), "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("internal error")
		}
	}()
	return c.Next()
}

func (s *Server) securityHeaders(c *fiber.Ctx) error {
	h := c.Set
	h("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h("X-Content-Type-Options", "nosniff")
	h("X-Frame-Options", "DENY")
	h("Referrer-Policy", "same-origin")
	h("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	h("Cross-Origin-Opener-Policy", "same-origin")
	if s.deps.Config.CookieSecure && strings.HasPrefix(s.deps.Config.BaseURL, "https://") {
		h("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	return c.Next()
}

// observe logs each request and feeds the Prometheus metrics.
func (s *Server) observe(c *fiber.Ctx) error {
	start := clock.Start()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		status = statusOf(err)
	}
	route := s.routeLabel(c)
	elapsed := start.Elapsed()
	s.metrics.observe(c.Method(), route, status, elapsed)
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	slog.Log(c.UserContext(), level, "http", "method", c.Method(), "path", c.Path(), "status", status, "ms", elapsed.Milliseconds(), "ip", c.IP())
	return err
}

// loadPrincipal resolves the caller from the bearer token or the session
// cookie, and stores the principal and the audit actor on the request.
func (s *Server) loadPrincipal(c *fiber.Ctx) error {
	if isCacheablePublic(c) {
		return c.Next() // the same answer for everyone: see public_cache.go
	}
	ctx := c.UserContext()
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return apperr.ErrUnauthenticated
		}
		p, err := s.deps.Auth.AuthenticateToken(ctx, strings.TrimSpace(secret))
		if err != nil {
			return err
		}
		if p.ReadOnly && !readOnly(c) {
			return errReadOnlyToken
		}
		s.setPrincipal(c, &p, false)
		return c.Next()
	}
	if token := c.Cookies(s.sessionCookie()); token != "" {
		p, pending, err := s.deps.Auth.Authenticate(ctx, token)
		switch {
		case err == nil:
			c.Locals(localToken, token)
			s.setPrincipal(c, &p, pending)
		case errors.Is(err, apperr.ErrUnauthenticated):
			s.clearSession(c)
		default:
			return err
		}
	}
	return c.Next()
}

// errReadOnlyToken refuses a change made with a read-only API token.
var errReadOnlyToken = apperr.Forbidden("forbidden.token_read_only")

func (s *Server) setPrincipal(c *fiber.Ctx, p *auth.Principal, mfaPending bool) {
	c.Locals(localPrincipal, p)
	c.Locals(localMFAPending, mfaPending)
	c.SetUserContext(audit.WithActor(c.UserContext(), p.Actor(c.IP())))
}

func principal(c *fiber.Ctx) *auth.Principal {
	p, _ := c.Locals(localPrincipal).(*auth.Principal)
	return p
}

func mfaPending(c *fiber.Ctx) bool {
	v, _ := c.Locals(localMFAPending).(bool)
	return v
}

// checkCSRF refuses a state-changing request whose form token (or
// X-CSRF-Token header) does not match the session's token; before login it
// compares with a random cookie (double submit). Requests authenticated by
// a bearer token carry no ambient credentials and need no token.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	if isJobsPath(c.Path()) {
		return c.Next() // River UI has its own API; see serveJobs
	}
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		if !isCacheablePublic(c) {
			s.ensurePreCSRF(c)
		}
		return c.Next()
	}
	if p := principal(c); p != nil && p.TokenID != 0 {
		return c.Next()
	}
	sent := c.FormValue("_csrf")
	if sent == "" {
		sent = c.Get("X-CSRF-Token")
	}
	want := csrfToken(c)
	if want == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
		return errCSRF
	}
	return c.Next()
}

var errCSRF = errors.New("csrf token missing or wrong")

// csrfToken is the token forms on this request must carry.
func csrfToken(c *fiber.Ctx) string {
	if p := principal(c); p != nil && p.CSRFToken != "" {
		return p.CSRFToken
	}
	if v, ok := c.Locals(preCSRFCookie).(string); ok {
		return v
	}
	return c.Cookies(preCSRFCookie)
}

func (s *Server) ensurePreCSRF(c *fiber.Ctx) {
	if principal(c) != nil && !mfaPending(c) {
		return
	}
	if c.Cookies(preCSRFCookie) != "" {
		return
	}
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	v := hex.EncodeToString(b)
	c.Locals(preCSRFCookie, v)
	c.Cookie(&fiber.Cookie{Name: preCSRFCookie, Value: v, Path: "/", HTTPOnly: true, Secure: s.deps.Config.CookieSecure, SameSite: fiber.CookieSameSiteStrictMode})
}

// guard enforces the route's access level.
func (s *Server) guard(r Route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := principal(c)
		switch r.Access {
		case Public:
			return c.Next()
		case Anon:
			if p != nil && !mfaPending(c) && !r.API {
				return c.Redirect("/", fiber.StatusSeeOther)
			}
			return c.Next()
		case MFAStep:
			if p == nil {
				return s.needLogin(c, r)
			}
			return c.Next()
		}
		if p == nil {
			return s.needLogin(c, r)
		}
		if mfaPending(c) {
			if r.API {
				return apperr.ErrUnauthenticated
			}
			return c.Redirect("/login/totp", fiber.StatusSeeOther)
		}
		switch r.Access {
		case Tenant:
			if p.OrgID() == 0 {
				return apperr.ErrNotFound
			}
			if err := s.checkOwnership(c, r); err != nil {
				return err
			}
		case Operator:
			if !p.User.IsOperator {
				return apperr.ErrNotFound
			}
		}
		return c.Next()
	}
}

func (s *Server) needLogin(c *fiber.Ctx, r Route) error {
	if r.API || (c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead) {
		return apperr.ErrUnauthenticated
	}
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// lang picks the UI language: ?lang=, the user's setting, the language
// cookie, then Accept-Language; Japanese by default.
func (s *Server) lang(c *fiber.Ctx) string {
	if l := i18n.Supported(c.Query("lang")); l != "" {
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: fiber.CookieSameSiteLaxMode})
		return l
	}
	if p := principal(c); p != nil && p.User.Language != "" {
		return p.User.Language
	}
	if l := i18n.Supported(c.Cookies(langCookie)); l != "" {
		return l
	}
	if l := i18n.FromAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage)); l != "" {
		return l
	}
	return i18n.Languages[0]
}

func (s *Server) setSession(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: s.sessionCookie(), Value: token, Path: "/", HTTPOnly: true,
		Secure: s.deps.Config.CookieSecure, SameSite: fiber.CookieSameSiteLaxMode})
}

func (s *Server) clearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: s.sessionCookie(), Value: "", Path: "/", HTTPOnly: true,
		Secure: s.deps.Config.CookieSecure, SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(0, 0), MaxAge: -1})
}

// flash stores a message key for the next page (post/redirect/get).
func (s *Server) flash(c *fiber.Ctx, key string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: key, Path: "/", HTTPOnly: true, Secure: s.deps.Config.CookieSecure, SameSite: fiber.CookieSameSiteLaxMode, MaxAge: 60})
}

func (s *Server) takeFlash(c *fiber.Ctx) string {
	key := c.Cookies(flashCookie)
	if key == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0)})
	if !strings.HasPrefix(key, "flash.") {
		return ""
	}
	return key
}
