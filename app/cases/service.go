package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
	"github.com/breachdesk/breachdesk/app/webhooks"
)

// Obligations is what the case service needs from the obligations
// bookkeeping (assessment.Deadlines, which depends on this package).
type Obligations interface {
	// Open lists the rule ids of obligations that still need action.
	Open(ctx context.Context, tx *store.Tx, orgID, caseID int64) ([]string, error)
	// AwareAtChanged recomputes deadlines after the clock start moved.
	AwareAtChanged(ctx context.Context, tx *store.Tx, c Case) error
	// CaseVoided cancels the reminders of a case voided in tx.
	CaseVoided(ctx context.Context, tx *store.Tx, c Case) error
}

// Service manages cases and tasks.
type Service struct {
	st          *store.Store
	obligations Obligations
	now         func() time.Time
}

// NewService returns the case service. obligations is the bookkeeping
// of app/assessment (assessment.Deadlines), made before this service so
// that neither waits for the other. Every argument is required.
func NewService(st *store.Store, clk clock.Clock, obligations Obligations) *Service {
	if st == nil || clk == nil || obligations == nil {
		panic("cases.NewService: the store, clock and obligations bookkeeping are required")
	}
	return &Service{st: st, obligations: obligations, now: clk.Now}
}

// NewCase is the input of Create.
type NewCase struct {
	Title        string     `json:"title" required:"true" maxLength:"200"`
	Summary      string     `json:"summary"`
	AwareAt      time.Time  `json:"aware_at" required:"true" doc:"when the organisation became aware: every legal clock runs from it"`
	OccurredFrom *time.Time `json:"occurred_from"`
	OccurredTo   *time.Time `json:"occurred_to"`
	IncidentType string     `json:"incident_type" enum:"incident_type" required:"true"`
	Playbook     string     `json:"playbook" enum:"playbook" doc:"default jp-card-leak"`
	Severity     string     `json:"severity" enum:"severity" doc:"default high"`
	OwnerID      *int64     `json:"owner_id"`
	// ConfirmOldAwareAt confirms an awareness date so far back that it is
	// asked about (see OldAwareAt).
	ConfirmOldAwareAt bool `json:"confirm_old_aware_at"`
	// Drill opens a tabletop exercise instead of an incident (see
	// DrillClock): aware_at is then the chosen moment the drill's clock
	// starts from, any moment, and DrillSpeed how fast it runs.
	Drill      bool `json:"drill" doc:"a tabletop exercise: never sends to persons, never publishes; fixed at creation"`
	DrillSpeed int  `json:"drill_speed" doc:"for a drill: drill minutes per real minute (1, 60, 360 or 1440)"`
}

// checkShortText refuses card numbers in short, structured fields (the
// caller must not have pasted one), and limits the length.
func checkShortText(v *apperr.ValidationError, field, s string, max int, required bool) {
	switch n := utf8.RuneCountInString(s); {
	case required && n == 0:
		v.Add(field, "validation.required")
	case n > max:
		v.Add(field, "validation.max_chars", max)
	}
	if pan.Contains(s) {
		v.Add(field, "validation.full_pan")
	}
}

func (s *Service) validateTimes(v *apperr.ValidationError, aware time.Time, from, to *time.Time) {
	now := s.now()
	if aware.IsZero() {
		v.Add("aware_at", "validation.time_required")
	} else if aware.After(now.Add(5 * time.Minute)) {
		v.Add("aware_at", "validation.future")
	}
	if from != nil && to != nil && to.Before(*from) {
		v.Add("occurred_to", "validation.occurred_to_before_from")
	}
	if from != nil && from.After(now.Add(5*time.Minute)) {
		v.Add("occurred_from", "validation.future")
	}
}

// Saved is a case as stored by Create or Update.
type Saved struct {
	Case Case
	// MaskedCardNumbers counts the card numbers in the summary that were
	// cut to brand and last four digits, so the caller can say that the
	// stored text differs from what was typed.
	MaskedCardNumbers int
}

// Create opens a case with the next reference number of its organisation
// (INC-YYYY-NNNN) and seeds the playbook's tasks.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in NewCase) (Saved, error) {
	if err := p.Require(auth.ManageCases); err != nil {
		return Saved{}, err
	}
	in.Title, in.Summary = strings.TrimSpace(in.Title), strings.TrimSpace(in.Summary)
	if in.Playbook == "" {
		in.Playbook = "jp-card-leak"
	}
	if in.Severity == "" {
		in.Severity = "high"
	}
	v := &apperr.ValidationError{}
	checkShortText(v, "title", in.Title, 200, true)
	if utf8.RuneCountInString(in.Summary) > 20000 {
		v.Add("summary", "validation.max_chars", 20000)
	}
	checkDrill(v, in)
	if in.Drill {
		checkDrillTimes(v, in)
	} else {
		s.validateTimes(v, in.AwareAt, in.OccurredFrom, in.OccurredTo)
		s.checkOldAwareAt(v, in.AwareAt, in.ConfirmOldAwareAt)
	}
	pb, ok := Playbooks[in.Playbook]
	if !ok {
		v.Add("playbook", "validation.playbook_unknown", in.Playbook)
	}
	if !slices.Contains(IncidentTypes, in.IncidentType) {
		v.Add("incident_type", "validation.one_of", strings.Join(IncidentTypes, ", "))
	}
	if !slices.Contains(Severities, in.Severity) {
		v.Add("severity", "validation.one_of", strings.Join(Severities, ", "))
	}
	if err := v.OrNil(); err != nil {
		return Saved{}, err
	}
	summary, masked := pan.Mask(in.Summary)
	c := Case{OrganisationID: p.OrgID(), Title: in.Title, Summary: summary, AwareAt: in.AwareAt.UTC(), OccurredFrom: utc(in.OccurredFrom), OccurredTo: utc(in.OccurredTo),
		IncidentType: in.IncidentType, Playbook: pb.Key, PlaybookVersion: pb.Version, Phase: PhaseTriage, Severity: in.Severity, OwnerID: in.OwnerID, CreatedBy: &p.User.ID}
	if c.OwnerID == nil {
		c.OwnerID = &p.User.ID
	}
	if in.Drill {
		started := s.now()
		c.Drill, c.DrillSpeed, c.DrillStartedAt = true, in.DrillSpeed, &started
	}
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := s.checkMember(tx, p.OrgID(), c.OwnerID, "owner_id"); err != nil {
			return err
		}
		var err error
		if c.Reference, err = nextReference(tx, c, p.Organisation.Location()); err != nil {
			return err
		}
		if err := tx.DB.Create(&c).Error; err != nil {
			return err
		}
		for i, pt := range pb.Tasks {
			t := Task{OrganisationID: c.OrganisationID, CaseID: c.ID, Phase: pt.Phase, Position: i + 1, Key: pt.Key,
				Title: pt.Title.EN, Description: pt.Detail.EN, Status: "todo"}
			if pt.DueAfter > 0 {
				due := c.AwareAt.Add(pt.DueAfter)
				t.DueAt = &due
			}
			if err := tx.DB.Create(&t).Error; err != nil {
				return err
			}
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "case.create", "timeline.case_opened", c.Reference, pb.Name, pb.Version); err != nil {
			return err
		}
		if err := webhooks.Emit(ctx, tx, c.OrganisationID, webhooks.EventCaseOpened, webhooks.Payload{"case_id": c.ID, "reference": c.Reference,
			"incident_type": c.IncidentType, "aware_at": c.AwareAt, "phase": c.Phase}); err != nil {
			return err
		}
		// The legal clocks start at awareness, before anyone fills in the
		// assessment: compute the provisional obligations now.
		if err := s.obligations.AwareAtChanged(ctx, tx, c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "case.create", TargetType: "case", TargetID: fmt.Sprint(c.ID),
			Details: map[string]any{"reference": c.Reference, "masked_card_numbers": masked, "drill": c.Drill, "drill_speed": c.DrillSpeed}})
	})
	if err != nil {
		return Saved{}, err
	}
	return Saved{Case: c, MaskedCardNumbers: masked}, nil
}

// nextReference numbers a new case per year in the organisation's zone:
// an incident INC-YYYY-NNNN by its year of awareness, a drill
// DRILL-YYYY-NNNN by the year it is held, on a counter of its own, so
// that rehearsals leave no gaps in the incident numbers.
func nextReference(tx *store.Tx, c Case, zone *time.Location) (string, error) {
	prefix, counters, year := "INC", "case_counters", c.AwareAt.In(zone).Year()
	if c.Drill {
		prefix, counters, year = "DRILL", "drill_counters", c.DrillStartedAt.In(zone).Year()
	}
	var n int
	if err := tx.DB.Raw(`INSERT INTO `+counters+` AS k (organisation_id, year, last) VALUES (?, ?, 1)
		ON CONFLICT (organisation_id, year) DO UPDATE SET last = k.last + 1 RETURNING last`, c.OrganisationID, year).Scan(&n).Error; err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%d-%04d", prefix, year, n), nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func (s *Service) checkMember(tx *store.Tx, orgID int64, userID *int64, field string) error {
	if userID == nil {
		return nil
	}
	var n int64
	if err := tx.DB.Raw(`SELECT count(*) FROM memberships WHERE organisation_id = ? AND user_id = ?`, orgID, *userID).Scan(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return apperr.Invalid(field, "validation.not_member")
	}
	return nil
}

// BelongsTo reports whether c is a case of the principal's organisation.
// Reads that take a case the caller has loaded with Get (TasksOf, and the
// other services' …Of methods) check it with this instead of reading the
// case again.
func (c Case) BelongsTo(p *auth.Principal) bool {
	return p.OrgID() != 0 && c.OrganisationID == p.OrgID()
}

// Get returns one case of the principal's organisation.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Case, error) {
	var c Case
	if p.OrgID() == 0 {
		return c, apperr.ErrNotFound
	}
	err := s.st.DB.WithContext(ctx).Where("id = ? AND organisation_id = ?", id, p.OrgID()).Take(&c).Error
	if store.IsNotFound(err) {
		return c, apperr.ErrNotFound
	}
	return c, err
}

// ListFilter selects and pages cases.
type ListFilter struct {
	IncludeClosed bool
	// IncludeVoided lists the cases voided as opened in error too; every
	// list leaves them out otherwise.
	IncludeVoided bool
	Limit         int // default and maximum 1,000
	Offset        int
}

// List returns the organisation's cases, open ones first, newest first.
func (s *Service) List(ctx context.Context, p *auth.Principal, f ListFilter) ([]Case, error) {
	var out []Case
	db := s.st.DB.WithContext(ctx).Where("organisation_id = ?", p.OrgID())
	if !f.IncludeClosed {
		db = db.Where("closed_at IS NULL")
	}
	if !f.IncludeVoided {
		db = db.Where("voided_at IS NULL")
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	err := db.Order("closed_at IS NOT NULL, aware_at DESC, id DESC").Limit(limit).Offset(max(f.Offset, 0)).Find(&out).Error
	return out, err
}

// Count returns how many cases List would page through.
func (s *Service) Count(ctx context.Context, p *auth.Principal, f ListFilter) (int64, error) {
	var n int64
	db := s.st.DB.WithContext(ctx).Model(&Case{}).Where("organisation_id = ?", p.OrgID())
	if !f.IncludeClosed {
		db = db.Where("closed_at IS NULL")
	}
	if !f.IncludeVoided {
		db = db.Where("voided_at IS NULL")
	}
	err := db.Count(&n).Error
	return n, err
}
