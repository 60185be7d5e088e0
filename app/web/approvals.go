package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/i18n"
)

// approvalRoutes are legal's queue: the documents that wait for approval.
func (s *Server) approvalRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/approvals", Access: Tenant, Handler: s.approvalsPage},
		{Method: "GET", Path: "/api/v1/approvals", Access: Tenant, API: true, Handler: s.apiApprovals},
	}
}

// approvalRow is one waiting document as the queue lists it.
type approvalRow struct {
	drafts.Awaiting
	Title i18n.Text
}

func (s *Server) approvalsPage(c *fiber.Ctx) error {
	list, err := s.deps.Drafts.AwaitingApproval(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	rows := make([]approvalRow, len(list))
	for i, a := range list {
		rows[i] = approvalRow{Awaiting: a, Title: documents.KindTitle(a.Kind)}
	}
	pg := s.newPage(c, "approvals.title", "approvals")
	pg.Data = rows
	return s.render(c, fiber.StatusOK, "approvals", pg)
}

func (s *Server) apiApprovals(c *fiber.Ctx) error {
	list, err := s.deps.Drafts.AwaitingApproval(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"documents": list})
}
