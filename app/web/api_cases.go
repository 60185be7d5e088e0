package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/timeline"
)

func (s *Server) caseAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases", Access: Tenant, API: true, Handler: s.apiListCases},
		{Method: "POST", Path: "/api/v1/cases", Access: Tenant, API: true, Handler: s.apiCreateCase},
		{Method: "GET", Path: "/api/v1/cases/:id", Access: Tenant, API: true, Param: "case", Handler: s.apiGetCase},
		{Method: "PATCH", Path: "/api/v1/cases/:id", Access: Tenant, API: true, Param: "case", Handler: s.apiPatchCase},
		{Method: "POST", Path: "/api/v1/cases/:id/phase", Access: Tenant, API: true, Param: "case", Handler: s.apiAdvanceCase},
		{Method: "GET", Path: "/api/v1/cases/:id/timeline", Access: Tenant, API: true, Param: "case", Handler: s.apiTimeline},
		{Method: "POST", Path: "/api/v1/cases/:id/timeline", Access: Tenant, API: true, Param: "case", Handler: s.apiAddTimeline},
	}
}

func (s *Server) apiListCases(c *fiber.Ctx) error {
	f := cases.ListFilter{IncludeClosed: c.QueryBool("include_closed"), IncludeVoided: c.QueryBool("include_voided"), Limit: c.QueryInt("limit", 100), Offset: c.QueryInt("offset")}
	list, err := s.deps.Cases.List(c.UserContext(), principal(c), f)
	if err != nil {
		return err
	}
	total, err := s.deps.Cases.Count(c.UserContext(), principal(c), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"cases": list, "total": total})
}

func (s *Server) apiCreateCase(c *fiber.Ctx) error {
	var in cases.NewCase
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	saved, err := s.deps.Cases.Create(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"case": saved.Case, "masked_card_numbers": saved.MaskedCardNumbers})
}

func (s *Server) apiGetCase(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cs, err := s.deps.Cases.Get(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"case": cs})
}

func (s *Server) apiPatchCase(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in cases.Patch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	saved, err := s.deps.Cases.Update(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"case": saved.Case, "masked_card_numbers": saved.MaskedCardNumbers})
}

func (s *Server) apiAdvanceCase(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in struct {
		Phase  cases.Phase `json:"phase"`
		Reason string      `json:"reason"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cs, err := s.deps.Cases.Advance(c.UserContext(), principal(c), id, in.Phase, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"case": cs})
}

func (s *Server) apiTimeline(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.deps.Cases.Get(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	list, err := timeline.List(c.UserContext(), s.deps.Store, principal(c).OrgID(), id)
	if err != nil {
		return err
	}
	// Only the words and the zone of a page: no session or notifications.
	pg := &Page{Lang: s.lang(c), msgs: s.msgs, loc: principal(c).Organisation.Location()}
	out := make([]timelineItem, len(list))
	for i, e := range list {
		out[i] = timelineItem{Entry: e, Text: pg.Entry(e)}
	}
	return c.JSON(fiber.Map{"timeline": out})
}

// timelineItem is a timeline entry as the API gives it: with its text in
// the caller's language (an automatic entry is stored as a message code).
type timelineItem struct {
	timeline.Entry
	Text string `json:"text"`
}

func (s *Server) apiAddTimeline(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in struct {
		OccurredAt time.Time `json:"occurred_at"`
		Summary    string    `json:"summary"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	added, err := timeline.AddManual(c.UserContext(), s.deps.Store, principal(c), id, in.OccurredAt, in.Summary)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"entry": added.Entry, "masked_card_numbers": added.MaskedCardNumbers})
}
