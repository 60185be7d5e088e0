package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
)

func (s *Server) loginForm(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "login", s.loginPage(c))
}

func (s *Server) login(c *fiber.Ctx) error {
	email := c.FormValue("email")
	res, err := s.deps.Auth.Login(c.UserContext(), email, c.FormValue("password"), c.IP(), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		pg := s.loginPage(c)
		pg.Form["email"] = email
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		return s.render(c, statusOf(err), "login", pg)
	}
	s.setSession(c, res.SessionToken)
	if res.MFARequired {
		return c.Redirect("/login/totp", fiber.StatusSeeOther)
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (s *Server) totpForm(c *fiber.Ctx) error {
	if !mfaPending(c) {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return s.render(c, fiber.StatusOK, "totp", s.newPage(c, "totp.title", ""))
}

func (s *Server) totpVerify(c *fiber.Ctx) error {
	token, _ := c.Locals(localToken).(string)
	fresh, err := s.deps.Auth.VerifySecondFactor(c.UserContext(), token, c.FormValue("code"), c.IP())
	if err != nil {
		pg := s.newPage(c, "totp.title", "")
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		return s.render(c, statusOf(err), "totp", pg)
	}
	s.setSession(c, fresh)
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (s *Server) logout(c *fiber.Ctx) error {
	if token, _ := c.Locals(localToken).(string); token != "" {
		if err := s.deps.Auth.Logout(c.UserContext(), token); err != nil {
			return err
		}
	}
	s.clearSession(c)
	return c.Redirect("/login", fiber.StatusSeeOther)
}

type dashboardData struct {
	// Invitations are shown to a user in no organisation yet.
	Invitations []auth.Invitation
	Cases       []cases.Case
	Deadlines   []assessment.Upcoming
	TotalCases  int64
	From, To    int // 1-based range of Cases shown
	Prev, Next  int // offsets of the neighbouring pages, -1 when none
}

// dashboardCases is how many open cases the dashboard lists per page: an
// operator's organisation may have hundreds, and the page must stay fast.
const dashboardCases = 50

func (s *Server) dashboard(c *fiber.Ctx) error {
	p := principal(c)
	if sent, err := profileFirst(c, p); sent || err != nil {
		return err
	}
	pg := s.newPage(c, "dashboard.title", "dashboard")
	var d dashboardData
	if p.OrgID() != 0 {
		var err error
		offset := max(c.QueryInt("offset"), 0)
		if d.Cases, err = s.deps.Cases.List(c.UserContext(), p, cases.ListFilter{Limit: dashboardCases, Offset: offset}); err != nil {
			return err
		}
		if d.TotalCases, err = s.deps.Cases.Count(c.UserContext(), p, cases.ListFilter{}); err != nil {
			return err
		}
		d.From, d.To, d.Prev, d.Next = offset+1, offset+len(d.Cases), -1, -1
		if offset > 0 {
			d.Prev = max(offset-dashboardCases, 0)
		}
		if int64(offset+dashboardCases) < d.TotalCases {
			d.Next = offset + dashboardCases
		}
		if d.Deadlines, err = s.deps.Assessment.UpcomingDeadlines(c.UserContext(), p, 50); err != nil {
			return err
		}
	} else {
		var err error
		if d.Invitations, err = s.deps.Auth.MyInvitations(c.UserContext(), p); err != nil {
			return err
		}
	}
	pg.Data = d
	return s.render(c, fiber.StatusOK, "dashboard", pg)
}

func (s *Server) switchOrg(c *fiber.Ctx) error {
	id, err := formID(c, "org_id")
	if err != nil {
		return err
	}
	if err := s.deps.Auth.SwitchOrganisation(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	s.flash(c, "flash.org_switched")
	return c.Redirect("/", fiber.StatusSeeOther)
}
