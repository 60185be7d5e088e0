package assessment

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// latest loads the newest assessment of c; with none saved yet it returns
// empty facts, whose unknowns the engine treats the safe way, so a new
// case shows its provisional clocks from the start.
func (d *Deadlines) latest(ctx context.Context, db *gorm.DB, c cases.Case) (Version, obligations.Facts, error) {
	var v Version
	err := newestVersion(db, c).Find(&v).Error
	if err != nil || v.ID == 0 {
		return v, obligations.Facts{}, err
	}
	f, err := obligations.ParseFacts(bytes.NewReader(v.Facts))
	return v, f, err
}

// recompute applies the engine to the facts with the case's clock start
// and the organisation's zone, stores the obligations (keeping the team's
// status on each), records the changes, and reschedules the reminders.
func (d *Deadlines) recompute(ctx context.Context, tx *store.Tx, c cases.Case, f obligations.Facts, version int) ([]obligations.Change, error) {
	if f.Timezone == "" {
		var tz string
		if err := tx.DB.Raw(`SELECT timezone FROM organisations WHERE id = ?`, c.OrganisationID).Scan(&tz).Error; err != nil {
			return nil, err
		}
		f.Timezone = tz
	}
	f.AwareAt = c.AwareAt
	now := d.now()
	result := obligations.ComputeWith(f, now, obligations.Options{Policy: d.policy})

	var rows []Obligation
	if err := tx.DB.Where("case_id = ? AND organisation_id = ?", c.ID, c.OrganisationID).Find(&rows).Error; err != nil {
		return nil, err
	}
	previous := obligations.Result{AwareAt: result.AwareAt, Timezone: result.Timezone}
	byRule := map[string]*Obligation{}
	for i := range rows {
		byRule[rows[i].RuleID] = &rows[i]
		if rows[i].Applicable {
			previous.Obligations = append(previous.Obligations, rows[i].Detail())
		}
	}
	var last ChangeSet
	if err := tx.DB.Where("case_id = ?", c.ID).Order("id DESC").Limit(1).Find(&last).Error; err != nil {
		return nil, err
	}
	previous.NeedsReview = last.NeedsReview
	changes := obligations.Diff(previous, result)

	seen := map[string]bool{}
	deadlines := map[string]time.Time{}
	for _, ob := range result.Obligations {
		seen[ob.RuleID] = true
		raw, err := json.Marshal(ob)
		if err != nil {
			return nil, err
		}
		row := byRule[ob.RuleID]
		if row == nil {
			row = &Obligation{OrganisationID: c.OrganisationID, CaseID: c.ID, RuleID: ob.RuleID, Status: StatusPending}
		}
		row.Jurisdiction = string(ob.Jurisdiction)
		row.Computed = raw
		row.WindowStart, row.DueAt, row.TargetAt = utcPtr(ob.WindowStart), utcPtr(ob.DueAt), utcPtr(ob.TargetAt)
		if at := row.Deadline(); at != nil {
			deadlines[ob.RuleID] = *at
		}
		row.Guideline, row.Provisional, row.Applicable = ob.Guideline, ob.Provisional, true
		row.UpdatedAt = now
		if err := tx.DB.Save(row).Error; err != nil {
			return nil, err
		}
		if err := d.schedule(ctx, tx, *row, now); err != nil {
			return nil, err
		}
	}
	for _, row := range rows {
		if seen[row.RuleID] || !row.Applicable {
			continue
		}
		// No longer called for by the facts: kept for history, reminders off.
		row.Applicable = false
		row.UpdatedAt = now
		if err := tx.DB.Save(&row).Error; err != nil {
			return nil, err
		}
		if err := d.cancelReminders(ctx, tx, row.ID); err != nil {
			return nil, err
		}
	}
	// The tasks that carry out an obligation move with its deadline.
	if err := cases.FollowDeadlines(ctx, tx, c.ID, deadlines); err != nil {
		return nil, err
	}
	cs := ChangeSet{OrganisationID: c.OrganisationID, CaseID: c.ID, AssessmentVersion: version, Changes: changes, NeedsReview: result.NeedsReview}
	if cs.Changes == nil {
		cs.Changes = []obligations.Change{}
	}
	if cs.NeedsReview == nil {
		cs.NeedsReview = []obligations.NeedsReview{}
	}
	if err := tx.DB.Create(&cs).Error; err != nil {
		return nil, err
	}
	for _, ch := range changes {
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "obligation."+string(ch.Kind), "timeline.obligation_change", ch.Text); err != nil {
			return nil, err
		}
	}
	return changes, nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
