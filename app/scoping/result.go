package scoping

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/store"
)

// Person is one person of a run.
type Person struct {
	RunID      int64          `json:"run_id"`
	PersonNo   int            `json:"person_no"`
	Status     string         `json:"status"`
	Key        string         `json:"key"`
	CustomerID string         `json:"customer_id"`
	Name       string         `json:"name"`
	NameKana   string         `json:"name_kana"`
	Email      string         `json:"email"`
	Phone      string         `json:"phone"`
	PostalCode string         `json:"postal_code"`
	Address    string         `json:"address"`
	CardBrand  string         `json:"card_brand"`
	CardLast4  string         `json:"card_last4"`
	Brands     pq.StringArray `json:"brands" gorm:"type:text[]"`
	DataItems  pq.StringArray `json:"data_items" gorm:"type:text[]"`
	WindowMask int            `json:"window_mask"`
	Orders     int            `json:"orders"`
}

// TableName is the persons table.
func (Person) TableName() string { return "scope_persons" }

// Order is one order behind a person.
type Order struct {
	ID            int64     `json:"id"`
	OrderNo       string    `json:"order_no"`
	OrderedAt     time.Time `json:"ordered_at"`
	PaymentMethod string    `json:"payment_method"`
	CardBrand     string    `json:"card_brand"`
	CardLast4     string    `json:"card_last4"`
	CustomerID    string    `json:"customer_id"`
	Email         string    `json:"email"`
	Name          string    `json:"name"`
	WindowMask    int       `json:"window_mask"`
	Confirmed     bool      `json:"confirmed"`
	CardUnknown   bool      `json:"card_unknown"`
}

// MaxPage is the most persons one call returns.
const MaxPage = 1000

// Runs lists the case's kept runs, newest first.
func (s *Service) Runs(ctx context.Context, p *auth.Principal, caseID int64) ([]Run, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	out := []Run{}
	err = s.st.DB.WithContext(ctx).Where("case_id = ? AND organisation_id = ?", c.ID, c.OrganisationID).Order("id DESC").Find(&out).Error
	return out, err
}

// GetRun returns one run of the principal's organisation.
func (s *Service) GetRun(ctx context.Context, p *auth.Principal, runID int64) (Run, error) {
	var r Run
	if p.OrgID() == 0 {
		return r, apperr.ErrNotFound
	}
	err := s.st.DB.WithContext(ctx).Where("id = ? AND organisation_id = ?", runID, p.OrgID()).Take(&r).Error
	if store.IsNotFound(err) {
		return r, apperr.ErrNotFound
	}
	return r, err
}

// appliedRun is the run applied last to the case (ok false when none).
func appliedRun(db *gorm.DB, c cases.Case) (Run, bool, error) {
	var r Run
	err := db.Where("case_id = ? AND organisation_id = ? AND applied_at IS NOT NULL", c.ID, c.OrganisationID).
		Order("applied_at DESC, id DESC").Limit(1).Find(&r).Error
	return r, r.ID != 0, err
}

// Persons pages a run's persons by number; status "confirmed" or
// "possible" keeps those only. Reading them is audited as a read of
// personal data, like the people list.
func (s *Service) Persons(ctx context.Context, p *auth.Principal, runID int64, status string, limit, offset int) ([]Person, int64, error) {
	r, err := s.GetRun(ctx, p, runID)
	if err != nil {
		return nil, 0, err
	}
	v := &apperr.ValidationError{}
	if limit < 1 || limit > MaxPage {
		v.Add("limit", "validation.page_limit", MaxPage)
	}
	if offset < 0 {
		v.Add("offset", "validation.not_negative")
	}
	if status != "" && status != "confirmed" && status != "possible" {
		v.Add("status", "validation.scoping.status")
	}
	if err := v.OrNil(); err != nil {
		return nil, 0, err
	}
	db := s.st.DB.WithContext(ctx).Model(&Person{}).Where("run_id = ?", r.ID)
	if status != "" {
		db = db.Where("status = ?", status)
	}
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	out := []Person{}
	if err := db.Order("person_no").Limit(limit).Offset(offset).Find(&out).Error; err != nil {
		return nil, 0, err
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: r.OrganisationID, Action: "scoping.persons_read", TargetType: "case",
			TargetID: fmt.Sprint(r.CaseID), Details: map[string]any{"run": r.ID, "offset": offset, "returned": len(out)}})
	})
	return out, total, err
}

// maxOrders bounds the orders shown for one person.
const maxOrders = 500

// PersonOrders lists the orders behind one person of a run, oldest first.
func (s *Service) PersonOrders(ctx context.Context, p *auth.Principal, runID int64, personNo int) ([]Order, error) {
	r, err := s.GetRun(ctx, p, runID)
	if err != nil {
		return nil, err
	}
	out := []Order{}
	err = s.st.DB.WithContext(ctx).Raw(`SELECT o.id, o.order_no, o.ordered_at, o.payment_method, o.card_brand, o.card_last4, o.customer_id,
			o.email, o.name, so.window_mask, so.confirmed, so.card_unknown
		FROM scope_orders so JOIN orders o ON o.id = so.order_id AND o.case_id = ? AND o.organisation_id = ?
		WHERE so.run_id = ? AND so.person_no = ? ORDER BY o.ordered_at, o.id LIMIT ?`,
		r.CaseID, r.OrganisationID, r.ID, personNo, maxOrders).Scan(&out).Error
	return out, err
}

// WindowNos are the numbers of the windows in mask, for a run made from
// ws (the windows of its version).
func WindowNos(ws []Window, mask int) []int {
	var out []int
	for i, w := range ws {
		if mask&(1<<i) != 0 {
			out = append(out, w.No)
		}
	}
	return out
}

// RunWindows returns the windows of the version a run was made from.
func (s *Service) RunWindows(ctx context.Context, p *auth.Principal, r Run) ([]Window, error) {
	if r.OrganisationID != p.OrgID() {
		return nil, apperr.ErrNotFound
	}
	var v WindowVersion
	err := s.st.DB.WithContext(ctx).Where("case_id = ? AND organisation_id = ? AND version = ?", r.CaseID, r.OrganisationID, r.WindowVersion).Take(&v).Error
	return v.Windows, err
}
