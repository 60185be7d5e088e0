package web

import (
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/obligations"
)

// apiPutAssessment takes the facts JSON of the obligations CLI, minus
// aware_at (the case's); an optional ?note= labels the version.
func (s *Server) apiPutAssessment(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := assessment.ParseFacts(c.Body())
	if err != nil {
		return err
	}
	v, changes, err := s.deps.Assessment.Save(c.UserContext(), principal(c), id, f, c.Query("note"))
	if err != nil {
		return err
	}
	if changes == nil {
		changes = []obligations.Change{}
	}
	return c.JSON(fiber.Map{"version": v.Version, "changes": changes})
}

func (s *Server) apiGetAssessment(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, _, err := s.deps.Assessment.Current(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	facts := v.Facts
	if len(facts) == 0 {
		facts = json.RawMessage("{}")
	}
	return c.JSON(fiber.Map{"version": v.Version, "facts": facts, "created_at": v.CreatedAt})
}

// apiObligation is the CLI's obligation JSON plus the case's bookkeeping.
func apiObligation(o assessment.Obligation) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(o.Computed, &m); err != nil {
		return nil, err
	}
	m["id"], m["status"], m["applicable"] = o.ID, o.Status, o.Applicable
	m["submitted_at"], m["recipient_reference"], m["waive_reason"] = o.SubmittedAt, o.RecipientReference, o.WaiveReason
	return m, nil
}

func (s *Server) apiObligations(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	obs, err := s.deps.Assessment.Obligations(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	hist, err := s.deps.Assessment.History(c.UserContext(), principal(c), id, 0)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(obs))
	for _, o := range obs {
		m, err := apiObligation(o)
		if err != nil {
			return err
		}
		out = append(out, m)
	}
	review := []obligations.NeedsReview{}
	if len(hist) > 0 {
		review = hist[0].NeedsReview
	}
	return c.JSON(fiber.Map{"obligations": out, "needs_review": review})
}

func (s *Server) caseObligation(c *fiber.Ctx) (int64, error) {
	caseID, err := pathID(c)
	if err != nil {
		return 0, err
	}
	oid, err := strconv.ParseInt(c.Params("oid"), 10, 64)
	if err != nil {
		return 0, apperr.ErrNotFound
	}
	if _, err := s.deps.Assessment.ObligationInCase(c.UserContext(), principal(c), caseID, oid); err != nil {
		return 0, err
	}
	return oid, nil
}

func (s *Server) apiSubmitObligation(c *fiber.Ctx) error {
	oid, err := s.caseObligation(c)
	if err != nil {
		return err
	}
	var in assessment.Submission
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	o, err := s.deps.Assessment.Submit(c.UserContext(), principal(c), oid, in)
	if err != nil {
		return err
	}
	m, err := apiObligation(o)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (s *Server) apiWaiveObligation(c *fiber.Ctx) error {
	oid, err := s.caseObligation(c)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, err := s.deps.Assessment.Waive(c.UserContext(), principal(c), oid, in.Reason)
	if err != nil {
		return err
	}
	m, err := apiObligation(o)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

// obligationAPIRoutes are a case's assessment and the obligations it
// gives.
func (s *Server) obligationAPIRoutes() []Route {
	return []Route{
		{Method: "PUT", Path: "/api/v1/cases/:id/assessment", Access: Tenant, API: true, Param: "case", Handler: s.apiPutAssessment},
		{Method: "GET", Path: "/api/v1/cases/:id/assessment", Access: Tenant, API: true, Param: "case", Handler: s.apiGetAssessment},
		{Method: "GET", Path: "/api/v1/cases/:id/obligations", Access: Tenant, API: true, Param: "case", Handler: s.apiObligations},
		{Method: "POST", Path: "/api/v1/cases/:id/obligations/:oid/submit", Access: Tenant, API: true, Param: "case", SubParam: "obligation", Handler: s.apiSubmitObligation},
		{Method: "POST", Path: "/api/v1/cases/:id/obligations/:oid/waive", Access: Tenant, API: true, Param: "case", SubParam: "obligation", Handler: s.apiWaiveObligation},
	}
}
