// Package oversight answers the platform operator's questions across
// organisations: which merchants have open incidents, and where deadlines
// have been missed. Only operators may ask; everyone else gets ErrNotFound,
// as for any resource they may not see.
package oversight

import (
	"context"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

// OrgSummary is an organisation with the counts an operator watches.
type OrgSummary struct {
	auth.Organisation `gorm:"embedded"`
	// OpenCases counts the cases not closed (nor voided).
	OpenCases int64
	// OverdueObligations counts the open obligations of open cases whose
	// deadline (due, else target) has passed: the same rule the
	// dashboard uses to mark a deadline overdue.
	OverdueObligations int64
}

// Organisations lists every organisation by name with its counts at now,
// in one query: each count is aggregated once per organisation and
// joined, rather than counted per row.
func Organisations(ctx context.Context, st *store.Store, p *auth.Principal, now time.Time) ([]OrgSummary, error) {
	if p == nil || !p.User.IsOperator {
		return nil, apperr.ErrNotFound
	}
	var out []OrgSummary
	err := st.DB.WithContext(ctx).Raw(`SELECT o.*,
			COALESCE(c.open_cases, 0) AS open_cases,
			COALESCE(ob.overdue, 0) AS overdue_obligations
		FROM organisations o
		LEFT JOIN (SELECT organisation_id, count(*) AS open_cases
			FROM cases WHERE closed_at IS NULL AND voided_at IS NULL GROUP BY organisation_id) c ON c.organisation_id = o.id
		LEFT JOIN (SELECT ob.organisation_id, count(*) AS overdue
			FROM obligations ob JOIN cases cs ON cs.id = ob.case_id AND cs.organisation_id = ob.organisation_id
			WHERE cs.closed_at IS NULL AND cs.voided_at IS NULL AND NOT cs.drill AND ob.applicable AND ob.status IN ('pending', 'drafted', 'approved')
				AND COALESCE(ob.due_at, ob.target_at) < ?
			GROUP BY ob.organisation_id) ob ON ob.organisation_id = o.id
		ORDER BY o.name, o.id`, now).Scan(&out).Error
	return out, err
}
