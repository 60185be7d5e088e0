package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/obligations"
)

// rulesPage shows the rule table as a reference: what each rule requires,
// its legal basis, when it was last verified and where it comes from.
func (s *Server) rulesPage(c *fiber.Ctx) error {
	pg := s.newPage(c, "rules.title", "rules")
	pg.Data = obligations.Rules()
	return s.render(c, fiber.StatusOK, "rules", pg)
}
