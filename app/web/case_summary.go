package web

import (
	"slices"
	"strconv"

	"github.com/breachdesk/breachdesk/app/drafts"
)

// caseSummary is the top of the case page: what is due next, what is
// overdue and what waits for whom, so that a reader of a long case sees
// the state of things before scrolling through its sections.
type caseSummary struct {
	// Next are the open obligations with the nearest deadlines that have
	// not passed (at most three); Overdue those whose deadline passed.
	Next, Overdue []obligationRow
	// OpenTasks, LateTasks and MyTasks count the case's open tasks, those
	// past their due date, and those assigned to the reader.
	OpenTasks, LateTasks, MyTasks int
	// AwaitingApproval and SentBack are the newest document versions that
	// wait for legal, and those legal sent back.
	AwaitingApproval, SentBack []drafts.Document
}

// sectionLink is one entry of the case page's section navigation.
type sectionLink struct {
	Anchor, Label string
	// Count is shown after the label when not empty ("3/12").
	Count string
}

// summary works out the case's summary from the rows already made for
// the page (obligationRows and taskRows first).
func (d *casePageData) summary(pg *Page) caseSummary {
	var s caseSummary
	for _, r := range d.ObligationRows {
		switch {
		case r.Overdue:
			s.Overdue = append(s.Overdue, r)
		case r.Open && r.DeadlineISO != "" && len(s.Next) < 3:
			s.Next = append(s.Next, r)
		}
	}
	for _, g := range d.Tasks {
		for _, t := range g.Tasks {
			if !t.Open {
				continue
			}
			s.OpenTasks++
			if t.Late {
				s.LateTasks++
			}
		}
	}
	if pg.P != nil {
		for _, t := range d.tasks {
			if t.Open() && t.AssigneeID != nil && *t.AssigneeID == pg.P.User.ID {
				s.MyTasks++
			}
		}
	}
	newest := map[string]bool{}
	for _, doc := range d.Documents { // newest version first per kind
		key := doc.Kind + "/" + doc.Lang
		if newest[key] {
			continue
		}
		newest[key] = true
		switch {
		case doc.Status == drafts.StatusDraft && doc.ReturnedAt != nil:
			s.SentBack = append(s.SentBack, doc)
		case doc.Status == drafts.StatusDraft:
			s.AwaitingApproval = append(s.AwaitingApproval, doc)
		}
	}
	return s
}

// sections lists the case page's sections in order, with what each holds
// at a glance, for the navigation at the top of the page.
func (d *casePageData) sections(pg *Page) []sectionLink {
	open := 0
	for _, r := range d.ObligationRows {
		if r.Open {
			open++
		}
	}
	total := 0
	for _, g := range d.Tasks {
		total += len(g.Tasks)
	}
	count := func(n, of int) string {
		if of == 0 {
			return ""
		}
		return pg.T("case.nav_count", n, of)
	}
	links := []sectionLink{
		{"summary", pg.T("case.summary_title"), ""},
		{"phase", pg.T("case.phase"), pg.T("phase." + string(d.Case.Phase))},
		{"obligations", pg.T("obl.title"), count(open, len(d.ObligationRows))},
		{"tasks", pg.T("task.title"), count(d.OpenTasks, total)},
		{"documents", pg.T("docs.title"), countOf(len(d.Documents))},
		{"people", pg.T("case.people"), ""},
		{"notices", pg.T("notice.section"), countOf(len(d.Notices))},
		{"inquiries", pg.T("inquiry.section"), ""},
		{"evidence", pg.T("case.evidence"), countOf(len(d.Evidence))},
		{"timeline", pg.T("timeline.title"), countOf(len(d.Timeline))},
	}
	if pg.Can.ManageCases && d.Case.ClosedAt == nil {
		links = append(links, sectionLink{"details", pg.T("case.edit"), ""})
	}
	return slices.Clip(links)
}

func countOf(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
