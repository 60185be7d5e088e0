package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/notifications"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/timeline"
)

func (s *Server) caseAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases", Access: Tenant, API: true, Handler: s.apiListCases},
		{Method: "POST", Path: "/api/v1/cases", Access: Tenant, API: true, Handler: s.apiCreateCase},
		{Method: "GET", Path: "/api/v1/cases/:id", Access: Tenant, API: true, Param: "case", Handler: s.apiGetCase},
		{Method: "PATCH", Path: "/api/v1/cases/:id", Access: Tenant, API: true, Param: "case", Handler: s.apiPatchCase},
		{Method: "POST", Path: "/api/v1/cases/:id/phase", Access: Tenant, API: true, Param: "case", Handler: s.apiAdvanceCase},
		{Method: "PUT", Path: "/api/v1/cases/:id/assessment", Access: Tenant, API: true, Param: "case", Handler: s.apiPutAssessment},
		{Method: "GET", Path: "/api/v1/cases/:id/assessment", Access: Tenant, API: true, Param: "case", Handler: s.apiGetAssessment},
		{Method: "GET", Path: "/api/v1/cases/:id/obligations", Access: Tenant, API: true, Param: "case", Handler: s.apiObligations},
		{Method: "POST", Path: "/api/v1/cases/:id/obligations/:oid/submit", Access: Tenant, API: true, Param: "case", SubParam: "obligation", Handler: s.apiSubmitObligation},
		{Method: "POST", Path: "/api/v1/cases/:id/obligations/:oid/waive", Access: Tenant, API: true, Param: "case", SubParam: "obligation", Handler: s.apiWaiveObligation},
		{Method: "GET", Path: "/api/v1/cases/:id/tasks", Access: Tenant, API: true, Param: "case", Handler: s.apiTasks},
		{Method: "POST", Path: "/api/v1/cases/:id/tasks", Access: Tenant, API: true, Param: "case", Handler: s.apiAddTask},
		{Method: "PATCH", Path: "/api/v1/tasks/:id", Access: Tenant, API: true, Param: "task", Handler: s.apiPatchTask},
		{Method: "GET", Path: "/api/v1/tasks/:id/comments", Access: Tenant, API: true, Param: "task", Handler: s.apiComments},
		{Method: "POST", Path: "/api/v1/tasks/:id/comments", Access: Tenant, API: true, Param: "task", Handler: s.apiAddComment},
		{Method: "GET", Path: "/api/v1/cases/:id/timeline", Access: Tenant, API: true, Param: "case", Handler: s.apiTimeline},
		{Method: "POST", Path: "/api/v1/cases/:id/timeline", Access: Tenant, API: true, Param: "case", Handler: s.apiAddTimeline},
		{Method: "GET", Path: "/api/v1/notifications", Access: Tenant, API: true, Handler: s.apiNotifications},
	}
}

// decodeJSON reads a strict JSON body into v: unknown fields and wrong
// types are validation errors that name the field.
func decodeJSON(c *fiber.Ctx, v any) error {
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return apperr.Invalid("body", "validation.json_trailing")
		}
		return nil
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var pe *time.ParseError
	switch {
	case errors.Is(err, io.EOF):
		return apperr.Invalid("body", "validation.json_empty")
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "body"
		}
		return apperr.Invalid(field, "validation.json_type", jsonKind(te.Type), te.Value)
	case errors.As(err, &se):
		return apperr.Invalid("body", "validation.json_syntax", se.Offset)
	case errors.As(err, &pe):
		return apperr.Invalid("body", "validation.json_time", pe.Value)
	}
	if f, ok := unknownField(err); ok {
		return apperr.Invalid(f, "validation.json_unknown_field")
	}
	// Whatever else encoding/json says names Go types: say what to send.
	return apperr.Invalid("body", "validation.json_object")
}

// jsonKind names what a client should send for a Go type, in JSON's words:
// the API's readers write JSON, not Go, and the Go names are ours.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[time.Time]() {
		return "an RFC 3339 time string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a different JSON type"
}

func unknownField(err error) (string, bool) {
	const prefix = `json: unknown field "`
	msg := err.Error()
	if len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
		return msg[len(prefix) : len(msg)-1], true
	}
	return "", false
}

func (s *Server) apiListCases(c *fiber.Ctx) error {
	f := cases.ListFilter{IncludeClosed: c.QueryBool("include_closed"), Limit: c.QueryInt("limit", 100), Offset: c.QueryInt("offset")}
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

func (s *Server) apiTasks(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	tasks, err := s.deps.Cases.Tasks(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"tasks": tasks})
}

func (s *Server) apiAddTask(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in cases.NewTask
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.deps.Cases.AddTask(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (s *Server) apiPatchTask(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in cases.TaskPatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.deps.Cases.UpdateTask(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (s *Server) apiComments(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	list, err := s.deps.Cases.Comments(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"comments": list})
}

func (s *Server) apiAddComment(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	added, err := s.deps.Cases.AddComment(c.UserContext(), principal(c), id, in.Body)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"comment": added.Comment, "masked_card_numbers": added.MaskedCardNumbers})
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
	return c.JSON(fiber.Map{"timeline": list})
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

func (s *Server) apiNotifications(c *fiber.Ctx) error {
	list, err := notifications.List(c.UserContext(), s.deps.Store, principal(c), 200)
	if err != nil {
		return err
	}
	unread, err := notifications.Unread(c.UserContext(), s.deps.Store, principal(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"notifications": list, "unread": unread})
}
