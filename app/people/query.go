package people

import (
	"context"
	"fmt"
	"strings"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

// Query selects and pages the persons of a case.
type Query struct {
	// Search finds persons by name, reading, phone number, postal code,
	// address, e-mail or customer id, however typed (see search.go).
	Search string `json:"q"`
	Limit  int    `json:"limit"`  // default 50, at most MaxPage
	Offset int    `json:"offset"` // rows to skip
}

// MaxPage is the most persons one call returns.
const MaxPage = 1000 // as every API list (listQuery)

// People lists a case's persons in import order, with the total count of
// those matching (for paging). Every call is audited with what it returned:
// reading affected persons' details in bulk is an export of personal data,
// whether through the page or the API, and paging through the list shows
// in the log page by page. A limit above MaxPage is refused, not quietly
// cut, so a client asking for everything learns that it must page.
func (s *Service) People(ctx context.Context, p *auth.Principal, caseID int64, q Query) ([]Person, int64, error) {
	if _, err := s.cases.Get(ctx, p, caseID); err != nil {
		return nil, 0, err
	}
	if q.Limit == 0 {
		q.Limit = 50
	}
	v := &apperr.ValidationError{}
	if q.Limit < 1 || q.Limit > MaxPage {
		v.Add("limit", "validation.page_limit", MaxPage)
	}
	if q.Offset < 0 {
		v.Add("offset", "validation.not_negative")
	}
	if err := v.OrNil(); err != nil {
		return nil, 0, err
	}
	db := s.st.DB.WithContext(ctx).Model(&Person{}).Where("case_id = ? AND organisation_id = ?", caseID, p.OrgID())
	term := strings.TrimSpace(q.Search)
	cond, args, err := s.searchCondition(ctx, p.OrgID(), caseID, term)
	if err != nil {
		return nil, 0, err
	}
	if cond != "" {
		db = db.Where(cond, args...)
	}
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	out := []Person{}
	if err := db.Order("id").Limit(q.Limit).Offset(q.Offset).Find(&out).Error; err != nil {
		return nil, 0, err
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "people.read", TargetType: "case", TargetID: fmt.Sprint(caseID),
			Details: map[string]any{"offset": q.Offset, "returned": len(out), "matching": total, "searched": term != ""}})
	})
	return out, total, err
}
