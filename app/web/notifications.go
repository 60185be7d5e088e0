package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/notifications"
)

func (s *Server) notificationsPage(c *fiber.Ctx) error {
	list, err := notifications.List(c.UserContext(), s.deps.Store, principal(c), 200)
	if err != nil {
		return err
	}
	pg := s.newPage(c, "notifications.title", "notifications")
	pg.Data = list
	return s.render(c, fiber.StatusOK, "notifications", pg)
}

func (s *Server) readNotification(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := notifications.MarkRead(c.UserContext(), s.deps.Store, principal(c), id); err != nil {
		return err
	}
	return c.Redirect("/notifications", fiber.StatusSeeOther)
}
