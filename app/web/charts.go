package web

import (
	"html/template"
	"time"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/charts"
	"github.com/breachdesk/breachdesk/app/obligations"
)

// chartWords are the charts' words in the page's language; the state words
// are the deadline table's, so picture and table say the same thing.
func chartWords(pg *Page) charts.Words {
	return charts.Words{
		Now: pg.T("chart.now"), Start: pg.T("chart.aware"),
		Overdue: pg.T("obl.overdue"), Done: pg.T("obl.status.submitted"), Waived: pg.T("obl.status.waived"),
		Deadlines: pg.T("chart.lane_deadlines"), Submissions: pg.T("chart.lane_submissions"), Events: pg.T("chart.lane_events"),
		More: pg.T("chart.more"),
	}
}

// deadlineState is how the charts show an obligation at now.
func deadlineState(o assessment.Obligation, now time.Time) charts.State {
	switch {
	case o.Status == assessment.StatusSubmitted:
		return charts.Done
	case o.Status == assessment.StatusWaived:
		return charts.Waived
	case o.Deadline() != nil && o.Deadline().Before(now):
		return charts.Overdue
	}
	return charts.Open
}

// TimelineChart draws the case's events, deadlines and submissions on one
// axis. The page lists the same in its deadline table and timeline.
func (d *casePageData) TimelineChart(pg *Page) template.HTML {
	now := pg.now
	aware := d.Case.AwareAt
	tl := charts.Timeline{ID: "case-timeline-chart", Now: now, Loc: pg.loc, Words: chartWords(pg), Start: &aware,
		Title: pg.T("chart.timeline_title", d.Case.Reference+" "+d.Case.Title)}
	if aware.IsZero() {
		tl.Start = nil
	}
	for _, e := range d.Timeline {
		tl.Events = append(tl.Events, charts.Point{At: e.OccurredAt, Label: pg.Entry(e)})
	}
	overdue := 0
	for _, o := range d.Obligations {
		if dl := o.Deadline(); dl != nil {
			st := deadlineState(o, now)
			if st == charts.Overdue {
				overdue++
			}
			tl.Deadlines = append(tl.Deadlines, charts.Deadline{At: *dl, Label: pg.L(obligations.Title(o.RuleID)), State: st})
		}
		if o.SubmittedAt != nil {
			tl.Submissions = append(tl.Submissions, charts.Point{At: *o.SubmittedAt, Label: pg.L(obligations.Title(o.RuleID))})
		}
	}
	tl.Desc = pg.T("chart.timeline_desc", len(tl.Events), len(tl.Deadlines), overdue, len(tl.Submissions))
	return tl.SVG()
}

// DeadlineChart draws the organisation's open deadlines around today, a
// row per case; "" when none has a deadline. The table under it lists them.
func (d dashboardData) DeadlineChart(pg *Page) template.HTML {
	now := pg.now
	c := charts.DeadlineChart{ID: "dashboard-deadline-chart", Now: now, Loc: pg.loc, Words: chartWords(pg),
		Title: pg.T("chart.deadlines_title")}
	byCase := map[int64]int{} // case id → row; rows keep the list's order (most urgent first)
	overdue, count := 0, 0
	for _, u := range d.Deadlines {
		dl := u.Deadline()
		if dl == nil {
			continue
		}
		i, ok := byCase[u.CaseID]
		if !ok {
			i = len(c.Rows)
			byCase[u.CaseID] = i
			c.Rows = append(c.Rows, charts.Row{Label: u.Reference})
		}
		st := deadlineState(u.Obligation, now)
		if st == charts.Overdue {
			overdue++
		}
		count++
		c.Rows[i].Deadlines = append(c.Rows[i].Deadlines, charts.Deadline{At: *dl, Label: pg.L(obligations.Title(u.RuleID)), State: st})
	}
	if count == 0 {
		return ""
	}
	c.Desc = pg.T("chart.deadlines_desc", count, overdue, len(c.Rows))
	return c.SVG()
}
