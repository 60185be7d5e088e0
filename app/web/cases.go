package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/inquiries"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/timeline"
)

func (s *Server) caseRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/cases/new", Access: Tenant, Handler: s.newCaseForm},
		{Method: "POST", Path: "/cases", Access: Tenant, Handler: s.createCase},
		{Method: "GET", Path: "/cases/:id", Access: Tenant, Param: "case", Handler: s.casePage},
		{Method: "POST", Path: "/cases/:id/update", Access: Tenant, Param: "case", Handler: s.updateCase},
		{Method: "POST", Path: "/cases/:id/phase", Access: Tenant, Param: "case", Handler: s.advanceCase},
		{Method: "POST", Path: "/cases/:id/reopen", Access: Tenant, Param: "case", Handler: s.reopenCase},
		{Method: "GET", Path: "/cases/:id/assessment", Access: Tenant, Param: "case", Handler: s.assessmentForm},
		{Method: "POST", Path: "/cases/:id/assessment", Access: Tenant, Param: "case", Handler: s.saveAssessment},
		{Method: "POST", Path: "/cases/:id/tasks", Access: Tenant, Param: "case", Handler: s.addTask},
		{Method: "POST", Path: "/cases/:id/timeline", Access: Tenant, Param: "case", Handler: s.addTimeline},
		{Method: "GET", Path: "/tasks/:id", Access: Tenant, Param: "task", Handler: s.taskPage},
		{Method: "POST", Path: "/tasks/:id", Access: Tenant, Param: "task", Handler: s.updateTask},
		{Method: "POST", Path: "/tasks/:id/comments", Access: Tenant, Param: "task", Handler: s.commentTask},
		{Method: "GET", Path: "/obligations/:id", Access: Tenant, Param: "obligation", Handler: s.obligationPage},
		{Method: "POST", Path: "/obligations/:id/submit", Access: Tenant, Param: "obligation", Handler: s.submitObligation},
		{Method: "POST", Path: "/obligations/:id/waive", Access: Tenant, Param: "obligation", Handler: s.waiveObligation},
		{Method: "POST", Path: "/obligations/:id/status", Access: Tenant, Param: "obligation", Handler: s.obligationStatus},
		{Method: "GET", Path: "/notifications", Access: Tenant, Handler: s.notificationsPage},
		{Method: "POST", Path: "/notifications/:id/read", Access: Tenant, Param: "notification", Handler: s.readNotification},
		{Method: "GET", Path: "/rules", Access: LoggedIn, Handler: s.rulesPage},
	}
}

// parseLocalTime reads a datetime-local value in the organisation's zone,
// or an RFC 3339 time.
func (s *Server) parseLocalTime(c *fiber.Ctx, field string) (*time.Time, error) {
	raw := strings.TrimSpace(c.FormValue(field))
	if raw == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return &t, nil
	}
	loc := principal(c).Organisation.Location()
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, raw, loc); err == nil {
			return &t, nil
		}
	}
	return nil, apperr.Invalid(field, badTimeCode)
}

func optInt64(c *fiber.Ctx, field string) (*int64, error) {
	raw := strings.TrimSpace(c.FormValue(field))
	if raw == "" {
		return nil, nil
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || v <= 0 {
		return nil, apperr.Invalid(field, "validation.positive_number")
	}
	return &v, nil
}

type newCaseData struct {
	IncidentTypes []string
	Severities    []string
	Playbooks     []cases.Playbook
	Members       []auth.Member
}

func (s *Server) newCasePage(c *fiber.Ctx, status int, pg *Page) error {
	members, err := s.deps.Auth.ListMembers(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	pg.Data = newCaseData{IncidentTypes: cases.IncidentTypes, Severities: cases.Severities,
		Playbooks: []cases.Playbook{cases.Playbooks["jp-card-leak"], cases.Playbooks["generic-personal-data"]}, Members: members}
	return s.render(c, status, "case_new", pg)
}

func (s *Server) newCaseForm(c *fiber.Ctx) error {
	pg := s.newPage(c, "case.new", "dashboard")
	pg.Form["aware_at"] = s.deps.Clock.Now().In(principal(c).Organisation.Location()).Format("2006-01-02T15:04")
	return s.newCasePage(c, fiber.StatusOK, pg)
}

func (s *Server) createCase(c *fiber.Ctx) error {
	pg := s.newPage(c, "case.new", "dashboard")
	for _, f := range []string{"title", "summary", "aware_at", "incident_type", "playbook", "severity", "owner_id"} {
		pg.Form[f] = c.FormValue(f)
	}
	in := cases.NewCase{Title: c.FormValue("title"), Summary: c.FormValue("summary"), IncidentType: c.FormValue("incident_type"),
		Playbook: c.FormValue("playbook"), Severity: c.FormValue("severity")}
	if t, err := s.parseLocalTime(c, "aware_at"); err != nil {
		_ = fieldErrors(pg, err)
	} else if t != nil {
		in.AwareAt = *t
	}
	owner, err := optInt64(c, "owner_id")
	if err != nil {
		_ = fieldErrors(pg, err)
	}
	in.OwnerID = owner
	if len(pg.Errors) == 0 {
		created, err := s.deps.Cases.Create(c.UserContext(), principal(c), in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/cases/%d", created.Case.ID), fiber.StatusSeeOther)
		}
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
	}
	return s.newCasePage(c, fiber.StatusUnprocessableEntity, pg)
}

type casePageData struct {
	Case        cases.Case
	OwnerName   string
	Phases      []cases.Phase
	PhaseIndex  int
	Obligations []assessment.Obligation
	NeedsReview []obligations.NeedsReview
	History     []assessment.ChangeSet
	Members     []auth.Member
	Timeline    []timeline.Entry
	Evidence    []evidence.Item
	Assessment  assessment.Version
	Playbook    cases.Playbook
	Severities  []string
	OpenTasks   int
	Documents   []drafts.Document
	Notices     []notices.Notice
	DocKinds    []documents.KindInfo
	// Inquiries counts the call centre's inquiries (nil without the service).
	Inquiries *inquiries.Counts
	// Tasks are the case's tasks by phase as the page lists them (see
	// taskRow), made from tasks.
	Tasks []taskGroupRows
	tasks []cases.Task
	// ObligationRows are Obligations as the page lists them.
	ObligationRows []obligationRow
	// TimelineRows and HistoryRows are Timeline and History as the page
	// lists them.
	TimelineRows []timelineRow
	HistoryRows  []historyRow
}

// option is one choice of a select, with its label in the page language.
type option struct{ Value, Label string }

// KindTitle names a document kind in the reader's language.
func (d *casePageData) KindTitle(kind, lang string) string {
	if ki, ok := documents.Info(documents.DocKind(kind)); ok {
		return ki.Title.In(lang)
	}
	return kind
}

// TaskTitle shows a playbook task in the reader's language.
func (d *casePageData) TaskTitle(t cases.Task, lang string) string {
	for _, pt := range d.Playbook.Tasks {
		if t.Key != "" && pt.Key == t.Key {
			return pt.Title.In(lang)
		}
	}
	return t.Title
}

// TaskDetail shows a playbook task's explanation in the reader's language.
func (d *casePageData) TaskDetail(t cases.Task, lang string) string {
	for _, pt := range d.Playbook.Tasks {
		if t.Key != "" && pt.Key == t.Key {
			return pt.Detail.In(lang)
		}
	}
	return t.Description
}

// MemberName names a user of the organisation.
func (d *casePageData) MemberName(id *int64) string {
	if id == nil {
		return ""
	}
	for _, m := range d.Members {
		if m.User.ID == *id {
			return m.User.Name
		}
	}
	return fmt.Sprintf("#%d", *id)
}

// caseHistoryShown is how many recomputations of the obligations the case
// page lists (newest first); the API gives them all.
const caseHistoryShown = 10

func (s *Server) loadCasePage(c *fiber.Ctx, id int64) (casePageData, error) {
	ctx, p := c.UserContext(), principal(c)
	var d casePageData
	cs, err := s.deps.Cases.Get(ctx, p, id)
	if err != nil {
		return d, err
	}
	d.Case, d.Phases, d.PhaseIndex, d.Severities = cs, cases.Phases, cs.Phase.Index(), cases.Severities
	d.Playbook = cases.Playbooks[cs.Playbook]
	if d.Obligations, err = s.deps.Assessment.ObligationListOf(ctx, p, cs); err != nil {
		return d, err
	}
	if d.History, err = s.deps.Assessment.HistoryOf(ctx, p, cs, caseHistoryShown); err != nil {
		return d, err
	}
	if len(d.History) > 0 {
		d.NeedsReview = d.History[0].NeedsReview
	}
	if d.Assessment, err = s.deps.Assessment.LatestVersionOf(ctx, p, cs); err != nil {
		return d, err
	}
	if d.tasks, err = s.deps.Cases.TasksOf(ctx, p, cs); err != nil {
		return d, err
	}
	for _, t := range d.tasks {
		if t.Open() {
			d.OpenTasks++
		}
	}
	if d.Members, err = s.deps.Auth.ListMembers(ctx, p); err != nil {
		return d, err
	}
	d.OwnerName = d.MemberName(cs.OwnerID)
	if d.Timeline, err = timeline.List(ctx, s.deps.Store, p.OrgID(), id); err != nil {
		return d, err
	}
	d.DocKinds = documents.Kinds
	if d.Notices, err = s.deps.Notices.ForCase(ctx, p, id); err != nil {
		return d, err
	}
	all, err := s.deps.Drafts.ListOf(ctx, p, cs)
	if err != nil {
		return d, err
	}
	seen := map[string]bool{} // newest version of each kind and language
	for _, doc := range all {
		if k := doc.Kind + "/" + doc.Lang; !seen[k] {
			seen[k] = true
			d.Documents = append(d.Documents, doc)
		}
	}
	if d.Evidence, err = s.deps.Evidence.ListOf(ctx, p, cs); err != nil {
		return d, err
	}
	n, err := s.deps.Inquiries.CountsOf(ctx, p, cs)
	if err != nil {
		return d, err
	}
	d.Inquiries = &n
	return d, nil
}

func (s *Server) casePage(c *fiber.Ctx) error {
	return s.renderCase(c, fiber.StatusOK, nil)
}

// renderCase shows the case page, with a failed form's errors when given.
func (s *Server) renderCase(c *fiber.Ctx, status int, pg *Page) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if pg == nil {
		pg = s.newPage(c, "", "dashboard")
	}
	return s.renderCaseByID(c, id, status, pg)
}

// caseResult redirects back to the case (to anchor) on success, or shows
// the case page again with the errors next to their fields.
func (s *Server) caseResult(c *fiber.Ctx, caseID int64, anchor string, err error, flash string) error {
	if err == nil {
		if flash != "" {
			s.flash(c, flash)
		}
		return c.Redirect(fmt.Sprintf("/cases/%d#%s", caseID, anchor), fiber.StatusSeeOther)
	}
	pg := s.newPage(c, "", "dashboard")
	if err := fieldErrors(pg, err); err != nil {
		return err
	}
	for k := range pg.Errors {
		pg.Form[k] = c.FormValue(k)
	}
	return s.renderCaseByID(c, caseID, statusOf(err), pg)
}

func (s *Server) renderCaseByID(c *fiber.Ctx, caseID int64, status int, pg *Page) error {
	d, err := s.loadCasePage(c, caseID)
	if err != nil {
		return err
	}
	pg.Title = d.Case.Reference + " " + d.Case.Title
	d.Tasks, d.ObligationRows = d.taskRows(pg), d.obligationRows(pg)
	d.TimelineRows, d.HistoryRows = d.timelineRows(pg), d.historyRows(pg)
	pg.Data = &d // methods take a pointer: templates call them per row
	return s.render(c, status, "case", pg)
}

func (s *Server) updateCase(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var patch cases.Patch
	for field, dst := range map[string]**string{"title": &patch.Title, "summary": &patch.Summary, "severity": &patch.Severity} {
		if v := c.FormValue(field); v != "" || field == "summary" {
			v := v
			*dst = &v
		}
	}
	aware, err := s.parseLocalTime(c, "aware_at")
	if err != nil {
		return s.caseResult(c, id, "details", err, "")
	}
	patch.AwareAt = aware
	if patch.OwnerID, err = optInt64(c, "owner_id"); err != nil {
		return s.caseResult(c, id, "details", err, "")
	}
	_, err = s.deps.Cases.Update(c.UserContext(), principal(c), id, patch)
	return s.caseResult(c, id, "details", err, "flash.case_saved")
}

func (s *Server) advanceCase(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.deps.Cases.Advance(c.UserContext(), principal(c), id, cases.Phase(c.FormValue("phase")), c.FormValue("reason"))
	return s.caseResult(c, id, "phase", err, "flash.phase_changed")
}

func (s *Server) reopenCase(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.deps.Cases.Reopen(c.UserContext(), principal(c), id, c.FormValue("reason"))
	return s.caseResult(c, id, "phase", err, "flash.case_reopened")
}

func (s *Server) addTask(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := cases.NewTask{Phase: cases.Phase(c.FormValue("phase")), Title: c.FormValue("title"), Description: c.FormValue("description")}
	if in.AssigneeID, err = optInt64(c, "assignee_id"); err != nil {
		return s.caseResult(c, id, "tasks", err, "")
	}
	if in.DueAt, err = s.parseLocalTime(c, "due_at"); err != nil {
		return s.caseResult(c, id, "tasks", err, "")
	}
	_, err = s.deps.Cases.AddTask(c.UserContext(), principal(c), id, in)
	return s.caseResult(c, id, "tasks", err, "flash.task_added")
}

func (s *Server) updateTask(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	t, err := s.deps.Cases.Task(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	var patch cases.TaskPatch
	if v := c.FormValue("status"); v != "" {
		patch.Status = &v
	}
	if v := c.FormValue("skip_reason"); v != "" {
		patch.SkipReason = &v
	}
	switch v := c.FormValue("assignee_id"); v {
	case "":
	case "none":
		patch.Unassign = true
	default:
		patch.AssigneeID, err = optInt64(c, "assignee_id")
	}
	if err == nil {
		patch.DueAt, err = s.parseLocalTime(c, "due_at")
	}
	if err == nil {
		_, err = s.deps.Cases.UpdateTask(c.UserContext(), principal(c), id, patch)
	}
	if err != nil {
		return s.taskFormFailed(c, err, "status", "skip_reason", "assignee_id", "due_at")
	}
	s.flash(c, "flash.task_saved")
	return c.Redirect(fmt.Sprintf("/cases/%d#task-%d", t.CaseID, t.ID), fiber.StatusSeeOther)
}

func (s *Server) commentTask(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err = s.deps.Cases.AddComment(c.UserContext(), principal(c), id, c.FormValue("body")); err != nil {
		return s.taskFormFailed(c, err, "body")
	}
	s.flash(c, "flash.comment_added")
	return c.Redirect(fmt.Sprintf("/tasks/%d#comments-h", id), fiber.StatusSeeOther)
}

func (s *Server) addTimeline(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	at, err := s.parseLocalTime(c, "occurred_at")
	if err != nil {
		return s.caseResult(c, id, "timeline", err, "")
	}
	var when time.Time
	if at != nil {
		when = *at
	}
	_, err = timeline.AddManual(c.UserContext(), s.deps.Store, principal(c), id, when, c.FormValue("summary"))
	return s.caseResult(c, id, "timeline", err, "flash.timeline_added")
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
