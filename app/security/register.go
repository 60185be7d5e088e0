package security

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

// Statuses of a measure in an organisation's register.
const (
	StatusUnassessed    = "unassessed"
	StatusInPlace       = "in_place"
	StatusPartial       = "partial"
	StatusNotInPlace    = "not_in_place"
	StatusNotApplicable = "not_applicable"
)

// Statuses lists the statuses, for forms and validation (the schema's
// CHECK constraint).
var Statuses = []string{StatusUnassessed, StatusInPlace, StatusPartial, StatusNotInPlace, StatusNotApplicable}

// Limits of the register's free text and links (the schema's CHECK
// constraints, and a bound on what one measure may point at).
const (
	maxTextRunes   = 2000
	maxEvidence    = 20
	dateLayout     = "2006-01-02"
	maxChoiceItems = 200
)

// EvidenceRef is an evidence item a measure points at.
type EvidenceRef struct {
	ID            int64  `json:"id"`
	CaseID        int64  `json:"case_id"`
	CaseReference string `json:"case_reference"`
	Filename      string `json:"filename"`
}

// Entry is where one catalogue measure stands in an organisation.
type Entry struct {
	MeasureID string `json:"measure_id"`
	Status    string `json:"status"`
	// Measure is the catalogue's measure (titles, interval, sources).
	Measure Measure `json:"-"`
	// Reason says why the measure does not apply, or the alternative or
	// plan where it is partial or not in place.
	Reason    string        `json:"reason"`
	Note      string        `json:"note"`
	OwnerID   *int64        `json:"owner_id"`
	OwnerName string        `json:"owner_name"`
	Evidence  []EvidenceRef `json:"evidence"`
	// LastChecked and NextReview are dates (YYYY-MM-DD) in the
	// organisation's zone; "" when never set.
	LastChecked      string     `json:"last_checked"`
	NextReview       string     `json:"next_review"`
	CatalogueVersion string     `json:"catalogue_version"`
	UpdatedBy        *int64     `json:"updated_by"`
	UpdatedByName    string     `json:"updated_by_name"`
	UpdatedAt        *time.Time `json:"updated_at"`
	// Overdue: the next review date has passed (today in the
	// organisation's zone).
	Overdue bool `json:"overdue"`
}

// Gap reports whether the entry needs attention: a measure not fully in
// place, never assessed, or whose review is overdue.
func (e Entry) Gap() bool {
	return e.Status == StatusNotInPlace || e.Status == StatusPartial || e.Status == StatusUnassessed || e.Overdue
}

// rank orders the readiness view: the worst first.
func (e Entry) rank() int {
	switch {
	case e.Status == StatusNotInPlace:
		return 0
	case e.Status == StatusPartial:
		return 1
	case e.Status == StatusUnassessed:
		return 2
	case e.Overdue:
		return 3
	case e.Status == StatusInPlace:
		return 4
	}
	return 5
}

// Readiness orders entries for the readiness view: gaps first (not in
// place, partial, unassessed, review overdue), then in place and not
// applicable, each in catalogue order.
func Readiness(entries []Entry) []Entry {
	out := slices.Clone(entries)
	slices.SortStableFunc(out, func(a, b Entry) int { return a.rank() - b.rank() })
	return out
}

// today is the date in the organisation's zone.
func (s *Service) today(p *auth.Principal) string {
	return s.clk.Now().In(p.Organisation.Location()).Format(dateLayout)
}

// registerRow is one stored row as the queries read it.
type registerRow struct {
	MeasureID        string
	Status           string
	Reason           string
	Note             string
	OwnerID          *int64
	OwnerName        string
	LastChecked      string
	NextReview       string
	CatalogueVersion string
	UpdatedBy        *int64
	UpdatedByName    string
	UpdatedAt        *time.Time
}

const registerSelect = `SELECT m.measure_id, m.status, m.reason, m.note, m.owner_id,
		COALESCE(NULLIF(u.name, ''), u.email, '') AS owner_name,
		COALESCE(to_char(m.last_checked_on, 'YYYY-MM-DD'), '') AS last_checked,
		COALESCE(to_char(m.next_review_on, 'YYYY-MM-DD'), '') AS next_review,
		m.catalogue_version, m.updated_by, COALESCE(NULLIF(ub.name, ''), ub.email, '') AS updated_by_name, m.updated_at
	FROM security_measures m
	LEFT JOIN users u ON u.id = m.owner_id
	LEFT JOIN users ub ON ub.id = m.updated_by`

// Register returns one entry per catalogue measure for the principal's
// organisation, unassessed where nothing was recorded, in catalogue
// order. Every member may read it.
func (s *Service) Register(ctx context.Context, p *auth.Principal) ([]Entry, error) {
	if p == nil || p.OrgID() == 0 {
		return nil, apperr.ErrNotFound
	}
	return s.register(s.st.DB.WithContext(ctx), p.OrgID(), s.today(p))
}

// register reads organisation orgID's register through db at today.
func (s *Service) register(db *gorm.DB, orgID int64, today string) ([]Entry, error) {
	var rows []registerRow
	if err := db.Raw(registerSelect+` WHERE m.organisation_id = ?`, orgID).Scan(&rows).Error; err != nil {
		return nil, err
	}
	var refs []struct {
		MeasureID string
		EvidenceRef
	}
	if err := db.Raw(`SELECT l.measure_id, e.id, e.case_id, c.reference AS case_reference, e.filename
		FROM security_measure_evidence l
		JOIN evidence e ON e.organisation_id = l.organisation_id AND e.id = l.evidence_id
		JOIN cases c ON c.id = e.case_id AND c.organisation_id = e.organisation_id
		WHERE l.organisation_id = ? ORDER BY e.id`, orgID).Scan(&refs).Error; err != nil {
		return nil, err
	}
	stored := make(map[string]registerRow, len(rows))
	for _, r := range rows {
		stored[r.MeasureID] = r
	}
	evidence := map[string][]EvidenceRef{}
	for _, r := range refs {
		evidence[r.MeasureID] = append(evidence[r.MeasureID], r.EvidenceRef)
	}
	out := make([]Entry, 0, len(catalogue.Measures))
	for _, m := range catalogue.Measures {
		e := Entry{MeasureID: m.ID, Status: StatusUnassessed, Measure: m}
		if r, ok := stored[m.ID]; ok {
			e.Status, e.Reason, e.Note, e.OwnerID, e.OwnerName = r.Status, r.Reason, r.Note, r.OwnerID, r.OwnerName
			e.LastChecked, e.NextReview, e.CatalogueVersion = r.LastChecked, r.NextReview, r.CatalogueVersion
			e.UpdatedBy, e.UpdatedByName, e.UpdatedAt = r.UpdatedBy, r.UpdatedByName, r.UpdatedAt
			e.Evidence = evidence[m.ID]
			e.Overdue = e.NextReview != "" && e.NextReview < today
		}
		out = append(out, e)
	}
	return out, nil
}

// Update is what a person sets for one measure.
type Update struct {
	MeasureID string
	Status    string
	Reason    string
	Note      string
	// OwnerID is a member of the organisation, or 0 for none.
	OwnerID int64
	// EvidenceIDs are items of the organisation's evidence register.
	EvidenceIDs []int64
	// LastChecked and NextReview are dates (YYYY-MM-DD); empty takes
	// today and the measure's review interval from it.
	LastChecked string
	NextReview  string
}

// SetMeasure records where one measure stands, replacing what was there,
// audited with what changed. It needs auth.WorkCases: the people who run
// the shop's systems keep the register.
func (s *Service) SetMeasure(ctx context.Context, p *auth.Principal, in Update) (Entry, error) {
	if p == nil || p.OrgID() == 0 {
		return Entry{}, apperr.ErrNotFound
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return Entry{}, err
	}
	in, err := s.validate(ctx, p, in)
	if err != nil {
		return Entry{}, err
	}
	orgID, now := p.OrgID(), s.clk.Now()
	var owner any
	if in.OwnerID != 0 {
		owner = in.OwnerID
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		var before []registerRow
		if err := tx.DB.Raw(`SELECT status, COALESCE(to_char(next_review_on, 'YYYY-MM-DD'), '') AS next_review
			FROM security_measures WHERE organisation_id = ? AND measure_id = ? FOR UPDATE`, orgID, in.MeasureID).Scan(&before).Error; err != nil {
			return err
		}
		prev := StatusUnassessed
		if len(before) > 0 {
			prev = before[0].Status
		}
		if err := tx.DB.Exec(`INSERT INTO security_measures (organisation_id, measure_id, status, reason, note, owner_id,
				last_checked_on, next_review_on, catalogue_version, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, '')::date, NULLIF(?, '')::date, ?, ?, ?)
			ON CONFLICT (organisation_id, measure_id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason,
				note = EXCLUDED.note, owner_id = EXCLUDED.owner_id, last_checked_on = EXCLUDED.last_checked_on,
				next_review_on = EXCLUDED.next_review_on, catalogue_version = EXCLUDED.catalogue_version,
				updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
			orgID, in.MeasureID, in.Status, in.Reason, in.Note, owner, in.LastChecked, in.NextReview,
			CatalogueVersion, p.User.ID, now).Error; err != nil {
			return err
		}
		if err := tx.DB.Exec(`DELETE FROM security_measure_evidence WHERE organisation_id = ? AND measure_id = ?`, orgID, in.MeasureID).Error; err != nil {
			return err
		}
		for _, id := range in.EvidenceIDs {
			if err := tx.DB.Exec(`INSERT INTO security_measure_evidence (organisation_id, measure_id, evidence_id) VALUES (?, ?, ?)`,
				orgID, in.MeasureID, id).Error; err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: orgID, Action: "security.measure.update", TargetType: "security_measure", TargetID: in.MeasureID,
			Details: map[string]any{"status": in.Status, "previous_status": prev, "owner_id": owner, "evidence_ids": in.EvidenceIDs,
				"last_checked_on": in.LastChecked, "next_review_on": in.NextReview, "catalogue_version": CatalogueVersion,
				"reason_given": in.Reason != "", "note_given": in.Note != ""}})
	})
	if err != nil {
		return Entry{}, err
	}
	entries, err := s.Register(ctx, p)
	if err != nil {
		return Entry{}, err
	}
	for _, e := range entries {
		if e.MeasureID == in.MeasureID {
			return e, nil
		}
	}
	return Entry{}, apperr.ErrNotFound
}

// validate checks in and fills the defaults; every problem is reported
// at once, each naming its field.
func (s *Service) validate(ctx context.Context, p *auth.Principal, in Update) (Update, error) {
	v := &apperr.ValidationError{}
	in.MeasureID = strings.TrimSpace(in.MeasureID)
	m, ok := MeasureByID(in.MeasureID)
	if !ok {
		v.Add("measure_id", "validation.unknown_measure")
	}
	if !slices.Contains(Statuses, in.Status) {
		v.Add("status", "validation.one_of", strings.Join(Statuses, ", "))
	}
	in.Reason, in.Note = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Note)
	if in.Status == StatusNotApplicable && in.Reason == "" {
		v.Add("reason", "validation.reason_for_not_applicable")
	}
	for field, text := range map[string]string{"reason": in.Reason, "note": in.Note} {
		if utf8.RuneCountInString(text) > maxTextRunes {
			v.Add(field, "validation.max_chars", maxTextRunes)
		}
	}
	today := s.today(p)
	last, lastOK := parseDate(in.LastChecked)
	switch {
	case strings.TrimSpace(in.LastChecked) == "":
		in.LastChecked = ""
		if in.Status != StatusUnassessed {
			in.LastChecked = today
			last, lastOK = parseDate(today)
		}
	case !lastOK:
		v.Add("last_checked", "validation.date")
	case last.Format(dateLayout) > today:
		v.Add("last_checked", "validation.future")
	default:
		in.LastChecked = last.Format(dateLayout)
	}
	next, nextOK := parseDate(in.NextReview)
	switch {
	case strings.TrimSpace(in.NextReview) == "":
		in.NextReview = ""
		if lastOK && ok && in.LastChecked != "" {
			in.NextReview = last.AddDate(0, m.ReviewMonths, 0).Format(dateLayout)
		}
	case !nextOK:
		v.Add("next_review", "validation.date")
	case lastOK && in.LastChecked != "" && next.Before(last):
		v.Add("next_review", "validation.review_before_checked")
	default:
		in.NextReview = next.Format(dateLayout)
	}
	if in.OwnerID < 0 {
		v.Add("owner_id", "validation.not_member")
	} else if in.OwnerID > 0 {
		var n int64
		if err := s.st.DB.WithContext(ctx).Raw(`SELECT count(*) FROM memberships WHERE user_id = ? AND organisation_id = ?`, in.OwnerID, p.OrgID()).Scan(&n).Error; err != nil {
			return in, err
		}
		if n == 0 {
			v.Add("owner_id", "validation.not_member")
		}
	}
	if err := s.checkEvidence(ctx, p, &in, v); err != nil {
		return in, err
	}
	return in, v.OrNil()
}

// checkEvidence keeps each evidence id once and refuses ids that are not
// items of the principal's organisation (another tenant's id reads as
// unknown, revealing nothing).
func (s *Service) checkEvidence(ctx context.Context, p *auth.Principal, in *Update, v *apperr.ValidationError) error {
	ids := slices.Compact(slices.Sorted(slices.Values(in.EvidenceIDs)))
	in.EvidenceIDs = ids
	if len(ids) > maxEvidence {
		v.Add("evidence_ids", "validation.too_many_evidence", maxEvidence)
		return nil
	}
	if len(ids) == 0 {
		return nil
	}
	var found []int64
	if err := s.st.DB.WithContext(ctx).Raw(`SELECT id FROM evidence WHERE organisation_id = ? AND id IN ?`, p.OrgID(), ids).Scan(&found).Error; err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.Contains(found, id) {
			v.Add("evidence_ids", "validation.evidence_unknown", id)
			return nil
		}
	}
	return nil
}

// parseDate reads a YYYY-MM-DD date; years outside 1900–2200 are refused
// as the store refuses them.
func parseDate(s string) (time.Time, bool) {
	t, err := time.Parse(dateLayout, strings.TrimSpace(s))
	if err != nil || t.Year() < 1900 || t.Year() > 2200 {
		return time.Time{}, false
	}
	return t, true
}

// Member is someone who may own a measure.
type Member struct {
	ID   int64
	Name string
}

// Members lists the organisation's members, for the owner field.
func (s *Service) Members(ctx context.Context, p *auth.Principal) ([]Member, error) {
	if p == nil || p.OrgID() == 0 {
		return nil, apperr.ErrNotFound
	}
	var out []Member
	err := s.st.DB.WithContext(ctx).Raw(`SELECT u.id, COALESCE(NULLIF(u.name, ''), u.email) AS name
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.organisation_id = ? AND u.disabled_at IS NULL ORDER BY name, u.id LIMIT ?`, p.OrgID(), maxChoiceItems).Scan(&out).Error
	return out, err
}

// EvidenceChoices lists the organisation's newest evidence items (of any
// case), for the evidence field.
func (s *Service) EvidenceChoices(ctx context.Context, p *auth.Principal) ([]EvidenceRef, error) {
	if p == nil || p.OrgID() == 0 {
		return nil, apperr.ErrNotFound
	}
	var out []EvidenceRef
	err := s.st.DB.WithContext(ctx).Raw(`SELECT e.id, e.case_id, c.reference AS case_reference, e.filename
		FROM evidence e JOIN cases c ON c.id = e.case_id AND c.organisation_id = e.organisation_id
		WHERE e.organisation_id = ? ORDER BY e.id DESC LIMIT ?`, p.OrgID(), maxChoiceItems).Scan(&out).Error
	return out, err
}

// String is the reference as a page or export shows it.
func (r EvidenceRef) String() string {
	return fmt.Sprintf("%s #%d %s", r.CaseReference, r.ID, r.Filename)
}
