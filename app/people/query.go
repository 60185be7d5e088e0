package people

import (
	"context"
	"strings"

	"github.com/breachdesk/breachdesk/app/auth"
)

// Query selects and pages the persons of a case.
type Query struct {
	// Search matches name, e-mail or customer id (substring, any case).
	Search string `json:"q"`
	Limit  int    `json:"limit"`  // default 50, at most 500
	Offset int    `json:"offset"` // rows to skip
}

// People lists a case's persons in import order, with the total count of
// those matching (for paging).
func (s *Service) People(ctx context.Context, p *auth.Principal, caseID int64, q Query) ([]Person, int64, error) {
	if _, err := s.cases.Get(ctx, p, caseID); err != nil {
		return nil, 0, err
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Limit, q.Offset = min(q.Limit, 500), max(q.Offset, 0)
	db := s.st.DB.WithContext(ctx).Model(&Person{}).Where("case_id = ? AND organisation_id = ?", caseID, p.OrgID())
	if term := strings.TrimSpace(q.Search); term != "" {
		like := "%" + likeEscaper.Replace(term) + "%"
		db = db.Where("(name ILIKE ? OR email ILIKE ? OR customer_id ILIKE ?)", like, like, like)
	}
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	out := []Person{}
	err := db.Order("id").Limit(q.Limit).Offset(q.Offset).Find(&out).Error
	return out, total, err
}

// likeEscaper makes a search term match literally in ILIKE.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
