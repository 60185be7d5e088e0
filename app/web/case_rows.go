package web

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/app/cases"
)

// taskRow is a task as the case page lists it, every text already in the
// reader's language and zone. The case page lists every task of the case;
// working these out here instead of in the template (a reflective call
// per value there) makes the page's largest list several times cheaper.
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
}

// taskGroupRows are one phase's tasks.
type taskGroupRows struct {
	PhaseLabel string
	// Items are the list items of the phase's tasks (see taskItems).
	Items template.HTML
}

// taskRows works out the rows of every phase that has tasks, in the
// phases' order (the last phase, closed, has none).
func (d *casePageData) taskRows(pg *Page) []taskGroupRows {
	var out []taskGroupRows
	labels := taskLabels{Due: pg.T("task.due"), Skip: pg.T("task.skip_reason"), Done: pg.T("task.mark_done"), Open: pg.T("task.open"), Late: pg.T("obl.overdue")}
	for _, ph := range cases.Phases[:len(cases.Phases)-1] {
		var rows []taskRow
		for _, t := range d.tasks {
			if t.Phase == ph {
				rows = append(rows, d.taskRow(pg, t))
			}
		}
		if len(rows) > 0 {
			out = append(out, taskGroupRows{PhaseLabel: pg.T("phase." + string(ph)), Items: taskItems(rows, labels, pg.CSRF)})
		}
	}
	return out
}

// taskLabels are the fixed texts of the task list in the reader's language.
type taskLabels struct{ Due, Skip, Done, Open, Late string }

// taskItems writes the list items of tasks. The task list is the case
// page's longest (a playbook has about twenty tasks, each a dozen values
// and a form); through html/template every value costs two reflective
// calls, together about half a millisecond of each case page (measured
// by leaving the section out under 16 clients), several times what
// writing them here costs. The markup is constant text and every value
// goes through template.HTMLEscapeString, which is the escaping for the
// element text and the double-quoted attribute values they are put in.
func taskItems(rows []taskRow, l taskLabels, csrf string) template.HTML {
	var b strings.Builder
	// esc writes its parts alternately as markup (0, 2, …) and as escaped
	// values (1, 3, …).
	esc := func(parts ...string) {
		for i, p := range parts {
			if i%2 == 0 {
				b.WriteString(p) // markup
			} else {
				template.HTMLEscape(&b, []byte(p))
			}
		}
	}
	for _, r := range rows {
		id := strconv.FormatInt(r.ID, 10)
		cls := ""
		if r.Late {
			cls = " task-overdue"
		}
		badge := "badge"
		if r.Status == "done" {
			badge = "badge ok"
		}
		esc(`<li id="task-`, id, `" class="task task-`, r.Status, cls+`">
    <div class="task-head">
      <span class="`+badge+`">`, r.StatusLabel, `</span>
      <strong id="task-`, id, `-title">`, r.Title, `</strong>`)
		if r.Late {
			esc(`
      <strong class="badge danger">`, l.Late, `</strong>`)
		}
		if r.DueISO != "" {
			esc(`
      <span class="muted">`, l.Due, ` <time datetime="`, r.DueISO, `">`, r.DueText, `</time>`)
			if r.Open {
				esc(` · <span data-countdown="`, r.DueISO, `">`, r.Countdown, `</span>`)
			}
			b.WriteString(`</span>`)
		}
		if r.Assignee != "" {
			esc(`
      <span class="muted">· `, r.Assignee, `</span>`)
		}
		b.WriteString(`
    </div>`)
		if r.Detail != "" {
			esc(`
    <p class="hint">`, r.Detail, `</p>`)
		}
		if r.SkipReason != "" {
			esc(`
    <p class="muted">`, l.Skip, `: `, r.SkipReason, `</p>`)
		}
		b.WriteString(`
    <div class="task-actions">`)
		if r.Open {
			esc(`<form method="post" action="/tasks/`, id, `" class="inline-form"><input type="hidden" name="_csrf" value="`, csrf,
				`"><input type="hidden" name="status" value="done"><button type="submit" aria-describedby="task-`, id, `-title">`, l.Done, `</button></form>`)
		}
		esc(`
      <a href="/tasks/`, id, `">`, l.Open, `</a></div>
  </li>
`)
	}
	return template.HTML(b.String()) // every value above is escaped
}

func (d *casePageData) taskRow(pg *Page, t cases.Task) taskRow {
	r := taskRow{ID: t.ID, Status: t.Status, StatusLabel: pg.T("task.status." + t.Status), Title: d.TaskTitle(t, pg.Lang),
		Detail: d.TaskDetail(t, pg.Lang), SkipReason: t.SkipReason, Assignee: d.MemberName(t.AssigneeID), Open: t.Open()}
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
	ID                             int64
	RuleID, Recipient, Status      string
	StatusLabel                    string
	Provisional, Guideline, Target bool
	Open, Overdue                  bool
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
		r := obligationRow{ID: o.ID, RuleID: o.RuleID, Recipient: pg.L(o.Recipient()), Status: o.Status,
			StatusLabel: pg.T("obl.status." + o.Status), Provisional: o.Provisional, Guideline: o.Guideline, Target: o.DueAt == nil,
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
		out[i] = timelineRow{Kind: e.Kind, ISO: pg.RFC3339(&e.OccurredAt), Text: pg.Local(e.OccurredAt), Summary: e.Summary, Manual: e.Kind == "manual"}
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
