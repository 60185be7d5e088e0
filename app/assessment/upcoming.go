package assessment

import (
	"context"
	"time"

	"github.com/breachdesk/breachdesk/app/auth"
)

// Upcoming is an open obligation with its case, for the dashboard.
type Upcoming struct {
	Obligation
	Reference string
	CaseTitle string
}

// Deadline is when the obligation should be met (due, else target).
func (u Upcoming) Deadline() *time.Time { return u.Obligation.Deadline() }

// UpcomingDeadlines lists the organisation's open obligations on open
// cases (not voided, not drills, whose deadlines are in drill time),
// overdue ones first, then by deadline.
func (s *Service) UpcomingDeadlines(ctx context.Context, p *auth.Principal, limit int) ([]Upcoming, error) {
	var out []Upcoming
	err := s.st.DB.WithContext(ctx).Raw(`SELECT o.*, c.reference, c.title AS case_title
		FROM obligations o JOIN cases c ON c.id = o.case_id
		WHERE o.organisation_id = ? AND c.closed_at IS NULL AND c.voided_at IS NULL AND NOT c.drill AND o.applicable AND o.status IN ('pending', 'drafted', 'approved')
		ORDER BY COALESCE(o.due_at, o.target_at) NULLS LAST, o.id LIMIT ?`, p.OrgID(), limit).Scan(&out).Error
	return out, err
}
