package documents

import (
	"fmt"
	"time"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// Plan is the latest approved recurrence-prevention plan of a case, as
// the documents report it: an approved version, never the live list.
type Plan struct {
	Version int
	Items   []PlanItem
}

// PlanItem is one item of an approved plan.
type PlanItem struct {
	Title  i18n.Text
	Status string // planned, in_progress or done
	// Due is the target day (its date only; nil when none was set).
	Due *time.Time
}

// Cause is a root cause recorded on the case: its taxonomy label and the
// forensic finding written with it.
type Cause struct {
	Label       i18n.Text
	Description string
}

// buildPlan fills the view's measures and causes: from the approved plan
// when there is one (done items are the measures taken, the others the
// measures planned), else the measures stay as the tasks gave them.
func (v *CaseView) buildPlan(src Source, l localizer) {
	for _, c := range src.Causes {
		line := c.Label.In(l.lang)
		if c.Description != "" {
			line += l.pick("：", ": ") + c.Description
		}
		v.Causes = append(v.Causes, line)
	}
	if src.Plan == nil {
		return
	}
	v.PlanVersion = src.Plan.Version
	v.DoneMeasures, v.PlannedMeasures = nil, nil
	for _, it := range src.Plan.Items {
		title := it.Title.In(l.lang)
		if it.Status == "done" {
			v.DoneMeasures = append(v.DoneMeasures, title)
			v.PlanLines = append(v.PlanLines, title+l.pick("（実施済み）", " (done)"))
			continue
		}
		v.PlannedMeasures = append(v.PlannedMeasures, title+l.planState(it))
		v.PlanLines = append(v.PlanLines, title+l.planState(it))
	}
}

// planState says where an open item stands: in progress or planned, and
// by when.
func (l localizer) planState(it PlanItem) string {
	due := ""
	if it.Due != nil {
		due = l.day(*it.Due)
	}
	switch {
	case it.Status == "in_progress" && due != "":
		return l.pick("（実施中・"+due+"完了予定）", " (in progress, due "+due+")")
	case it.Status == "in_progress":
		return l.pick("（実施中）", " (in progress)")
	case due != "":
		return l.pick("（"+due+"までに実施予定）", " (planned by "+due+")")
	default:
		return l.pick("（実施予定）", " (planned)")
	}
}

// day writes a calendar day as it is, without moving it into a zone: a
// target date is a day, not an instant.
func (l localizer) day(t time.Time) string {
	if l.lang == "en" {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}
