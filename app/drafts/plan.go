package drafts

import (
	"context"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/security"
	"github.com/breachdesk/breachdesk/app/store"
)

// maxDocumentCauses bounds the causes a document lists.
const maxDocumentCauses = 50

// planSource adds to src the case's latest approved prevention plan and
// its recorded causes: the reports state the approved plan, never the
// live list of measures.
func planSource(ctx context.Context, tx *store.Tx, orgID, caseID int64, src *documents.Source) error {
	plan, err := notices.LatestPlan(ctx, tx.DB, orgID, caseID)
	if err != nil {
		return err
	}
	if plan != nil {
		src.Plan = &documents.Plan{Version: plan.Version}
		for _, it := range plan.Items {
			item := documents.PlanItem{Title: i18n.Text{JA: it.TitleJA, EN: it.TitleEN}, Status: it.Status}
			if d, err := time.Parse(time.DateOnly, it.TargetDate); err == nil {
				item.Due = &d
			}
			src.Plan.Items = append(src.Plan.Items, item)
		}
	}
	uses, err := notices.UsesPlan(ctx, tx.DB, orgID, caseID)
	if err != nil {
		return err
	}
	if uses {
		// The tasks made for plan items show the live plan's progress,
		// not an approved version's: they stay out of the measures.
		var taskIDs []int64
		if err := tx.DB.Model(&notices.Measure{}).Where("organisation_id = ? AND case_id = ? AND task_id IS NOT NULL", orgID, caseID).Pluck("task_id", &taskIDs).Error; err != nil {
			return err
		}
		src.PlanTasks = make(map[int64]bool, len(taskIDs))
		for _, id := range taskIDs {
			src.PlanTasks[id] = true
		}
	}
	var causes []security.CaseCause
	if err := tx.DB.Where("organisation_id = ? AND case_id = ?", orgID, caseID).Order("id").Limit(maxDocumentCauses).Find(&causes).Error; err != nil {
		return err
	}
	for _, cc := range causes {
		src.Causes = append(src.Causes, documents.Cause{Label: cc.Label(), Description: cc.Description})
	}
	return nil
}

// withPlan adjusts the fields a final report takes over from the
// preliminary one: once a plan is approved, its measures replace the ones
// reported first (they are prefilled from the approved version), and a
// cause left blank then is prefilled from the recorded causes.
func withPlan(ctx context.Context, tx *store.Tx, orgID, caseID int64, from map[string]string) (map[string]string, error) {
	var src documents.Source
	if err := planSource(ctx, tx, orgID, caseID, &src); err != nil {
		return nil, err
	}
	if src.Plan != nil {
		delete(from, "measures_done")
		delete(from, "measures_planned")
	}
	if len(src.Causes) > 0 && strings.TrimSpace(from["cause"]) == "" {
		delete(from, "cause")
	}
	return from, nil
}
