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

// notificationRoutes are the user's notifications.
func (s *Server) notificationRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/notifications", Access: Tenant, Handler: s.notificationsPage},
		{Method: "POST", Path: "/notifications/:id/read", Access: Tenant, Param: "notification", Handler: s.readNotification},
		{Method: "GET", Path: "/api/v1/notifications", Access: Tenant, API: true, Handler: s.apiNotifications, Op: &Op{ID: "listNotifications", Tag: "notifications",
			Summary: "The caller's notifications in the organisation, newest first, and how many are unread", Query: listQuery{}, Out: notificationList{}}},
	}
}

// notificationList answers GET /api/v1/notifications.
type notificationList struct {
	Notifications []notifications.Notification `json:"notifications"`
	Unread        int64                        `json:"unread" doc:"how many of all the caller's notifications are unread"`
	listMeta
}

func (s *Server) apiNotifications(c *fiber.Ctx) error {
	var q listQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	list, total, err := notifications.Page(c.UserContext(), s.deps.Store, principal(c), q.Limit, q.Offset)
	if err != nil {
		return err
	}
	unread, err := notifications.Unread(c.UserContext(), s.deps.Store, principal(c))
	if err != nil {
		return err
	}
	return c.JSON(notificationList{Notifications: nonNil(list), Unread: unread, listMeta: q.meta(total)})
}
