package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/oversight"
)

type inviteField struct{ Name, Label, Type, Autocomplete string }

var inviteFields = []inviteField{
	{"name", "users.name", "text", "off"},
	{"email", "users.email", "email", "off"},
	{"password", "users.initial_password", "password", "new-password"},
}

type usersData struct {
	Members      []auth.Member
	Invitations  []auth.Invitation
	Roles        []auth.Role
	InviteFields []inviteField
}

func (s *Server) usersPage(c *fiber.Ctx, status int, pg *Page) error {
	ctx, p := c.UserContext(), principal(c)
	members, err := s.deps.Auth.ListMembers(ctx, p)
	if err != nil {
		return err
	}
	d := usersData{Members: members, Roles: auth.Roles, InviteFields: inviteFields}
	if p.May(auth.ManageMembers) {
		if d.Invitations, err = s.deps.Auth.Invitations(ctx, p); err != nil {
			return err
		}
	}
	pg.Data = d
	return s.render(c, status, "admin_users", pg)
}

func (s *Server) adminUsers(c *fiber.Ctx) error {
	return s.usersPage(c, fiber.StatusOK, s.newPage(c, "users.title", "users"))
}

// adminInvite records an invitation. The answer is the same whether or not
// the address has an account (see auth.Service.Invite).
func (s *Server) adminInvite(c *fiber.Ctx) error {
	err := s.deps.Auth.Invite(c.UserContext(), principal(c), c.FormValue("email"), c.FormValue("name"), c.FormValue("password"), auth.Role(c.FormValue("role")))
	if err == nil {
		s.flash(c, "flash.member_added")
		return c.Redirect("/admin/users", fiber.StatusSeeOther)
	}
	pg := s.newPage(c, "users.title", "users")
	if err := fieldErrors(pg, err); err != nil {
		return err
	}
	pg.Form["name"], pg.Form["email"] = c.FormValue("name"), c.FormValue("email")
	return s.usersPage(c, fiber.StatusUnprocessableEntity, pg)
}

func (s *Server) adminCancelInvitation(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.deps.Auth.CancelInvitation(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	s.flash(c, "flash.invitation_cancelled")
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

// answerInvitation accepts or declines one of the signed-in user's
// invitations; accepting opens the organisation.
func (s *Server) answerInvitation(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.FormValue("invitation"), 10, 64)
	if err != nil || id <= 0 {
		return apperr.Invalid("invitation", "validation.invitation")
	}
	accept := c.FormValue("answer") == "accept"
	if !accept && c.FormValue("answer") != "decline" {
		return apperr.Invalid("answer", "validation.either", "accept", "decline")
	}
	if _, err := s.deps.Auth.AnswerInvitation(c.UserContext(), principal(c), id, accept); err != nil {
		return err
	}
	if accept {
		s.flash(c, "flash.invitation_accepted")
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	s.flash(c, "flash.invitation_declined")
	return c.Redirect("/settings", fiber.StatusSeeOther)
}

func (s *Server) adminUser(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	m, err := s.deps.Auth.Member(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	pg := s.newPage(c, "users.title", "users")
	pg.Title = m.User.Name
	pg.Data = struct {
		Member auth.Member
		Roles  []auth.Role
	}{m, auth.Roles}
	return s.render(c, fiber.StatusOK, "admin_user", pg)
}

func (s *Server) adminSetRole(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.deps.Auth.SetRole(c.UserContext(), principal(c), id, auth.Role(c.FormValue("role"))); err != nil {
		return err
	}
	s.flash(c, "flash.role_changed")
	return c.Redirect("/admin/users/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

func (s *Server) adminRemove(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.deps.Auth.RemoveMember(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	s.flash(c, "flash.member_removed")
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

func (s *Server) adminOrganisations(c *fiber.Ctx) error {
	orgs, err := oversight.Organisations(c.UserContext(), s.deps.Store, principal(c), s.deps.Clock.Now())
	if err != nil {
		return err
	}
	pg := s.newPage(c, "orgs.title", "orgs")
	pg.Data = struct{ Organisations []oversight.OrgSummary }{orgs}
	return s.render(c, fiber.StatusOK, "admin_orgs", pg)
}
