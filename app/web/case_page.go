package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

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

// casePageData is the case page's view-model: the case and what each of
// its sections shows, loaded once per request by loadCasePage.
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
	// Summary and Sections open the page: the state of things, and links
	// to each section.
	Summary  caseSummary
	Sections []sectionLink
	// Calendar is the case's calendar feeds (calendar.go).
	Calendar calendarSection
}

// option is one choice of a select, with its label in the page language.
type option struct{ Value, Label string }

// KindTitle names a document kind in the reader's language.
func (d *casePageData) KindTitle(kind, lang string) string {
	return documents.KindTitle(kind).In(lang)
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
	if err := s.loadCaseCalendar(c, cs, &d.Calendar); err != nil {
		return d, err
	}
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
	if d.Case.Voided() {
		// A voided case is read-only for everyone: its page offers no form
		// (the services refuse them all the same).
		pg.Can.WorkCases, pg.Can.ManageCases, pg.Can.WriteDocuments = false, false, false
	}
	d.Tasks, d.ObligationRows = d.taskRows(pg), d.obligationRows(pg)
	d.TimelineRows, d.HistoryRows = d.timelineRows(pg), d.historyRows(pg)
	d.Summary, d.Sections = d.summary(pg), d.sections(pg)
	pg.Data = &d // methods take a pointer: templates call them per row
	return s.render(c, status, "case", pg)
}
