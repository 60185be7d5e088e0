package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/obligations"
)

// obligationPageData is one obligation with what legal needs to act on it:
// why it applies and what the report must contain, and the forms that
// record a submission, move its draft state or waive it. The case page
// lists obligations with their deadlines and links here, so that a case
// with many obligations stays light.
type obligationPageData struct {
	Case       cases.Case
	Obligation assessment.Obligation
	Detail     obligations.Obligation
	// DraftStates are the choices of the status form, translated once.
	DraftStates []option
}

func (s *Server) obligationPage(c *fiber.Ctx) error {
	return s.renderObligation(c, fiber.StatusOK, s.newPage(c, "", "dashboard"))
}

// renderObligation shows the obligation page, with a failed form's errors
// when pg carries them.
func (s *Server) renderObligation(c *fiber.Ctx, status int, pg *Page) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	o, err := s.deps.Assessment.Obligation(ctx, p, id)
	if err != nil {
		return err
	}
	cs, err := s.deps.Cases.Get(ctx, p, o.CaseID)
	if err != nil {
		return err
	}
	d := obligationPageData{Case: cs, Obligation: o, Detail: o.Detail()}
	for _, st := range []string{assessment.StatusPending, assessment.StatusDrafted, assessment.StatusApproved} {
		d.DraftStates = append(d.DraftStates, option{st, pg.T("obl.status." + st)})
	}
	pg.Title = fmt.Sprintf("%s · %s", cs.Reference, pg.L(d.Detail.Recipient))
	pg.Data = d
	return s.render(c, status, "obligation", pg)
}

// obligationAction runs one of the obligation forms: back to the case on
// success, the obligation page with the errors next to the fields if not.
func (s *Server) obligationAction(c *fiber.Ctx, act func(id int64) (assessment.Obligation, error), flash string) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	o, err := s.deps.Assessment.Obligation(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	if _, err = act(id); err == nil {
		return s.caseResult(c, o.CaseID, fmt.Sprintf("obligation-%d", id), nil, flash)
	}
	pg, err := s.failedForm(c, err, "submitted_at", "recipient_reference", "reason")
	if err != nil {
		return err
	}
	return s.renderObligation(c, fiber.StatusUnprocessableEntity, pg)
}

func (s *Server) submitObligation(c *fiber.Ctx) error {
	return s.obligationAction(c, func(id int64) (assessment.Obligation, error) {
		at, err := s.parseLocalTime(c, "submitted_at")
		if err != nil {
			return assessment.Obligation{}, err
		}
		in := assessment.Submission{RecipientReference: c.FormValue("recipient_reference")}
		if at != nil {
			in.SubmittedAt = *at
		}
		return s.deps.Assessment.Submit(c.UserContext(), principal(c), id, in)
	}, "flash.obligation_submitted")
}

func (s *Server) waiveObligation(c *fiber.Ctx) error {
	return s.obligationAction(c, func(id int64) (assessment.Obligation, error) {
		return s.deps.Assessment.Waive(c.UserContext(), principal(c), id, c.FormValue("reason"))
	}, "flash.obligation_waived")
}

func (s *Server) obligationStatus(c *fiber.Ctx) error {
	return s.obligationAction(c, func(id int64) (assessment.Obligation, error) {
		return s.deps.Assessment.SetDraftState(c.UserContext(), principal(c), id, c.FormValue("status"))
	}, "flash.obligation_status")
}

// obligationRoutes are an obligation's page and the forms that decide it.
func (s *Server) obligationRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/obligations/:id", Access: Tenant, Param: "obligation", Handler: s.obligationPage},
		{Method: "POST", Path: "/obligations/:id/submit", Access: Tenant, Param: "obligation", Handler: s.submitObligation},
		{Method: "POST", Path: "/obligations/:id/waive", Access: Tenant, Param: "obligation", Handler: s.waiveObligation},
		{Method: "POST", Path: "/obligations/:id/status", Access: Tenant, Param: "obligation", Handler: s.obligationStatus},
		{Method: "GET", Path: "/rules", Access: LoggedIn, Handler: s.rulesPage},
	}
}
