package scoping

import (
	"context"
	"encoding/json"

	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/auth"
)

// Diff is what applying a run would change against the scope applied
// now. Two persons of the two runs are the same person when they share a
// key (customer id, e-mail key, name+address key): a person whose orders
// changed with the window is still the same person. Added persons share
// no key with any applied person, removed ones none with any person of
// the run; Changed counts persons of the run whose status (confirmed or
// only in the upper bound) differs from their applied counterpart's.
type Diff struct {
	// Against is the applied run; nil when nothing was applied yet (every
	// person is then added).
	Against          *Run     `json:"against"`
	Added            int64    `json:"added"`
	Removed          int64    `json:"removed"`
	Changed          int64    `json:"changed"`
	ConfirmedBefore  int64    `json:"confirmed_before"`
	ConfirmedAfter   int64    `json:"confirmed_after"`
	UpperBoundBefore int64    `json:"upper_bound_before"`
	UpperBoundAfter  int64    `json:"upper_bound_after"`
	AddedPersons     []Person `json:"added_persons"`
	RemovedPersons   []Person `json:"removed_persons"`
}

// diffShown is how many added and removed persons a diff lists.
const diffShown = 100

// Diff compares run runID, which must be done, with the case's applied
// run.
func (s *Service) Diff(ctx context.Context, p *auth.Principal, runID int64) (Diff, error) {
	r, err := s.GetRun(ctx, p, runID)
	if err != nil {
		return Diff{}, err
	}
	if err := requireDone(r); err != nil {
		return Diff{}, err
	}
	c, err := s.cases.Get(ctx, p, r.CaseID)
	if err != nil {
		return Diff{}, err
	}
	db := s.st.DB.WithContext(ctx)
	a, ok, err := appliedRun(db, c)
	if err != nil {
		return Diff{}, err
	}
	d := Diff{ConfirmedAfter: r.PersonsConfirmed, UpperBoundAfter: r.PersonsUpperBound, AddedPersons: []Person{}, RemovedPersons: []Person{}}
	against := int64(0)
	if ok {
		d.Against, against = &a, a.ID
		d.ConfirmedBefore, d.UpperBoundBefore = a.PersonsConfirmed, a.PersonsUpperBound
	}
	if cached, ok := cachedDiff(db, r.ID, against); ok {
		cached.Against = d.Against
		return cached, nil
	}
	const pairs = `WITH pairs AS (SELECT DISTINCT kn.person_no AS n_no, ka.person_no AS a_no
		FROM scope_person_keys kn JOIN scope_person_keys ka ON ka.run_id = @a AND ka.key_hash = kn.key_hash WHERE kn.run_id = @n) `
	args := map[string]any{"a": against, "n": r.ID, "shown": diffShown}
	var counts struct{ Added, Removed, Changed int64 }
	err = db.Raw(pairs+`SELECT
		(SELECT count(*) FROM scope_persons sp WHERE sp.run_id = @n AND NOT EXISTS (SELECT 1 FROM pairs WHERE n_no = sp.person_no)) AS added,
		(SELECT count(*) FROM scope_persons sp WHERE sp.run_id = @a AND NOT EXISTS (SELECT 1 FROM pairs WHERE a_no = sp.person_no)) AS removed,
		(SELECT count(DISTINCT pr.n_no) FROM pairs pr JOIN scope_persons n ON n.run_id = @n AND n.person_no = pr.n_no
			JOIN scope_persons a ON a.run_id = @a AND a.person_no = pr.a_no WHERE n.status <> a.status) AS changed`, args).Scan(&counts).Error
	if err != nil {
		return Diff{}, err
	}
	d.Added, d.Removed, d.Changed = counts.Added, counts.Removed, counts.Changed
	if err := db.Raw(pairs+`SELECT sp.* FROM scope_persons sp WHERE sp.run_id = @n
		AND NOT EXISTS (SELECT 1 FROM pairs WHERE n_no = sp.person_no) ORDER BY sp.person_no LIMIT @shown`, args).Scan(&d.AddedPersons).Error; err != nil {
		return Diff{}, err
	}
	err = db.Raw(pairs+`SELECT sp.* FROM scope_persons sp WHERE sp.run_id = @a
		AND NOT EXISTS (SELECT 1 FROM pairs WHERE a_no = sp.person_no) ORDER BY sp.person_no LIMIT @shown`, args).Scan(&d.RemovedPersons).Error
	if err != nil {
		return Diff{}, err
	}
	keepDiff(db, r.ID, against, d)
	return d, nil
}

// cachedDiff is the comparison of run runID kept when it was last made
// against the applied run against (0: none); both runs' persons never
// change once done, so it stays right while that run is the applied one.
func cachedDiff(db *gorm.DB, runID, against int64) (Diff, bool) {
	var raw []byte
	if db.Raw(`SELECT diff FROM scope_runs WHERE id = ? AND diff_against = ? AND diff IS NOT NULL`, runID, against).Row().Scan(&raw) != nil {
		return Diff{}, false
	}
	var d Diff
	if json.Unmarshal(raw, &d) != nil {
		return Diff{}, false
	}
	return d, true
}

// keepDiff keeps d for cachedDiff; a failure only costs the next view a
// comparison.
func keepDiff(db *gorm.DB, runID, against int64, d Diff) {
	d.Against = nil // read afresh: its applied result may change
	raw, err := json.Marshal(d)
	if err != nil {
		return
	}
	db.Exec(`UPDATE scope_runs SET diff = ?::jsonb, diff_against = ? WHERE id = ?`, string(raw), against, runID)
}
