package security

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// maxPlanItems bounds an approved plan (the schema's CHECK constraint): a
// plan longer than this is not a plan anyone reads.
const maxPlanItems = 200

// ErrPlanChanged refuses a plan approval whose content hash is not the
// plan's now: an item changed after the approver loaded the page.
var ErrPlanChanged = fmt.Errorf("%w: the prevention plan changed since you loaded it; review it and approve it again", apperr.ErrConflict)

// Proposal is a plan item the causes call for: a catalogue measure that
// would have prevented a recorded cause and that the register does not
// show in place.
type Proposal struct {
	CauseCode string    `json:"cause_code"`
	MeasureID string    `json:"measure_id"`
	Title     i18n.Text `json:"title"`
}

// MeasureState is a measure a cause maps to, with where it stands in the
// organisation's register and whether the plan has an item for it.
type MeasureState struct {
	MeasureID string    `json:"measure_id"`
	Title     i18n.Text `json:"title"`
	Status    string    `json:"status"`
	InPlan    bool      `json:"in_plan"`
}

// CauseRow is a recorded cause with the measures that would have
// prevented it.
type CauseRow struct {
	Cause    CaseCause      `json:"cause"`
	Label    i18n.Text      `json:"label"`
	Measures []MeasureState `json:"measures"`
}

// Plan is a case's recurrence-prevention plan as its page shows it: the
// causes, the live items, what building from the causes would add, and
// the latest approved version.
type Plan struct {
	Case      cases.Case        `json:"-"`
	Causes    []CauseRow        `json:"causes"`
	Items     []notices.Measure `json:"items"`
	Proposals []Proposal        `json:"proposals"`
	// Latest is the newest approved version (nil: none yet).
	Latest *notices.PlanVersion `json:"latest"`
	// NextVersion is the number an approval now would give, and
	// ContentSHA256 the hash of the live items as that version: the
	// approval form carries it, so an approval names what was shown.
	NextVersion   int    `json:"next_version"`
	ContentSHA256 string `json:"content_sha256"`
	// Current: the live items are the latest approved version's, so there
	// is nothing new to approve.
	Current bool `json:"current"`
}

// causesOf lists case c's causes, in the order recorded.
func (s *Service) causesOf(db *gorm.DB, c cases.Case) ([]CaseCause, error) {
	var out []CaseCause
	err := db.Where("organisation_id = ? AND case_id = ?", c.OrganisationID, c.ID).Order("id").Limit(maxCausesPerCase).Find(&out).Error
	return out, err
}

// planItems lists case c's prevention measures (the plan's items).
func planItems(db *gorm.DB, c cases.Case) ([]notices.Measure, error) {
	var out []notices.Measure
	err := db.Where("organisation_id = ? AND case_id = ?", c.OrganisationID, c.ID).Order("id").Find(&out).Error
	return out, err
}

// registerStatus maps the organisation's register to measure statuses.
func (s *Service) registerStatus(ctx context.Context, p *auth.Principal) (map[string]string, error) {
	entries, err := s.Register(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		out[e.MeasureID] = e.Status
	}
	return out, nil
}

// covered reports whether the register shows a measure needs no plan
// item: in place, or not applicable (with its reason).
func covered(status string) bool { return status == StatusInPlace || status == StatusNotApplicable }

// inPlan reports whether items already address catalogue measure m: an
// item built for it, or one written by hand with its title.
func inPlan(items []notices.Measure, m Measure) bool {
	for _, it := range items {
		if it.SecurityMeasure != nil && *it.SecurityMeasure == m.ID {
			return true
		}
		if strings.TrimSpace(it.TitleJA) == m.Title.JA {
			return true
		}
	}
	return false
}

// propose is what building the plan adds: for each cause in the order
// recorded, each measure that would have prevented it, is not covered in
// the register and is not in the plan yet, once.
func propose(causes []CaseCause, register map[string]string, items []notices.Measure) []Proposal {
	var out []Proposal
	seen := map[string]bool{}
	for _, cc := range causes {
		t, ok := CauseByCode(cc.Code)
		if !ok {
			continue
		}
		for _, id := range t.Prevented {
			m, ok := MeasureByID(id)
			if !ok || seen[id] || covered(register[id]) || inPlan(items, m) {
				continue
			}
			seen[id] = true
			out = append(out, Proposal{CauseCode: cc.Code, MeasureID: id, Title: m.Title})
		}
	}
	return out
}

// samePlan reports whether items are the approved version's.
func samePlan(caseID int64, items []notices.PlanItem, v *notices.PlanVersion) bool {
	return v != nil && notices.PlanHash(caseID, 0, items) == notices.PlanHash(caseID, 0, v.Items)
}

// PreventionPlan returns the case's plan as its page shows it.
func (s *Service) PreventionPlan(ctx context.Context, p *auth.Principal, caseID int64) (Plan, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return Plan{}, err
	}
	register, err := s.registerStatus(ctx, p)
	if err != nil {
		return Plan{}, err
	}
	pl := Plan{Case: c}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		causes, err := s.causesOf(tx.DB, c)
		if err != nil {
			return err
		}
		if pl.Items, err = planItems(tx.DB, c); err != nil {
			return err
		}
		if pl.Latest, err = notices.LatestPlan(ctx, tx.DB, c.OrganisationID, c.ID); err != nil {
			return err
		}
		pl.Proposals = propose(causes, register, pl.Items)
		for _, cc := range causes {
			row := CauseRow{Cause: cc, Label: cc.Label()}
			t, _ := CauseByCode(cc.Code)
			for _, id := range t.Prevented {
				if m, ok := MeasureByID(id); ok {
					row.Measures = append(row.Measures, MeasureState{MeasureID: id, Title: m.Title, Status: register[id], InPlan: inPlan(pl.Items, m)})
				}
			}
			pl.Causes = append(pl.Causes, row)
		}
		return nil
	})
	pl.NextVersion = 1
	if pl.Latest != nil {
		pl.NextVersion = pl.Latest.Version + 1
	}
	items := notices.PlanItems(pl.Items)
	pl.ContentSHA256 = notices.PlanHash(c.ID, pl.NextVersion, items)
	pl.Current = samePlan(c.ID, items, pl.Latest)
	return pl, err
}

// BuildPlan adds to the plan an item (status planned, titled as the
// catalogue titles the measure) for each measure the recorded causes call
// for that the register does not show in place and the plan lacks.
// Building again adds only what is new; owner, due date and status are
// then edited item by item.
func (s *Service) BuildPlan(ctx context.Context, p *auth.Principal, caseID int64) ([]notices.Measure, error) {
	c, err := s.changeableCase(ctx, p, caseID, auth.WriteDocuments)
	if err != nil {
		return nil, err
	}
	register, err := s.registerStatus(ctx, p)
	if err != nil {
		return nil, err
	}
	var added []notices.Measure
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		// The case's lock makes two builds at once take turns: the second
		// sees the first's items and proposes nothing twice.
		if err := cases.LockWritable(ctx, tx, c.ID); err != nil {
			return err
		}
		causes, err := s.causesOf(tx.DB, c)
		if err != nil {
			return err
		}
		if len(causes) == 0 {
			return apperr.Conflict("conflict.plan_no_causes")
		}
		items, err := planItems(tx.DB, c)
		if err != nil {
			return err
		}
		now := tx.Now()
		for _, pr := range propose(causes, register, items) {
			cause, measure := pr.CauseCode, pr.MeasureID
			m := notices.Measure{OrganisationID: c.OrganisationID, CaseID: c.ID, TitleJA: pr.Title.JA, TitleEN: pr.Title.EN, Status: "planned",
				CauseCode: &cause, SecurityMeasure: &measure, CreatedAt: now, UpdatedAt: now}
			if err := tx.DB.Create(&m).Error; err != nil {
				return err
			}
			added = append(added, m)
		}
		if len(added) == 0 {
			return nil
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "prevention.plan_build", "timeline.plan_built", len(added)); err != nil {
			return err
		}
		ids := make([]int64, len(added))
		for i, m := range added {
			ids[i] = m.ID
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "prevention.plan_build", TargetType: "case", TargetID: fmt.Sprint(c.ID),
			Details: map[string]any{"measure_ids": ids}})
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

// ApprovePlan approves the live plan as its next numbered version, frozen:
// the reports and the public notice show that version until another is
// approved. sum is the ContentSHA256 of the plan the approver reviewed
// (PreventionPlan); anything else is refused with ErrPlanChanged.
func (s *Service) ApprovePlan(ctx context.Context, p *auth.Principal, caseID int64, sum string) (notices.PlanVersion, error) {
	c, err := s.changeableCase(ctx, p, caseID, auth.Approve)
	if err != nil {
		return notices.PlanVersion{}, err
	}
	sum = strings.ToLower(strings.TrimSpace(sum))
	if sum == "" {
		return notices.PlanVersion{}, apperr.Invalid("content_sha256", "validation.reviewed_sha256")
	}
	var v notices.PlanVersion
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := cases.LockWritable(ctx, tx, c.ID); err != nil {
			return err
		}
		live, err := planItems(tx.DB, c)
		if err != nil {
			return err
		}
		latest, err := notices.LatestPlan(ctx, tx.DB, c.OrganisationID, c.ID)
		if err != nil {
			return err
		}
		next := 1
		if latest != nil {
			next = latest.Version + 1
		}
		items := notices.PlanItems(live)
		current := notices.PlanHash(c.ID, next, items)
		if sum != current {
			return &apperr.Error{Kind: ErrPlanChanged, Code: "conflict.plan_changed", Details: map[string]any{"version": next, "content_sha256": current}}
		}
		switch {
		case len(items) == 0:
			return apperr.Conflict("conflict.plan_empty")
		case len(items) > maxPlanItems:
			return apperr.Conflict("conflict.plan_too_long", maxPlanItems)
		case samePlan(c.ID, items, latest):
			return apperr.Conflict("conflict.plan_unchanged", latest.Version)
		}
		v = notices.PlanVersion{OrganisationID: c.OrganisationID, CaseID: c.ID, Version: next, Items: items, ContentSHA256: current, ApprovedBy: &p.User.ID, ApprovedAt: tx.Now()}
		if err := tx.DB.Create(&v).Error; err != nil {
			return err
		}
		// What is stored is what was approved, or nothing is approved.
		stored, err := notices.LatestPlan(ctx, tx.DB, c.OrganisationID, c.ID)
		if err != nil {
			return err
		}
		if stored == nil || stored.ID != v.ID {
			return errors.New("security: the approved plan version was not stored")
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "prevention.plan_approve", "timeline.plan_approved", next, len(items)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "prevention.plan_approve", TargetType: "case", TargetID: fmt.Sprint(c.ID),
			Details: map[string]any{"version": next, "items": len(items), "content_sha256": current}})
	})
	return v, err
}

// CreateItemTask adds a recovery task for a plan item and links the item
// to it, in one transaction: the task carries the item's owner and due
// date, and its title in the principal's language.
func (s *Service) CreateItemTask(ctx context.Context, p *auth.Principal, caseID, itemID int64) (cases.Task, error) {
	c, err := s.changeableCase(ctx, p, caseID, auth.WorkCases)
	if err != nil {
		return cases.Task{}, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return cases.Task{}, err
	}
	var t cases.Task
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := cases.LockWritable(ctx, tx, c.ID); err != nil {
			return err
		}
		var m notices.Measure
		err := tx.DB.Where("id = ? AND case_id = ? AND organisation_id = ?", itemID, c.ID, c.OrganisationID).Take(&m).Error
		if store.IsNotFound(err) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return err
		}
		if m.TaskID != nil {
			return apperr.Conflict("conflict.plan_item_has_task")
		}
		title := m.TitleJA
		if p.User.Language == "en" && m.TitleEN != "" {
			title = m.TitleEN
		}
		t = cases.Task{OrganisationID: c.OrganisationID, CaseID: c.ID, Phase: cases.PhaseRecovery, Title: truncateRunes(title, 300),
			Description: strings.TrimSpace(m.TitleJA + "\n" + m.TitleEN), AssigneeID: m.OwnerID, Status: "todo"}
		if m.TargetDate != nil {
			// Due at the end of the target day, in the organisation's zone.
			y, mo, d := m.TargetDate.Date()
			due := time.Date(y, mo, d, 23, 59, 59, 0, p.Organisation.Location()).UTC()
			t.DueAt, t.DueSetByHand = &due, true
		}
		if err := tx.DB.Raw(`SELECT COALESCE(max(position), 0) + 1 FROM tasks WHERE case_id = ?`, c.ID).Scan(&t.Position).Error; err != nil {
			return err
		}
		if err := tx.DB.Create(&t).Error; err != nil {
			return err
		}
		if err := tx.DB.Model(&notices.Measure{}).Where("id = ?", m.ID).Updates(map[string]any{"task_id": t.ID, "updated_at": tx.Now()}).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "task.create", "timeline.task_added", t.Title); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "task.create", TargetType: "task", TargetID: fmt.Sprint(t.ID)}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "prevention.item_task", TargetType: "measure", TargetID: fmt.Sprint(m.ID),
			Details: map[string]any{"task_id": t.ID}})
	})
	return t, err
}

// truncateRunes cuts s to at most n characters.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// ReopenState is what the playbook's "reopen card payments" step shows:
// where the approved plan stands and the register's non-retention entry,
// which acquirers ask about before they allow card payments again.
type ReopenState struct {
	// Latest is the newest approved plan version (nil: none approved).
	Latest *notices.PlanVersion
	// Done and Open count the approved version's items by status (as
	// approved; the live items may have moved on).
	Done, Open int
	// Changed: the live plan differs from the approved version.
	Changed bool
	// NonRetention is the register's entry for card-data non-retention
	// (or PCI DSS), with its evidence.
	NonRetention Entry
}

// PaymentsReopen returns the state the reopen step shows for a case.
func (s *Service) PaymentsReopen(ctx context.Context, p *auth.Principal, caseID int64) (ReopenState, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return ReopenState{}, err
	}
	var st ReopenState
	entries, err := s.Register(ctx, p)
	if err != nil {
		return st, err
	}
	for _, e := range entries {
		if e.MeasureID == MeasureNonRetention {
			st.NonRetention = e
		}
	}
	db := s.st.DB.WithContext(ctx)
	if st.Latest, err = notices.LatestPlan(ctx, db, c.OrganisationID, c.ID); err != nil || st.Latest == nil {
		return st, err
	}
	for _, it := range st.Latest.Items {
		if it.Status == "done" {
			st.Done++
		} else {
			st.Open++
		}
	}
	live, err := planItems(db, c)
	if err != nil {
		return st, err
	}
	st.Changed = !samePlan(c.ID, notices.PlanItems(live), st.Latest)
	return st, nil
}
