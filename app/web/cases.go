package web

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
)

// caseRoutes are a case's own pages and forms; what belongs to a case but
// has its own identity (tasks, obligations, evidence, documents, …) has
// its routes beside its handlers.
func (s *Server) caseRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/cases/new", Access: Tenant, Handler: s.newCaseForm},
		{Method: "POST", Path: "/cases", Access: Tenant, Handler: s.createCase},
		{Method: "GET", Path: "/cases/:id", Access: Tenant, Param: "case", Handler: s.casePage},
		{Method: "POST", Path: "/cases/:id/update", Access: Tenant, Param: "case", Handler: s.updateCase},
		{Method: "POST", Path: "/cases/:id/phase", Access: Tenant, Param: "case", Handler: s.advanceCase},
		{Method: "POST", Path: "/cases/:id/reopen", Access: Tenant, Param: "case", Handler: s.reopenCase},
		{Method: "POST", Path: "/cases/:id/timeline", Access: Tenant, Param: "case", Handler: s.addTimeline},
	}
}

type newCaseData struct {
	IncidentTypes []string
	Severities    []string
	Playbooks     []cases.Playbook
	Members       []auth.Member
	DrillSpeeds   []int
}

func (s *Server) newCasePage(c *fiber.Ctx, status int, pg *Page) error {
	members, err := s.deps.Auth.ListMembers(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	pg.Data = newCaseData{IncidentTypes: cases.IncidentTypes, Severities: cases.Severities,
		Playbooks: []cases.Playbook{cases.Playbooks["jp-card-leak"], cases.Playbooks["generic-personal-data"]}, Members: members, DrillSpeeds: cases.DrillSpeeds}
	return s.render(c, status, "case_new", pg)
}

func (s *Server) newCaseForm(c *fiber.Ctx) error {
	pg := s.newPage(c, "case.new", "dashboard")
	pg.Form["aware_at"] = s.deps.Clock.Now().In(principal(c).Organisation.Location()).Format("2006-01-02T15:04")
	return s.newCasePage(c, fiber.StatusOK, pg)
}

func (s *Server) createCase(c *fiber.Ctx) error {
	pg := s.newPage(c, "case.new", "dashboard")
	for _, f := range []string{"title", "summary", "aware_at", "occurred_from", "occurred_to", "incident_type", "playbook", "severity", "owner_id", confirmOldAwareAt, "drill", "drill_speed"} {
		pg.Form[f] = c.FormValue(f)
	}
	in := cases.NewCase{Title: c.FormValue("title"), Summary: c.FormValue("summary"), IncidentType: c.FormValue("incident_type"),
		Playbook: c.FormValue("playbook"), Severity: c.FormValue("severity")}
	if t, err := s.parseLocalTime(c, "aware_at"); err != nil {
		_ = fieldErrors(pg, err)
	} else if t != nil {
		in.AwareAt = *t
	}
	if err := s.parseLeakPeriod(c, &in.OccurredFrom, &in.OccurredTo); err != nil {
		_ = fieldErrors(pg, err)
	}
	owner, err := optInt64(c, "owner_id")
	if err != nil {
		_ = fieldErrors(pg, err)
	}
	in.OwnerID = owner
	in.ConfirmOldAwareAt = confirmedOldAwareAt(c)
	if err := drillInput(c, &in); err != nil {
		_ = fieldErrors(pg, err)
	}
	if len(pg.Errors) == 0 {
		created, err := s.deps.Cases.Create(c.UserContext(), principal(c), in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/cases/%d", created.Case.ID), fiber.StatusSeeOther)
		}
		askOldAwareAt(pg, err)
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
	}
	return s.newCasePage(c, fiber.StatusUnprocessableEntity, pg)
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
		return s.caseDetailsResult(c, id, err)
	}
	patch.AwareAt = aware
	if err := s.parseLeakPeriod(c, &patch.OccurredFrom, &patch.OccurredTo); err != nil {
		return s.caseDetailsResult(c, id, err)
	}
	if patch.OwnerID, err = optInt64(c, "owner_id"); err != nil {
		return s.caseDetailsResult(c, id, err)
	}
	patch.ConfirmOldAwareAt = confirmedOldAwareAt(c)
	_, err = s.deps.Cases.Update(c.UserContext(), principal(c), id, patch)
	return s.caseDetailsResult(c, id, err)
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

// parseLeakPeriod reads the period in which the leak happened (the forms'
// occurred_from and occurred_to, in the organisation's zone) into from and
// to; an empty field leaves its end as it is. Both ends' errors are given
// together.
func (s *Server) parseLeakPeriod(c *fiber.Ctx, from, to **time.Time) error {
	v := &apperr.ValidationError{}
	for field, dst := range map[string]**time.Time{"occurred_from": from, "occurred_to": to} {
		t, err := s.parseLocalTime(c, field)
		if err := v.Merge(err); err != nil {
			return err
		}
		if t != nil {
			*dst = t
		}
	}
	return v.OrNil()
}
