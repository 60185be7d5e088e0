package people

import "context"

// SearchCondition is the condition a search for term runs (the
// benchmark times it as plain SQL next to its baseline).
func SearchCondition(ctx context.Context, s *Service, orgID, caseID int64, term string) (string, []any, error) {
	return s.searchCondition(ctx, orgID, caseID, term)
}
