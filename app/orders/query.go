package orders

import (
	"context"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

// Get returns one import of the principal's organisation.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Import, error) {
	var imp Import
	if p.OrgID() == 0 {
		return imp, apperr.ErrNotFound
	}
	err := s.st.DB.WithContext(ctx).Where("id = ? AND organisation_id = ?", id, p.OrgID()).Take(&imp).Error
	if store.IsNotFound(err) {
		return imp, apperr.ErrNotFound
	}
	if err != nil {
		return imp, err
	}
	// The case decides who may see it (a restricted case's imports too).
	if _, err := s.cases.Get(ctx, p, imp.CaseID); err != nil {
		return Import{}, err
	}
	return imp, nil
}

// Imports returns a case's order imports, newest first.
func (s *Service) Imports(ctx context.Context, p *auth.Principal, caseID int64) ([]Import, error) {
	if _, err := s.cases.Get(ctx, p, caseID); err != nil {
		return nil, err
	}
	out := []Import{}
	err := s.st.DB.WithContext(ctx).Where("case_id = ? AND organisation_id = ?", caseID, p.OrgID()).
		Order("id DESC").Limit(200).Find(&out).Error
	return out, err
}

// MaxPage is the most orders one page lists.
const MaxPage = 500

// List returns one page of a case's orders, by order time, and how many
// the case has.
func (s *Service) List(ctx context.Context, p *auth.Principal, caseID int64, limit, offset int) ([]Order, int64, error) {
	if _, err := s.cases.Get(ctx, p, caseID); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	offset = max(offset, 0)
	q := s.st.DB.WithContext(ctx).Model(&Order{}).Where("case_id = ? AND organisation_id = ?", caseID, p.OrgID())
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	out := []Order{}
	err := q.Order("ordered_at, id").Limit(limit).Offset(offset).Find(&out).Error
	return out, total, err
}

// PaymentCount is how many orders of a case one payment method has.
type PaymentCount struct {
	PaymentMethod string `json:"payment_method"`
	CardPayment   bool   `json:"card_payment"`
	Orders        int64  `json:"orders"`
}

// Summary counts a case's orders by payment method (card payments first,
// then the most frequent), at most 100 methods.
func (s *Service) Summary(ctx context.Context, p *auth.Principal, caseID int64) ([]PaymentCount, error) {
	if _, err := s.cases.Get(ctx, p, caseID); err != nil {
		return nil, err
	}
	out := []PaymentCount{}
	err := s.st.DB.WithContext(ctx).Raw(`SELECT payment_method, card_payment, count(*) AS orders FROM orders
		WHERE case_id = ? AND organisation_id = ? GROUP BY payment_method, card_payment
		ORDER BY card_payment DESC, orders DESC, payment_method LIMIT 100`, caseID, p.OrgID()).Scan(&out).Error
	return out, err
}
