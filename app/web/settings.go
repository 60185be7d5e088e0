package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/auth"
)

type settingsData struct {
	Invitations   []auth.Invitation
	Tokens        []auth.APIToken
	TokenDays     []int
	Now           time.Time // whether a token has expired
	Enrolment     *auth.TOTPEnrolment
	NewToken      string
	RecoveryCodes []string
	Calendar      calendarSection // the user's calendar feed (calendar.go)
}

func (s *Server) settingsPage(c *fiber.Ctx, status int, pg *Page, d settingsData) error {
	ctx := c.UserContext()
	p := principal(c)
	invs, err := s.deps.Auth.MyInvitations(ctx, p)
	if err != nil {
		return err
	}
	d.Invitations, d.Now, d.TokenDays = invs, s.deps.Clock.Now(), tokenDays
	if p.OrgID() != 0 {
		tokens, err := s.deps.Auth.ListAPITokens(ctx, p)
		if err != nil {
			return err
		}
		d.Tokens = tokens
		if err := s.loadUserCalendar(c, &d.Calendar); err != nil {
			return err
		}
	}
	if !p.User.TOTPEnabled() && d.Enrolment == nil {
		if e, ok, err := s.deps.Auth.PendingTOTP(ctx, p); err != nil {
			return err
		} else if ok {
			d.Enrolment = &e
		}
	}
	pg.Data = d
	return s.render(c, status, "settings", pg)
}

func (s *Server) settings(c *fiber.Ctx) error {
	return s.settingsPage(c, fiber.StatusOK, s.newPage(c, "settings.title", "settings"), settingsData{})
}

// settingsResult redirects with a flash on success, or shows the settings
// page again with the errors next to their fields.
func (s *Server) settingsResult(c *fiber.Ctx, err error, flash string) error {
	if err == nil {
		s.flash(c, flash)
		return c.Redirect("/settings", fiber.StatusSeeOther)
	}
	pg := s.newPage(c, "settings.title", "settings")
	if err := fieldErrors(pg, err); err != nil {
		return err
	}
	return s.settingsPage(c, fiber.StatusUnprocessableEntity, pg, settingsData{})
}

func (s *Server) setLanguage(c *fiber.Ctx) error {
	return s.settingsResult(c, s.deps.Auth.SetLanguage(c.UserContext(), principal(c), c.FormValue("language")), "flash.language_saved")
}

func (s *Server) changePassword(c *fiber.Ctx) error {
	err := s.deps.Auth.ChangePassword(c.UserContext(), principal(c), c.FormValue("current_password"), c.FormValue("new_password"))
	return s.settingsResult(c, err, "flash.password_changed")
}

func (s *Server) totpBegin(c *fiber.Ctx) error {
	if _, err := s.deps.Auth.BeginTOTP(c.UserContext(), principal(c)); err != nil {
		return err
	}
	return c.Redirect("/settings", fiber.StatusSeeOther)
}

func (s *Server) totpQR(c *fiber.Ctx) error {
	e, ok, err := s.deps.Auth.PendingTOTP(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("png")
	return c.Send(e.QRPNG)
}

func (s *Server) totpConfirm(c *fiber.Ctx) error {
	codes, err := s.deps.Auth.ConfirmTOTP(c.UserContext(), principal(c), c.FormValue("code"))
	if err != nil {
		return s.settingsResult(c, err, "")
	}
	// Recovery codes are shown on this response only, never stored in clear.
	pg := s.newPage(c, "settings.title", "settings")
	pg.Flash = pg.T("flash.totp_enabled")
	enabled := s.deps.Clock.Now()
	principal(c).User.TOTPEnabledAt = &enabled // the page shows the new state
	return s.settingsPage(c, fiber.StatusOK, pg, settingsData{RecoveryCodes: codes})
}

func (s *Server) totpDisable(c *fiber.Ctx) error {
	return s.settingsResult(c, s.deps.Auth.DisableTOTP(c.UserContext(), principal(c), c.FormValue("password")), "flash.totp_disabled")
}

// tokenDays are the lifetimes the token form offers.
var tokenDays = []int{30, auth.DefaultTokenDays, 180, auth.MaxTokenDays}

func (s *Server) createToken(c *fiber.Ctx) error {
	days, _ := strconv.Atoi(c.FormValue("days"))
	in := auth.TokenInput{Name: c.FormValue("name"), Scope: c.FormValue("scope"), Days: days}
	secret, _, err := s.deps.Auth.CreateAPIToken(c.UserContext(), principal(c), in)
	if err != nil {
		return s.settingsResult(c, err, "")
	}
	return s.settingsPage(c, fiber.StatusOK, s.newPage(c, "settings.title", "settings"), settingsData{NewToken: secret})
}

func (s *Server) revokeToken(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.deps.Auth.RevokeAPIToken(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	s.flash(c, "flash.token_revoked")
	return c.Redirect("/settings", fiber.StatusSeeOther)
}
