package notices

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// PlanItem is one item of an approved recurrence-prevention plan, frozen
// with the version: what the reports and the public notice say about it.
type PlanItem struct {
	// MeasureID is the prevention measure the item was taken from.
	MeasureID int64  `json:"measure_id"`
	TitleJA   string `json:"title_ja"`
	TitleEN   string `json:"title_en"`
	Status    string `json:"status" enum:"measure_status"`
	// TargetDate is the due date as a calendar day (YYYY-MM-DD), "" when
	// none was set.
	TargetDate string `json:"target_date,omitempty"`
	OwnerID    *int64 `json:"owner_id,omitempty"`
	TaskID     *int64 `json:"task_id,omitempty"`
	// CauseCode and SecurityMeasure are the recorded cause and the
	// catalogue measure the item addresses ("" for one written by hand).
	CauseCode       string `json:"cause_code,omitempty"`
	SecurityMeasure string `json:"security_measure,omitempty"`
}

// PlanVersion is an approved version of a case's prevention plan: numbered,
// frozen, and named by its content hash, which the approval named.
type PlanVersion struct {
	ID             int64      `json:"id"`
	OrganisationID int64      `json:"-"`
	CaseID         int64      `json:"case_id"`
	Version        int        `json:"version"`
	Items          []PlanItem `json:"items" gorm:"serializer:json;type:jsonb"`
	// ContentSHA256 is hex digits, which the card-number guard must not
	// read: a run of them can pass Luhn.
	ContentSHA256 string    `json:"content_sha256" gorm:"column:content_sha256" pan:"-"`
	ApprovedBy    *int64    `json:"approved_by"`
	ApprovedAt    time.Time `json:"approved_at"`
}

// TableName is the plan versions table.
func (PlanVersion) TableName() string { return "prevention_plan_versions" }

// PlanItems are the live measures as a plan version would freeze them.
func PlanItems(ms []Measure) []PlanItem {
	out := make([]PlanItem, len(ms))
	for i, m := range ms {
		it := PlanItem{MeasureID: m.ID, TitleJA: m.TitleJA, TitleEN: m.TitleEN, Status: m.Status, OwnerID: m.OwnerID, TaskID: m.TaskID}
		if m.TargetDate != nil {
			it.TargetDate = m.TargetDate.Format(time.DateOnly)
		}
		if m.CauseCode != nil {
			it.CauseCode = *m.CauseCode
		}
		if m.SecurityMeasure != nil {
			it.SecurityMeasure = *m.SecurityMeasure
		}
		out[i] = it
	}
	return out
}

// planContentV1 is the canonical form of what a plan approval approves.
type planContentV1 struct {
	Format  string     `json:"format"`
	CaseID  int64      `json:"case_id"`
	Version int        `json:"version"`
	Items   []PlanItem `json:"items"`
}

// PlanHash is the SHA-256 (hex) of version number version of case caseID's
// plan with items: an approval names it, the approved version keeps it.
func PlanHash(caseID int64, version int, items []PlanItem) string {
	c := planContentV1{Format: "breachdesk/prevention-plan/1", CaseID: caseID, Version: version, Items: items}
	if c.Items == nil {
		c.Items = []PlanItem{}
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // strings and numbers only
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// LatestPlan returns the case's newest approved plan version, nil when no
// plan was ever approved. A version whose items are not the content its
// approval named (changed behind the service's back) is an error, never
// shown.
func LatestPlan(ctx context.Context, db *gorm.DB, orgID, caseID int64) (*PlanVersion, error) {
	var v PlanVersion
	err := db.WithContext(ctx).Where("organisation_id = ? AND case_id = ?", orgID, caseID).Order("version DESC").Limit(1).Find(&v).Error
	if err != nil || v.ID == 0 {
		return nil, err
	}
	if PlanHash(v.CaseID, v.Version, v.Items) != v.ContentSHA256 {
		return nil, fmt.Errorf("notices: prevention plan version %d of case %d does not match the content hash it was approved with", v.Version, v.CaseID)
	}
	return &v, nil
}

// Published returns the plan's items as a notice shows them.
func (v PlanVersion) Published() []PublishedMeasure {
	out := make([]PublishedMeasure, len(v.Items))
	for i, it := range v.Items {
		out[i] = PublishedMeasure{TitleJA: it.TitleJA, TitleEN: it.TitleEN, Status: it.Status}
	}
	return out
}

// UsesPlan reports whether case caseID keeps a recurrence-prevention
// plan: causes were recorded on it, or an item was built from a cause.
// From then on the live measures are the plan's draft items, so only an
// approved version may leave the case (notice, reports).
func UsesPlan(ctx context.Context, db *gorm.DB, orgID, caseID int64) (bool, error) {
	var uses bool
	err := db.WithContext(ctx).Raw(`SELECT EXISTS (SELECT 1 FROM case_causes WHERE organisation_id = ? AND case_id = ?)
		OR EXISTS (SELECT 1 FROM prevention_measures WHERE organisation_id = ? AND case_id = ? AND (cause_code IS NOT NULL OR security_measure IS NOT NULL))`,
		orgID, caseID, orgID, caseID).Scan(&uses).Error
	return uses, err
}

// shown are the measures a notice shows when approved and published, and
// the plan version they come from: the latest approved plan's items once
// a plan was approved (the notice reports an approved plan, never a live
// list); nothing while a case that keeps a plan has none approved (its
// live measures are unapproved plan items); else, for a case that never
// used the plan, the live measures (0) as before plans existed.
func (s *Service) shown(ctx context.Context, db *gorm.DB, orgID, caseID int64, live []Measure) ([]PublishedMeasure, int, error) {
	plan, err := LatestPlan(ctx, db, orgID, caseID)
	if err != nil {
		return nil, 0, err
	}
	if plan != nil {
		return plan.Published(), plan.Version, nil
	}
	uses, err := UsesPlan(ctx, db, orgID, caseID)
	if err != nil {
		return nil, 0, err
	}
	if uses {
		return []PublishedMeasure{}, 0, nil
	}
	return Published(live), 0, nil
}
