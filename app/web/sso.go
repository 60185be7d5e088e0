package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
)

// ssoFlowCookie holds the sealed state, nonce and PKCE verifier of a
// login started at the identity provider (see sso.Service.Begin).
const ssoFlowCookie = "bd_oidc"

// ssoRoutes are single sign-on (OpenID Connect), when it is configured,
// and the owner's switch for local passwords.
func (s *Server) ssoRoutes() []Route {
	routes := []Route{{Method: "POST", Path: "/organisation/password-login", Access: Tenant, Handler: s.setPasswordLogin}}
	if s.deps.SSO == nil {
		return routes
	}
	return append(routes,
		Route{Method: "GET", Path: "/login/oidc", Access: Anon, Handler: s.ssoStart},
		Route{Method: "GET", Path: "/login/oidc/callback", Access: Anon, Handler: s.ssoCallback})
}

// loginData is what the login page shows beside the password form.
type loginData struct {
	// SSOName labels the "Sign in with …" button; "" when single sign-on
	// is not configured.
	SSOName string
}

// loginPage is the login form's page, with the single sign-on button when
// one is configured.
func (s *Server) loginPage(c *fiber.Ctx) *Page {
	pg := s.newPage(c, "login.title", "")
	if s.deps.SSO != nil {
		pg.Data = loginData{SSOName: s.deps.SSO.Name()}
	}
	return pg
}

func (s *Server) ssoStart(c *fiber.Ctx) error {
	to, cookie, err := s.deps.SSO.Begin(c.UserContext())
	if err != nil {
		return s.ssoRefused(c, err)
	}
	// Lax: the provider's redirect back is a top-level GET from its site.
	c.Cookie(&fiber.Cookie{Name: ssoFlowCookie, Value: cookie, Path: "/login/oidc", HTTPOnly: true,
		Secure: s.deps.Config.CookieSecure, SameSite: fiber.CookieSameSiteLaxMode, MaxAge: 600})
	return c.Redirect(to, fiber.StatusSeeOther)
}

func (s *Server) ssoCallback(c *fiber.Ctx) error {
	cookie := c.Cookies(ssoFlowCookie)
	// One try per started login: the flow cookie goes whatever happens.
	c.Cookie(&fiber.Cookie{Name: ssoFlowCookie, Value: "", Path: "/login/oidc", HTTPOnly: true,
		Secure: s.deps.Config.CookieSecure, SameSite: fiber.CookieSameSiteLaxMode, MaxAge: -1})
	token, err := s.deps.SSO.Callback(c.UserContext(), cookie, c.Query("state"), c.Query("code"), c.Query("error"), c.IP(), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return s.ssoRefused(c, err)
	}
	s.setSession(c, token)
	return c.Redirect("/", fiber.StatusSeeOther)
}

// ssoRefused shows why a single sign-on was refused, with a way back to
// the login page; other errors go to the error handler.
func (s *Server) ssoRefused(c *fiber.Ctx, err error) error {
	var me *apperr.Error
	if !errors.As(err, &me) {
		return err
	}
	pg := s.newPage(c, "sso.refused_title", "")
	pg.Data = ssoRefusal{Text: pg.msgs.ErrorText(pg.Lang, err), Code: me.Code}
	return s.render(c, statusOf(err), "sso_refused", pg)
}

// ssoRefusal is the refusal page: the reason in words, and its code for
// the help desk.
type ssoRefusal struct{ Text, Code string }

func (s *Server) setPasswordLogin(c *fiber.Ctx) error {
	on := c.FormValue("password_login") == "on"
	if !on && s.deps.SSO == nil {
		// Without single sign-on nobody could log in any more.
		return apperr.Invalid("password_login", "sso.password_off_needs_sso")
	}
	if err := s.deps.Auth.SetPasswordLogin(c.UserContext(), principal(c), on); err != nil {
		return err
	}
	s.flash(c, "flash.password_login_saved")
	return c.Redirect("/organisation", fiber.StatusSeeOther)
}
