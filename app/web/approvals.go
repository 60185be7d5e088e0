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
		{Method: "GET", Path: "/api/v1/approvals", Access: Tenant, API: true, Handler: s.apiApprovals, Op: &Op{ID: "listApprovals", Tag: "approvals",
			Summary: "The documents waiting for legal's approval: the newest version of each, rendered, the one waiting longest first (at most 200)",
			Query:   listQuery{}, Out: approvalList{}}},
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

// approvalList answers GET /api/v1/approvals.
type approvalList struct {
	Documents []drafts.Awaiting `json:"documents"`
	listMeta
}

func (s *Server) apiApprovals(c *fiber.Ctx) error {
	var q listQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	list, err := s.deps.Drafts.AwaitingApproval(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	items, meta := page(list, q)
	return c.JSON(approvalList{Documents: items, listMeta: meta})
}
