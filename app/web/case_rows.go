package web

import (
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/obligations"
)

// taskRow is a task as the case page lists it ("task_item" in
// case.html), every text already in the reader's language and zone. The
// case page lists every task of the case; working these out here instead
// of in the template (a reflective call per value there) makes the page's
// largest list several times cheaper.
type taskRow struct {
	ID          int64
	Status      string
	StatusLabel string
	Title       string
	Detail      string
	SkipReason  string
	Assignee    string
	Open, Late  bool
	// DueISO is empty when the task has no due date.
	DueISO, DueText, Countdown string
	// CSRF is the page's token, for the row's own form.
	CSRF string
}

// taskGroupRows are one phase's tasks.
type taskGroupRows struct {
	PhaseLabel string
	Tasks      []taskRow
	// Open counts the group's open tasks. Expanded shows the group unfolded:
	// the current phase's, and any with a late task or one left open in a
	// phase the case has passed. The others fold, which keeps a long
	// playbook from burying the rest of the page.
	Open     int
	Expanded bool
}

// taskRows works out the rows of every phase that has tasks, in the
// phases' order (the last phase, closed, has none).
func (d *casePageData) taskRows(pg *Page) []taskGroupRows {
	var out []taskGroupRows
	for _, ph := range cases.Phases[:len(cases.Phases)-1] {
		rows := taskGroupRows{PhaseLabel: pg.T("phase." + string(ph)), Expanded: ph == d.Case.Phase}
		for _, t := range d.tasks {
			if t.Phase == ph {
				r := d.taskRow(pg, t)
				rows.Tasks = append(rows.Tasks, r)
				if r.Open {
					rows.Open++
					rows.Expanded = rows.Expanded || r.Late || ph.Index() < d.Case.Phase.Index()
				}
			}
		}
		if len(rows.Tasks) > 0 {
			out = append(out, rows)
		}
	}
	return out
}

func (d *casePageData) taskRow(pg *Page, t cases.Task) taskRow {
	r := taskRow{ID: t.ID, Status: t.Status, StatusLabel: pg.T("task.status." + t.Status), Title: d.TaskTitle(t, pg.Lang),
		Detail: d.TaskDetail(t, pg.Lang), SkipReason: t.SkipReason, Assignee: d.MemberName(t.AssigneeID), Open: t.Open(), CSRF: pg.CSRF}
	if t.DueAt != nil {
		r.Late = r.Open && pg.Overdue(t.DueAt)
		r.DueISO, r.DueText = pg.RFC3339(t.DueAt), pg.Local(*t.DueAt)
		if r.Open {
			r.Countdown = pg.Countdown(t.DueAt)
		}
	}
	return r
}

// obligationRow is an obligation as the case page lists it (see taskRow).
type obligationRow struct {
	ID                               int64
	RuleID, Title, Recipient, Status string
	StatusLabel                      string
	Provisional, Guideline, Target   bool
	Open, Overdue                    bool
	// WindowText is empty when the obligation has no window before its
	// deadline.
	WindowText, DeadlineISO, DeadlineText, Countdown string
	SubmittedText, RecipientReference, WaiveReason   string
}

// obligationRows works out the rows of the obligations table.
func (d *casePageData) obligationRows(pg *Page) []obligationRow {
	out := make([]obligationRow, 0, len(d.Obligations))
	for _, o := range d.Obligations {
		dl := o.Deadline()
		r := obligationRow{ID: o.ID, RuleID: o.RuleID, Title: pg.L(obligations.Title(o.RuleID)), Recipient: pg.L(o.Recipient()), Status: o.Status,
			StatusLabel: pg.T("obl.status." + o.Status), Provisional: o.Provisional, Guideline: o.Guideline, Target: o.DueAt == nil && o.TargetAt != nil,
			Open: o.Open(), DeadlineISO: pg.RFC3339(dl), DeadlineText: pg.LocalP(dl), RecipientReference: o.RecipientReference, WaiveReason: o.WaiveReason}
		r.Overdue = r.Open && pg.Overdue(dl)
		if r.Open {
			r.Countdown = pg.Countdown(dl)
		}
		if o.WindowStart != nil {
			r.WindowText = pg.Local(*o.WindowStart)
		}
		if o.SubmittedAt != nil {
			r.SubmittedText = pg.Local(*o.SubmittedAt)
		}
		out = append(out, r)
	}
	return out
}

// timelineRow is a timeline entry as the case page lists it (see taskRow).
type timelineRow struct {
	Kind, ISO, Text, Summary string
	Manual                   bool
}

// timelineRows works out the rows of the case's timeline.
func (d *casePageData) timelineRows(pg *Page) []timelineRow {
	out := make([]timelineRow, len(d.Timeline))
	for i, e := range d.Timeline {
		out[i] = timelineRow{Kind: e.Kind, ISO: pg.RFC3339(&e.OccurredAt), Text: pg.Local(e.OccurredAt), Summary: pg.Entry(e), Manual: e.Kind == "manual"}
	}
	return out
}

// historyRow is one change of the obligations as the case page lists it
// (see taskRow): when, from which assessment version, and what.
type historyRow struct {
	When    string
	Version int
	Text    string
}

// historyRows lists the changes of the recomputations shown, newest first.
func (d *casePageData) historyRows(pg *Page) []historyRow {
	var out []historyRow
	for _, cs := range d.History {
		when := pg.Local(cs.CreatedAt)
		for _, ch := range cs.Changes {
			out = append(out, historyRow{When: when, Version: cs.AssessmentVersion, Text: pg.L(ch.Text)})
		}
	}
	return out
}
