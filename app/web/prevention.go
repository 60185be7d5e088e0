package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/security"
)

// preventionRoutes are a case's root causes and recurrence-prevention
// plan: its page, the causes, building the plan from them, editing an
// item, a task for an item, and approving the plan as a version.
func (s *Server) preventionRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/cases/:id/prevention", Access: Tenant, Param: "case", Handler: s.preventionPage},
		{Method: "POST", Path: "/cases/:id/prevention/causes", Access: Tenant, Param: "case", Handler: s.addCause},
		{Method: "POST", Path: "/cases/:id/prevention/causes/remove", Access: Tenant, Param: "case", Handler: s.removeCause},
		{Method: "POST", Path: "/cases/:id/prevention/build", Access: Tenant, Param: "case", Handler: s.buildPlan},
		{Method: "POST", Path: "/cases/:id/prevention/items", Access: Tenant, Param: "case", Handler: s.addPlanItem},
		{Method: "POST", Path: "/cases/:id/prevention/items/:oid", Access: Tenant, Param: "case", SubParam: "measure", Handler: s.editPlanItem},
		{Method: "POST", Path: "/cases/:id/prevention/items/:oid/task", Access: Tenant, Param: "case", SubParam: "measure", Handler: s.planItemTask},
		{Method: "POST", Path: "/cases/:id/prevention/approve", Access: Tenant, Param: "case", Handler: s.approvePlan},
	}
}

// preventionPageData is the plan page's view-model.
type preventionPageData struct {
	Case     cases.Case
	Plan     security.Plan
	Taxonomy []security.Cause
	Members  []auth.Member
	Tasks    []cases.Task
	Statuses []string
	playbook cases.Playbook
}

// Items are the plan's items as their edit forms show them (the stored
// values, or what a failed save sent).
func (d *preventionPageData) Items(pg *Page) []measureEdit {
	return noticeEditorData{Measures: d.Plan.Items}.MeasureEdits(pg)
}

// Item returns the live item with id.
func (d *preventionPageData) Item(id int64) notices.Measure {
	for _, m := range d.Plan.Items {
		if m.ID == id {
			return m
		}
	}
	return notices.Measure{}
}

// CauseLabel names a cause code (of an item) in lang, "" for none.
func (d *preventionPageData) CauseLabel(code *string, lang string) string {
	if code == nil {
		return ""
	}
	if c, ok := security.CauseByCode(*code); ok {
		return c.Label.In(lang)
	}
	return *code
}

// MemberName names a user of the organisation.
func (d *preventionPageData) MemberName(id *int64) string {
	return (&casePageData{Members: d.Members}).MemberName(id)
}

// TaskTitle shows a task in the reader's language.
func (d *preventionPageData) TaskTitle(t cases.Task, lang string) string {
	return (&casePageData{Playbook: d.playbook}).TaskTitle(t, lang)
}

// Title picks an item's title in lang.
func (d *preventionPageData) Title(ja, en, lang string) string {
	return i18n.Text{JA: ja, EN: en}.In(lang)
}

func (s *Server) preventionPage(c *fiber.Ctx) error {
	return s.renderPrevention(c, fiber.StatusOK, s.newPage(c, "", "dashboard"))
}

// renderPrevention shows the plan page, with a failed form's errors when
// pg carries them.
func (s *Server) renderPrevention(c *fiber.Ctx, status int, pg *Page) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	plan, err := s.deps.Security.PreventionPlan(ctx, p, id)
	if err != nil {
		return err
	}
	d := &preventionPageData{Case: plan.Case, Plan: plan, Taxonomy: security.Causes(), Statuses: notices.MeasureStatuses, playbook: cases.Playbooks[plan.Case.Playbook]}
	if d.Members, err = s.deps.Auth.ListMembers(ctx, p); err != nil {
		return err
	}
	if d.Tasks, err = s.deps.Cases.TasksOf(ctx, p, plan.Case); err != nil {
		return err
	}
	if plan.Case.Voided() {
		pg.Can.WorkCases, pg.Can.ManageCases, pg.Can.WriteDocuments, pg.Can.Approve = false, false, false, false
	}
	pg.Title = plan.Case.Reference + " · " + pg.T("prevention.title")
	pg.Data = d
	return s.render(c, status, "prevention", pg)
}

// preventionResult goes back to the plan page (at anchor) after a form:
// with the flash on success, with the errors next to the fields sent
// otherwise.
func (s *Server) preventionResult(c *fiber.Ctx, err error, anchor, flash string, fields ...string) error {
	id, perr := pathID(c)
	if perr != nil {
		return perr
	}
	if err == nil {
		s.flash(c, flash)
		return c.Redirect(fmt.Sprintf("/cases/%d/prevention#%s", id, anchor), fiber.StatusSeeOther)
	}
	pg, ferr := s.failedForm(c, err, fields...)
	if ferr != nil {
		return ferr
	}
	return s.renderPrevention(c, statusOf(err), pg)
}

func (s *Server) addCause(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := security.CauseInput{Code: c.FormValue("code"), Description: c.FormValue("description"), Source: c.FormValue("source")}
	_, err = s.deps.Security.AddCause(c.UserContext(), principal(c), id, in)
	return s.preventionResult(c, err, "causes", "flash.cause_added", "code", "description", "source")
}

func (s *Server) removeCause(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	causeID, err := formID(c, "cause_id")
	if err == nil {
		err = s.deps.Security.RemoveCause(c.UserContext(), principal(c), id, causeID)
	}
	return s.preventionResult(c, err, "causes", "flash.cause_removed")
}

func (s *Server) buildPlan(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	added, err := s.deps.Security.BuildPlan(c.UserContext(), principal(c), id)
	flash := "flash.plan_built"
	if len(added) == 0 {
		flash = "flash.plan_nothing_to_add"
	}
	return s.preventionResult(c, err, "plan", flash)
}

// addPlanItem adds an item written by hand (one the causes do not give).
func (s *Server) addPlanItem(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in, err := measureEditInput(c)
	if err == nil {
		in.Clear = nil // nothing to clear on a new item
		_, err = s.deps.Notices.SaveMeasure(c.UserContext(), principal(c), id, 0, in)
	}
	return s.preventionResult(c, err, "plan", "flash.measure_saved", measureFormFields...)
}

func (s *Server) editPlanItem(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	mid, err := measureID(c)
	if err != nil {
		return err
	}
	in, err := measureEditInput(c)
	if err == nil {
		_, err = s.deps.Notices.SaveMeasure(c.UserContext(), principal(c), id, mid, in)
	}
	if err == nil {
		s.flash(c, "flash.measure_saved")
		return c.Redirect(fmt.Sprintf("/cases/%d/prevention#item-%d", id, mid), fiber.StatusSeeOther)
	}
	pg := s.newPage(c, "", "dashboard")
	if err := fieldErrors(pg, err); err != nil {
		return err
	}
	measureFormBack(c, pg, mid)
	return s.renderPrevention(c, statusOf(err), pg)
}

func (s *Server) planItemTask(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	mid, err := measureID(c)
	if err != nil {
		return err
	}
	_, err = s.deps.Security.CreateItemTask(c.UserContext(), principal(c), id, mid)
	return s.preventionResult(c, err, fmt.Sprintf("item-%d", mid), "flash.plan_task_created")
}

func (s *Server) approvePlan(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// The form carries the content hash of the plan its page showed.
	_, err = s.deps.Security.ApprovePlan(c.UserContext(), principal(c), id, c.FormValue("content_sha256"))
	return s.preventionResult(c, err, "approval", "flash.plan_approved")
}
