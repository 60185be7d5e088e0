package web

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/obligations"
)

// Drill cases (issue 24): every page of one carries the 訓練 / DRILL
// banner and runs its countdowns on the drill's clock, and its debrief
// shows what the team would have missed.

// drillRoutes are the drill's debrief.
func (s *Server) drillRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/cases/:id/drill", Access: Tenant, Param: "case", Handler: s.drillDebrief},
	}
}

// drillBanner is what the layout's banner says on a drill case's pages.
type drillBanner struct {
	CaseID int64
	Speed  int
	// Now is the drill's time when the page was made.
	Now time.Time
}

// drillCaseOf finds, per resource kind of a route's :id (see Route.Param
// and app/tenancy), the case the resource belongs to when it is a drill.
// A page is a drill case's page when its :id is the case or something of
// it; the route table says which, so no handler can forget the banner.
var drillCaseOf = map[string]string{
	"case":         `cases c WHERE c.id = ?`,
	"task":         `tasks x JOIN cases c ON c.id = x.case_id WHERE x.id = ?`,
	"obligation":   `obligations x JOIN cases c ON c.id = x.case_id WHERE x.id = ?`,
	"evidence":     `evidence x JOIN cases c ON c.id = x.case_id WHERE x.id = ?`,
	"document":     `documents x JOIN cases c ON c.id = x.case_id WHERE x.id = ?`,
	"notice":       `notices x JOIN cases c ON c.id = x.case_id WHERE x.id = ?`,
	"import":       `imports x JOIN cases c ON c.id = x.case_id WHERE x.id = ?`,
	"inquiry":      `inquiries x JOIN cases c ON c.id = x.case_id WHERE x.id = ?`,
	"faq_entry":    `faq_entries x JOIN cases c ON c.id = x.case_id WHERE x.id = ?`,
	"letter_batch": `letter_batches x JOIN cases c ON c.id = x.case_id WHERE x.id = ?`,
	"letter_file":  `letter_files f JOIN letter_batches x ON x.id = f.batch_id JOIN cases c ON c.id = x.case_id WHERE f.id = ?`,
	"measure":      `prevention_measures x JOIN cases c ON c.id = x.case_id WHERE x.id = ?`,
}

// markDrill labels pg when the request is about a drill case: the banner,
// and the page's "now" on the drill's clock, so every countdown and
// overdue mark the page works out is drill time.
func (s *Server) markDrill(c *fiber.Ctx, pg *Page) {
	p := principal(c)
	if p == nil || p.OrgID() == 0 || c.Route() == nil {
		return
	}
	from, ok := drillCaseOf[s.routeParam(c.Route().Path)]
	if !ok {
		return
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return
	}
	var found []cases.Case
	// Best effort: a page that cannot tell shows as a real case's, and
	// its handler meets the same database error and reports it.
	if err := s.deps.Store.DB.WithContext(c.UserContext()).
		Raw(`SELECT c.* FROM `+from+` AND c.organisation_id = ? AND c.drill LIMIT 1`, id, p.OrgID()).Scan(&found).Error; err != nil || len(found) == 0 {
		return
	}
	cs := found[0]
	pg.now = cases.DrillClock(cs, s.deps.Clock).Now()
	pg.Drill = &drillBanner{CaseID: cs.ID, Speed: cs.DrillSpeed, Now: pg.now}
}

// routeParam is the resource kind of the :id of the route at path.
func (s *Server) routeParam(path string) string {
	for _, r := range s.routes {
		if r.Path == path {
			return r.Param
		}
	}
	return ""
}

// drillInput reads the new-case form's drill fields into in.
func drillInput(c *fiber.Ctx, in *cases.NewCase) error {
	in.Drill = c.FormValue("drill") != ""
	if !in.Drill {
		return nil
	}
	speed, err := strconv.Atoi(c.FormValue("drill_speed"))
	if err != nil {
		return apperr.Invalid("drill_speed", "validation.drill_speed", "1, 60, 360, 1440")
	}
	in.DrillSpeed = speed
	return nil
}

// drillDebriefData is the debrief page's view-model.
type drillDebriefData struct {
	assessment.Debrief
	Outcomes []string
}

// Report names an obligation's report (速報, 確報, …) in both languages.
func (d drillDebriefData) Report(o assessment.Obligation) i18n.Text {
	return obligations.Title(o.RuleID)
}

// drillDebrief shows what the drill would have missed as of its clock.
func (s *Server) drillDebrief(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	cs, err := s.deps.Cases.Get(ctx, p, id)
	if err != nil {
		return err
	}
	if !cs.Drill { // a real case is judged on its own page, not debriefed
		return c.Redirect(fmt.Sprintf("/cases/%d", cs.ID), fiber.StatusSeeOther)
	}
	d, err := s.deps.Assessment.Debrief(ctx, p, cs)
	if err != nil {
		return err
	}
	pg := s.newPage(c, "", "dashboard")
	pg.Title = fmt.Sprintf("%s · %s", cs.Reference, pg.T("drill.debrief"))
	pg.Data = drillDebriefData{Debrief: d, Outcomes: assessment.Outcomes}
	return s.render(c, fiber.StatusOK, "drill", pg)
}
