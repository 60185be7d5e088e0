package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/auth"
)

type apiUser struct {
	ID          int64  `json:"id"`
	Email       string `json:"email"`
	Name        string `json:"name"`
	Language    string `json:"language"`
	IsOperator  bool   `json:"is_operator"`
	TOTPEnabled bool   `json:"totp_enabled"`
}

type apiOrganisation struct {
	ID       int64  `json:"id"`
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	Timezone string `json:"timezone"`
}

// apiMeResponse answers GET /api/v1/me; organisation is null for an
// operator acting in none.
type apiMeResponse struct {
	User         apiUser          `json:"user"`
	Organisation *apiOrganisation `json:"organisation"`
	Role         auth.Role        `json:"role,omitempty" doc:"the caller's role in the organisation; left out outside one"`
}

// apiMemberResponse answers GET /api/v1/members/{id}.
type apiMemberResponse struct {
	User apiUser   `json:"user"`
	Role auth.Role `json:"role"`
}

func toAPIUser(u auth.User) apiUser {
	return apiUser{ID: u.ID, Email: u.Email, Name: u.Name, Language: u.Language, IsOperator: u.IsOperator, TOTPEnabled: u.TOTPEnabled()}
}

// apiMe answers GET /api/v1/me: the caller and the current organisation.
func (s *Server) apiMe(c *fiber.Ctx) error {
	p := principal(c)
	body := apiMeResponse{User: toAPIUser(p.User), Role: p.Role}
	if p.OrgID() != 0 {
		o := p.Organisation
		body.Organisation = &apiOrganisation{ID: o.ID, Slug: o.Slug, Name: o.Name, Timezone: o.Timezone}
	}
	return c.JSON(body)
}

// apiMember answers GET /api/v1/members/{id} within the current organisation.
func (s *Server) apiMember(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	m, err := s.deps.Auth.Member(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(apiMemberResponse{User: toAPIUser(m.User), Role: m.Role})
}

func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok", "time": s.deps.Clock.Now().Format(time.RFC3339)})
}

// readyz answers 503 while the database does not, so a load balancer stops
// sending traffic until it recovers.
func (s *Server) readyz(c *fiber.Ctx) error {
	if err := s.deps.Store.Ping(c.UserContext()); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "database": err.Error()})
	}
	return c.JSON(fiber.Map{"status": "ready"})
}
