package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/timeline"
)

func (s *Server) caseAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases", Access: Tenant, API: true, Handler: s.apiListCases, Op: &Op{ID: "listCases", Tag: "cases",
			Summary: "List cases, open ones first then newest (closed and voided ones on request)", Query: caseListQuery{}, Out: caseList{}}},
		{Method: "POST", Path: "/api/v1/cases", Access: Tenant, API: true, Handler: s.apiCreateCase, Op: &Op{ID: "createCase", Tag: "cases",
			Summary: "Open a case; tasks are seeded from the playbook", Body: cases.NewCase{}, Status: fiber.StatusCreated, Out: caseSaved{}}},
		{Method: "GET", Path: "/api/v1/cases/:id", Access: Tenant, API: true, Param: "case", Handler: s.apiGetCase, Op: &Op{ID: "getCase", Tag: "cases",
			Summary: "One case", Out: caseOne{}}},
		{Method: "PATCH", Path: "/api/v1/cases/:id", Access: Tenant, API: true, Param: "case", Handler: s.apiPatchCase, Op: &Op{ID: "updateCase", Tag: "cases",
			Summary: "Change some fields of a case; moving aware_at recomputes every deadline", Body: cases.Patch{}, Out: caseSaved{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "POST", Path: "/api/v1/cases/:id/phase", Access: Tenant, API: true, Param: "case", Handler: s.apiAdvanceCase, Op: &Op{ID: "changeCasePhase", Tag: "cases",
			Summary: "Advance the phase (gates: open tasks need a reason; closing needs every obligation submitted or waived)", Body: phaseChange{}, Out: caseOne{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "GET", Path: "/api/v1/cases/:id/timeline", Access: Tenant, API: true, Param: "case", Handler: s.apiTimeline, Op: &Op{ID: "listTimeline", Tag: "cases",
			Summary: "The case's timeline, in order", Query: listQuery{}, Out: timelineList{}}},
		{Method: "POST", Path: "/api/v1/cases/:id/timeline", Access: Tenant, API: true, Param: "case", Handler: s.apiAddTimeline, Op: &Op{ID: "addTimelineEntry", Tag: "cases",
			Summary: "Add a manual timeline entry with the time it happened", Body: timelineInput{}, Status: fiber.StatusCreated, Out: timelineAdded{}, Errors: []int{fiber.StatusConflict}}},
	}
}

// caseListQuery is what GET /api/v1/cases takes.
type caseListQuery struct {
	listQuery
	IncludeClosed bool `query:"include_closed" doc:"closed cases too"`
	IncludeVoided bool `query:"include_voided" doc:"cases voided as opened in error too"`
}

// caseList answers GET /api/v1/cases.
type caseList struct {
	Cases []cases.Case `json:"cases"`
	listMeta
}

// caseOne answers with one case.
type caseOne struct {
	Case cases.Case `json:"case"`
}

// caseSaved answers a change to a case: the case, and the card numbers
// masked in what was sent (brand and last four digits).
type caseSaved struct {
	Case              cases.Case `json:"case"`
	MaskedCardNumbers int        `json:"masked_card_numbers" doc:"how many card numbers were masked in what was sent"`
}

// phaseChange is the body of POST /api/v1/cases/{id}/phase.
type phaseChange struct {
	Phase  cases.Phase `json:"phase" required:"true"`
	Reason string      `json:"reason" doc:"why open tasks are left behind (required when there are)"`
}

func (s *Server) apiListCases(c *fiber.Ctx) error {
	var q caseListQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	f := cases.ListFilter{IncludeClosed: q.IncludeClosed, IncludeVoided: q.IncludeVoided, Limit: q.Limit, Offset: q.Offset}
	list, err := s.deps.Cases.List(c.UserContext(), principal(c), f)
	if err != nil {
		return err
	}
	total, err := s.deps.Cases.Count(c.UserContext(), principal(c), f)
	if err != nil {
		return err
	}
	return c.JSON(caseList{Cases: nonNil(list), listMeta: q.meta(total)})
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
	return c.Status(fiber.StatusCreated).JSON(caseSaved{Case: saved.Case, MaskedCardNumbers: saved.MaskedCardNumbers})
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
	return c.JSON(caseOne{Case: cs})
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
	return c.JSON(caseSaved{Case: saved.Case, MaskedCardNumbers: saved.MaskedCardNumbers})
}

func (s *Server) apiAdvanceCase(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in phaseChange
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cs, err := s.deps.Cases.Advance(c.UserContext(), principal(c), id, in.Phase, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(caseOne{Case: cs})
}

func (s *Server) apiTimeline(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var q listQuery
	if err := parseQuery(c, &q); err != nil {
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
	items, meta := page(out, q)
	return c.JSON(timelineList{Timeline: items, listMeta: meta})
}

// timelineList answers GET /api/v1/cases/{id}/timeline.
type timelineList struct {
	Timeline []timelineItem `json:"timeline"`
	listMeta
}

// timelineInput is a manual timeline entry.
type timelineInput struct {
	OccurredAt time.Time `json:"occurred_at" required:"true"`
	Summary    string    `json:"summary" required:"true"`
}

// timelineAdded answers a manual entry, with the card numbers masked in it.
type timelineAdded struct {
	Entry             timeline.Entry `json:"entry"`
	MaskedCardNumbers int            `json:"masked_card_numbers"`
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
	var in timelineInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	added, err := timeline.AddManual(c.UserContext(), s.deps.Store, principal(c), id, in.OccurredAt, in.Summary)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(timelineAdded{Entry: added.Entry, MaskedCardNumbers: added.MaskedCardNumbers})
}
