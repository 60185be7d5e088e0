package cases

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

// The case statuses a search can ask for.
const (
	SearchOpen   = "open"
	SearchClosed = "closed"
	SearchAll    = "all"
	// SearchVoided lists the cases voided as opened in error, which the
	// other statuses leave out.
	SearchVoided = "voided"
)

// maxSearchQuery bounds the text searched for.
const maxSearchQuery = 200

// SearchFilter is a search over the organisation's cases: every field
// given narrows it. The zero filter lists the open cases.
type SearchFilter struct {
	// Query is text found in the title, the reference or the summary.
	Query string
	// Status is SearchOpen (the default), SearchClosed, SearchAll (open
	// and closed) or SearchVoided.
	Status       string
	Phase        string
	Severity     string
	IncidentType string
	OwnerID      int64
	// Overdue keeps the cases with an open report or notice whose
	// deadline has passed.
	Overdue bool
	// AwareFrom and AwareTo bound the awareness time (either may be nil).
	AwareFrom, AwareTo *time.Time
	Limit, Offset      int
}

// Found is a case as a search lists it.
type Found struct {
	Case
	// Overdue: an open obligation of the case is past its deadline.
	Overdue bool `json:"overdue"`
}

// SearchResult is one page of a search, with the number of cases found.
type SearchResult struct {
	Cases []Found `json:"cases"`
	Total int64   `json:"total"`
}

// check validates f, naming the field of each problem.
func (f *SearchFilter) check() error {
	v := &apperr.ValidationError{}
	f.Query = strings.TrimSpace(f.Query)
	if utf8.RuneCountInString(f.Query) > maxSearchQuery {
		v.Add("q", "validation.max_chars", maxSearchQuery)
	}
	if f.Status == "" {
		f.Status = SearchOpen
	}
	if statuses := []string{SearchOpen, SearchClosed, SearchAll, SearchVoided}; !slices.Contains(statuses, f.Status) {
		v.Add("status", "validation.one_of", strings.Join(statuses, ", "))
	}
	if f.Phase != "" && !slices.Contains(Phases, Phase(f.Phase)) {
		v.Add("phase", "validation.one_of", phaseList())
	}
	if f.Severity != "" && !slices.Contains(Severities, f.Severity) {
		v.Add("severity", "validation.one_of", strings.Join(Severities, ", "))
	}
	if f.IncidentType != "" && !slices.Contains(IncidentTypes, f.IncidentType) {
		v.Add("incident_type", "validation.one_of", strings.Join(IncidentTypes, ", "))
	}
	if f.AwareFrom != nil && f.AwareTo != nil && f.AwareTo.Before(*f.AwareFrom) {
		v.Add("aware_to", "validation.to_before_from")
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	f.Offset = max(f.Offset, 0)
	return v.OrNil()
}

func phaseList() string {
	names := make([]string, len(Phases))
	for i, p := range Phases {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}

// Search finds the organisation's cases that match f, open ones first,
// the most recently discovered first.
func (s *Service) Search(ctx context.Context, p *auth.Principal, f SearchFilter) (SearchResult, error) {
	res := SearchResult{Cases: []Found{}}
	if p.OrgID() == 0 {
		return res, apperr.ErrNotFound
	}
	if err := f.check(); err != nil {
		return res, err
	}
	where := []string{"c.organisation_id = @org"}
	args := map[string]any{"org": p.OrgID(), "now": s.now()}
	switch f.Status {
	case SearchOpen:
		where = append(where, "c.closed_at IS NULL", "c.voided_at IS NULL")
	case SearchClosed:
		where = append(where, "c.closed_at IS NOT NULL", "c.voided_at IS NULL")
	case SearchAll:
		where = append(where, "c.voided_at IS NULL")
	case SearchVoided:
		where = append(where, "c.voided_at IS NOT NULL")
	}
	if f.Query != "" {
		where = append(where, `(c.title ILIKE @like OR c.reference ILIKE @like OR c.summary ILIKE @like)`)
		args["like"] = "%" + store.EscapeLike(f.Query) + "%"
	}
	for col, val := range map[string]string{"phase": f.Phase, "severity": f.Severity, "incident_type": f.IncidentType} {
		if val != "" {
			where = append(where, "c."+col+" = @"+col)
			args[col] = val
		}
	}
	if f.OwnerID != 0 {
		where = append(where, "c.owner_id = @owner")
		args["owner"] = f.OwnerID
	}
	if f.AwareFrom != nil {
		where = append(where, "c.aware_at >= @from")
		args["from"] = f.AwareFrom.UTC()
	}
	if f.AwareTo != nil {
		where = append(where, "c.aware_at <= @to")
		args["to"] = f.AwareTo.UTC()
	}
	// The same test as the page's overdue badge: an applicable obligation
	// still open whose deadline (legal, else the organisation's target)
	// has passed, in drill time for a drill.
	overdue := `EXISTS (SELECT 1 FROM obligations o WHERE o.case_id = c.id AND o.applicable
		AND o.status IN ('pending', 'drafted', 'approved') AND COALESCE(o.due_at, o.target_at) < ` + drillNowSQL + `)`
	if f.Overdue {
		where = append(where, overdue)
	}
	cond := strings.Join(where, " AND ")
	db := s.st.DB.WithContext(ctx)
	if err := db.Raw(`SELECT count(*) FROM cases c WHERE `+cond, args).Scan(&res.Total).Error; err != nil {
		return res, err
	}
	args["limit"], args["offset"] = f.Limit, f.Offset
	err := db.Raw(`SELECT c.*, `+overdue+` AS overdue FROM cases c WHERE `+cond+`
		ORDER BY c.closed_at IS NOT NULL, c.aware_at DESC, c.id DESC LIMIT @limit OFFSET @offset`, args).Scan(&res.Cases).Error
	return res, err
}
