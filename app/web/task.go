package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/security"
)

// reopenPaymentsTask is the playbook step whose page shows what acquirers
// check before card payments reopen (security.ReopenState).
const reopenPaymentsTask = "reopen_payments"

// taskPageData is one task with everything its page edits: the full form
// (status, skip reason, assignee, due date) and the comments. The case
// page keeps only a quick status form per task, so that a case of many
// tasks stays light.
type taskPageData struct {
	Task     cases.Task
	Case     cases.Case
	Members  []auth.Member
	Comments []cases.Comment
	// Reopen is the plan and the non-retention entry, shown on the
	// playbook's "reopen card payments" step only (nil elsewhere).
	Reopen   *security.ReopenState
	playbook cases.Playbook
}

// Title shows the task in the reader's language.
func (d taskPageData) Title(lang string) string {
	return (&casePageData{Playbook: d.playbook}).TaskTitle(d.Task, lang)
}

// Detail shows the task's explanation in the reader's language.
func (d taskPageData) Detail(lang string) string {
	return (&casePageData{Playbook: d.playbook}).TaskDetail(d.Task, lang)
}

// MemberName names a user of the organisation.
func (d taskPageData) MemberName(id *int64) string {
	return (&casePageData{Members: d.Members}).MemberName(id)
}

func (s *Server) taskPage(c *fiber.Ctx) error {
	return s.renderTask(c, fiber.StatusOK, s.newPage(c, "", "dashboard"))
}

// renderTask shows the task page, with a failed form's errors when pg
// carries them.
func (s *Server) renderTask(c *fiber.Ctx, status int, pg *Page) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	t, err := s.deps.Cases.Task(ctx, p, id)
	if err != nil {
		return err
	}
	cs, err := s.deps.Cases.Get(ctx, p, t.CaseID)
	if err != nil {
		return err
	}
	d := taskPageData{Task: t, Case: cs, playbook: cases.Playbooks[cs.Playbook]}
	if d.Members, err = s.deps.Auth.ListMembers(ctx, p); err != nil {
		return err
	}
	if d.Comments, err = s.deps.Cases.Comments(ctx, p, id); err != nil {
		return err
	}
	if t.Key == reopenPaymentsTask {
		st, err := s.deps.Security.PaymentsReopen(ctx, p, cs.ID)
		if err != nil {
			return err
		}
		d.Reopen = &st
	}
	pg.Title = cs.Reference + " · " + d.Title(pg.Lang)
	pg.Data = d
	return s.render(c, status, "task", pg)
}

// taskFormFailed shows the task page again after one of its forms (or the
// case page's "mark done") failed (see failedForm).
func (s *Server) taskFormFailed(c *fiber.Ctx, err error, fields ...string) error {
	pg, ferr := s.failedForm(c, err, fields...)
	if ferr != nil {
		return ferr
	}
	return s.renderTask(c, statusOf(err), pg)
}

// failedForm is the page for showing a form again after err: its field
// errors next to the fields and what was typed in fields kept. An error
// that is not about fields is returned for the error handler.
func (s *Server) failedForm(c *fiber.Ctx, err error, fields ...string) (*Page, error) {
	pg := s.newPage(c, "", "dashboard")
	if err := fieldErrors(pg, err); err != nil {
		return nil, err
	}
	for _, k := range fields {
		pg.Form[k] = c.FormValue(k)
	}
	return pg, nil
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

// taskRoutes are a task's page and forms, and adding one to a case.
func (s *Server) taskRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/cases/:id/tasks", Access: Tenant, Param: "case", Handler: s.addTask},
		{Method: "GET", Path: "/tasks/:id", Access: Tenant, Param: "task", Handler: s.taskPage},
		{Method: "POST", Path: "/tasks/:id", Access: Tenant, Param: "task", Handler: s.updateTask},
		{Method: "POST", Path: "/tasks/:id/comments", Access: Tenant, Param: "task", Handler: s.commentTask},
	}
}
