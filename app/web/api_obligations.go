package web

import (
	"encoding/json"
	"reflect"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/obligations"
)

// assessmentQuery is what PUT /api/v1/cases/{id}/assessment takes beside
// the facts.
type assessmentQuery struct {
	Note string `query:"note" doc:"labels the version (at most 2000 characters; card numbers are masked)"`
}

// assessmentSaved answers a saved assessment: its version and what the
// recomputation changed in the case's obligations.
type assessmentSaved struct {
	Version int                  `json:"version"`
	Changes []obligations.Change `json:"changes"`
}

// assessmentOne answers GET /api/v1/cases/{id}/assessment. The facts are
// answered as they were saved, which is why they are any JSON: a version
// saved before a field existed lacks it.
type assessmentOne struct {
	Version   int             `json:"version" doc:"0 before the first save"`
	Facts     json.RawMessage `json:"facts" doc:"the facts as saved (the body of saveAssessment); {} before the first save"`
	CreatedAt time.Time       `json:"created_at"`
}

// obligationItem is one obligation of a case as the API gives it: the
// engine's computed obligation (the obligations CLI's shape) plus the
// team's progress on it.
type obligationItem struct {
	obligations.Obligation
	ID                 int64      `json:"id"`
	Status             string     `json:"status" enum:"obligation_status"`
	Applicable         bool       `json:"applicable" doc:"false once the facts no longer call for it; kept for the record"`
	SubmittedAt        *time.Time `json:"submitted_at"`
	RecipientReference string     `json:"recipient_reference"`
	WaiveReason        string     `json:"waive_reason"`
}

// obligationList answers GET /api/v1/cases/{id}/obligations.
type obligationList struct {
	Obligations []obligationItem          `json:"obligations"`
	NeedsReview []obligations.NeedsReview `json:"needs_review" doc:"what the latest assessment assumed the worse way and should be checked"`
	listMeta
}

// waiver is the body of POST .../obligations/{oid}/waive.
type waiver struct {
	Reason string `json:"reason" required:"true" maxLength:"2000" doc:"why the obligation need not be met (card numbers are masked)"`
}

// apiPutAssessment takes the facts JSON of the obligations CLI, minus
// aware_at (the case's); an optional ?note= labels the version.
func (s *Server) apiPutAssessment(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var q assessmentQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	body, err := checkJSONObject(c.Body(), reflect.TypeFor[obligations.Facts]())
	if err != nil {
		return err
	}
	f, err := assessment.ParseFacts(body)
	if err != nil {
		return err
	}
	v, changes, err := s.deps.Assessment.Save(c.UserContext(), principal(c), id, f, q.Note)
	if err != nil {
		return err
	}
	return c.JSON(assessmentSaved{Version: v.Version, Changes: nonNil(changes)})
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
	return c.JSON(assessmentOne{Version: v.Version, Facts: facts, CreatedAt: v.CreatedAt})
}

// apiObligation is o as the API gives it: its computation decoded again,
// so that one stored by an older version of the engine answers the
// current shape, with lists never null.
func apiObligation(o assessment.Obligation) (obligationItem, error) {
	out := obligationItem{ID: o.ID, Status: o.Status, Applicable: o.Applicable, SubmittedAt: o.SubmittedAt,
		RecipientReference: o.RecipientReference, WaiveReason: o.WaiveReason}
	if err := json.Unmarshal(o.Computed, &out.Obligation); err != nil {
		return out, err
	}
	out.Content, out.Sources = nonNil(out.Content), nonNil(out.Sources)
	return out, nil
}

func (s *Server) apiObligations(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var q listQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	obs, err := s.deps.Assessment.Obligations(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	hist, err := s.deps.Assessment.History(c.UserContext(), principal(c), id, 1)
	if err != nil {
		return err
	}
	out := make([]obligationItem, 0, len(obs))
	for _, o := range obs {
		item, err := apiObligation(o)
		if err != nil {
			return err
		}
		out = append(out, item)
	}
	var review []obligations.NeedsReview
	if len(hist) > 0 {
		review = hist[0].NeedsReview
	}
	items, meta := page(out, q)
	return c.JSON(obligationList{Obligations: items, NeedsReview: nonNil(review), listMeta: meta})
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
	item, err := apiObligation(o)
	if err != nil {
		return err
	}
	return c.JSON(item)
}

func (s *Server) apiWaiveObligation(c *fiber.Ctx) error {
	oid, err := s.caseObligation(c)
	if err != nil {
		return err
	}
	var in waiver
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, err := s.deps.Assessment.Waive(c.UserContext(), principal(c), oid, in.Reason)
	if err != nil {
		return err
	}
	item, err := apiObligation(o)
	if err != nil {
		return err
	}
	return c.JSON(item)
}

// obligationAPIRoutes are a case's assessment and the obligations it
// gives.
func (s *Server) obligationAPIRoutes() []Route {
	return []Route{
		{Method: "PUT", Path: "/api/v1/cases/:id/assessment", Access: Tenant, API: true, Param: "case", Handler: s.apiPutAssessment, Op: &Op{ID: "saveAssessment", Tag: "obligations",
			Summary: "Save the facts (the obligations CLI's facts JSON without aware_at, which is the case's) as a new version and recompute the obligations",
			Query:   assessmentQuery{}, Body: obligations.Facts{}, Out: assessmentSaved{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "GET", Path: "/api/v1/cases/:id/assessment", Access: Tenant, API: true, Param: "case", Handler: s.apiGetAssessment, Op: &Op{ID: "getAssessment", Tag: "obligations",
			Summary: "The current facts", Out: assessmentOne{}}},
		{Method: "GET", Path: "/api/v1/cases/:id/obligations", Access: Tenant, API: true, Param: "case", Handler: s.apiObligations, Op: &Op{ID: "listObligations", Tag: "obligations",
			Summary: "The case's obligations that apply, by deadline, and the points of the assessment needing review", Query: listQuery{}, Out: obligationList{}}},
		{Method: "POST", Path: "/api/v1/cases/:id/obligations/:oid/submit", Access: Tenant, API: true, Param: "case", SubParam: "obligation", Handler: s.apiSubmitObligation, Op: &Op{ID: "submitObligation", Tag: "obligations",
			Summary: "Record that the report or notice was sent; stops the reminders", Body: assessment.Submission{}, BodyOptional: true, Out: obligationItem{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "POST", Path: "/api/v1/cases/:id/obligations/:oid/waive", Access: Tenant, API: true, Param: "case", SubParam: "obligation", Handler: s.apiWaiveObligation, Op: &Op{ID: "waiveObligation", Tag: "obligations",
			Summary: "Waive an obligation with a reason (legal's decision); stops the reminders", Body: waiver{}, Out: obligationItem{}, Errors: []int{fiber.StatusConflict}}},
	}
}
