package assessment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// Service keeps assessments and obligations.
type Service struct {
	st        *store.Store
	cases     *cases.Service
	deadlines *Deadlines
	now       func() time.Time
	// listedSelect is ObligationList's column list (see listedColumns).
	listedSelect func() (string, error)
}

// NewService returns the service. deadlines must be the bookkeeping the
// case service was given, so that saving facts and opening a case
// compute obligations alike. Every argument is required.
func NewService(st *store.Store, clk clock.Clock, cs *cases.Service, deadlines *Deadlines) *Service {
	if st == nil || clk == nil || cs == nil || deadlines == nil {
		panic("assessment.NewService: the store, clock, case service and deadlines are required")
	}
	s := &Service{st: st, cases: cs, deadlines: deadlines, now: clk.Now}
	s.listedSelect = sync.OnceValues(s.listedColumns)
	return s
}

// ParseFacts reads assessment facts (the facts JSON of the obligations
// CLI without aware_at, which comes from the case) and validates them.
// Errors name the field.
func ParseFacts(body []byte) (obligations.Facts, error) {
	f, err := obligations.ParseFacts(bytes.NewReader(body))
	if err != nil {
		return f, toValidation(err)
	}
	if !f.AwareAt.IsZero() {
		return f, apperr.Invalid("aware_at", "validation.aware_at_from_case")
	}
	if err := f.ValidateAssessment(); err != nil {
		return f, toValidation(err)
	}
	return f, nil
}

func toValidation(err error) error {
	var many obligations.ValidationErrors
	var one obligations.ValidationError
	v := &apperr.ValidationError{}
	switch {
	case errors.As(err, &many):
		for _, e := range many {
			v.Add(e.Field, e.Code, e.Args...)
		}
	case errors.As(err, &one):
		v.Add(one.Field, one.Code, one.Args...)
	default:
		v.Add("facts", "validation.facts.invalid", err.Error())
	}
	return v
}

// Save stores facts as the case's next assessment version and recomputes
// the obligations. It returns the version and what changed.
func (s *Service) Save(ctx context.Context, p *auth.Principal, caseID int64, f obligations.Facts, note string) (Version, []obligations.Change, error) {
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return Version{}, nil, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return Version{}, nil, err
	}
	var v Version
	var changes []obligations.Change
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		v, changes, err = s.SaveInTx(ctx, tx, p, c, f, note)
		return err
	})
	return v, changes, err
}

// SaveInTx is Save inside the caller's transaction, for a change that
// moves the facts together with its own rows (an applied scope replaces
// the affected persons and the counts at once). c is the case as loaded
// with cases.Service.GetWritable; the caller has checked WorkCases.
func (s *Service) SaveInTx(ctx context.Context, tx *store.Tx, p *auth.Principal, c cases.Case, f obligations.Facts, note string) (Version, []obligations.Change, error) {
	if !c.BelongsTo(p) {
		return Version{}, nil, apperr.ErrNotFound
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 2000 {
		return Version{}, nil, apperr.Invalid("note", "validation.max_chars", 2000)
	}
	note, _ = pan.Mask(note)
	f.AwareAt = time.Time{}
	raw, err := json.Marshal(f)
	if err != nil {
		return Version{}, nil, err
	}
	v := Version{OrganisationID: c.OrganisationID, CaseID: c.ID, Facts: stripAwareAt(raw), Note: note, CreatedBy: &p.User.ID}
	var changes []obligations.Change
	err = func() error {
		// Lock the case: two saves at once must not get the same version.
		if err := cases.LockWritable(ctx, tx, c.ID); err != nil {
			return err
		}
		if err := tx.DB.Raw(`SELECT COALESCE(max(version), 0) + 1 FROM assessments WHERE case_id = ?`, c.ID).Scan(&v.Version).Error; err != nil {
			return err
		}
		if err := tx.DB.Create(&v).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "assessment.save", "timeline.assessment_saved", v.Version); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "assessment.save", TargetType: "case", TargetID: fmt.Sprint(c.ID),
			Details: map[string]any{"version": v.Version}}); err != nil {
			return err
		}
		changes, err = s.deadlines.recompute(ctx, tx, c, f, v.Version)
		return err
	}()
	return v, changes, err
}

// stripAwareAt keeps the stored facts free of the case's clock start, so a
// version reads the same whatever the case's aware_at later becomes.
func stripAwareAt(raw []byte) []byte {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	delete(m, "aware_at")
	out, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return out
}

// Current returns the latest assessment version (Version 0 when none yet).
func (s *Service) Current(ctx context.Context, p *auth.Principal, caseID int64) (Version, obligations.Facts, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return Version{}, obligations.Facts{}, err
	}
	return s.deadlines.latest(ctx, s.st.DB.WithContext(ctx), c)
}

// CurrentInTx is Current inside the caller's transaction, for a change
// that reads the facts, changes them and saves them back: read after the
// case is locked, so that no save in between is overwritten.
func (s *Service) CurrentInTx(ctx context.Context, tx *store.Tx, p *auth.Principal, c cases.Case) (Version, obligations.Facts, error) {
	if !c.BelongsTo(p) {
		return Version{}, obligations.Facts{}, apperr.ErrNotFound
	}
	return s.deadlines.latest(ctx, tx.DB.WithContext(ctx), c)
}

// LatestVersion is the case's newest assessment without its facts (zero
// when there is none yet), for pages that only name it.
func (s *Service) LatestVersion(ctx context.Context, p *auth.Principal, caseID int64) (Version, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return Version{}, err
	}
	return s.LatestVersionOf(ctx, p, c)
}

// LatestVersionOf is LatestVersion for a case the caller has loaded with
// cases.Service.Get.
func (s *Service) LatestVersionOf(ctx context.Context, p *auth.Principal, c cases.Case) (Version, error) {
	if !c.BelongsTo(p) {
		return Version{}, apperr.ErrNotFound
	}
	var v Version
	err := newestVersion(s.st.DB.WithContext(ctx).Omit("facts"), c).Find(&v).Error
	return v, err
}

// newestVersion selects c's newest assessment.
func newestVersion(db *gorm.DB, c cases.Case) *gorm.DB {
	return db.Where("case_id = ? AND organisation_id = ?", c.ID, c.OrganisationID).Order("version DESC").Limit(1)
}

// Versions lists every saved assessment of a case, newest first.
func (s *Service) Versions(ctx context.Context, p *auth.Principal, caseID int64) ([]Version, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	var out []Version
	err = s.st.DB.WithContext(ctx).Where("case_id = ? AND organisation_id = ?", c.ID, c.OrganisationID).Order("version DESC").Find(&out).Error
	return out, err
}

// Obligations lists a case's obligations that apply, by deadline.
func (s *Service) Obligations(ctx context.Context, p *auth.Principal, caseID int64) ([]Obligation, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	var out []Obligation
	err = applicable(s.st.DB.WithContext(ctx), c).Find(&out).Error
	return out, err
}

// applicable selects c's obligations that apply, in the order every list
// of them shows: by deadline, then rule.
func applicable(db *gorm.DB, c cases.Case) *gorm.DB {
	return db.Where("case_id = ? AND organisation_id = ? AND applicable", c.ID, c.OrganisationID).
		Order("COALESCE(due_at, target_at) NULLS LAST, rule_id")
}

// ObligationList is Obligations for a list: without the engine's full
// computation (a few kilobytes each of explanation, content items and
// sources that a list does not show), with Listed instead.
func (s *Service) ObligationList(ctx context.Context, p *auth.Principal, caseID int64) ([]Obligation, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	return s.ObligationListOf(ctx, p, c)
}

// ObligationListOf is ObligationList for a case the caller has loaded with
// cases.Service.Get.
func (s *Service) ObligationListOf(ctx context.Context, p *auth.Principal, c cases.Case) ([]Obligation, error) {
	if !c.BelongsTo(p) {
		return nil, apperr.ErrNotFound
	}
	cols, err := s.listedSelect()
	if err != nil {
		return nil, err
	}
	var out []Obligation
	err = applicable(s.st.DB.WithContext(ctx).Select(cols), c).Find(&out).Error
	return out, err
}

// listedColumns lists every column of obligations but computed, and
// Listed built from computed, from the model so a new column is not missed.
func (s *Service) listedColumns() (string, error) {
	names, err := store.Columns(s.st.DB, &Obligation{})
	if err != nil {
		return "", err
	}
	var cols []string
	for _, c := range names {
		if c != "computed" && c != "listed" {
			cols = append(cols, c)
		}
	}
	return strings.Join(cols, ", ") + `, jsonb_build_object('recipient', computed->'recipient') AS listed`, nil
}

// History lists the recomputations of a case, newest first: the latest
// limit of them, or all when limit is 0.
func (s *Service) History(ctx context.Context, p *auth.Principal, caseID int64, limit int) ([]ChangeSet, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	return s.HistoryOf(ctx, p, c, limit)
}

// HistoryOf is History for a case the caller has loaded with
// cases.Service.Get.
func (s *Service) HistoryOf(ctx context.Context, p *auth.Principal, c cases.Case, limit int) ([]ChangeSet, error) {
	if !c.BelongsTo(p) {
		return nil, apperr.ErrNotFound
	}
	var out []ChangeSet
	db := s.st.DB.WithContext(ctx).Where("case_id = ? AND organisation_id = ?", c.ID, c.OrganisationID).Order("id DESC")
	if limit > 0 {
		db = db.Limit(limit)
	}
	err := db.Find(&out).Error
	return out, err
}
