package inquiries

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/pdf"

	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// clockSkew tolerates a client clock slightly ahead of ours when a
// received time is checked for being in the future.
const clockSkew = 5 * time.Minute

// Service keeps the inquiry log and the FAQ of each case.
type Service struct {
	st       *store.Store
	cases    *cases.Service
	as       *assessment.Service
	renderer *pdf.Renderer
	now      func() time.Time
}

// NewService returns the service. The renderer makes the FAQ sheet's
// PDF. Every argument is required.
func NewService(st *store.Store, clk clock.Clock, cs *cases.Service, as *assessment.Service, r *pdf.Renderer) *Service {
	if st == nil || clk == nil || cs == nil || as == nil || r == nil {
		panic("inquiries.NewService: the store, clock, case and assessment services and the renderer are required")
	}
	return &Service{st: st, cases: cs, as: as, renderer: r, now: clk.Now}
}

// Input is what staff record about an inquiry.
type Input struct {
	// ReceivedAt is when the call or message came in; zero means now.
	ReceivedAt    time.Time `json:"received_at"`
	Channel       string    `json:"channel" enum:"inquiry_channel" doc:"phone when left out"`
	CallerName    string    `json:"caller_name" maxLength:"200"`
	CallerContact string    `json:"caller_contact" maxLength:"200" doc:"an e-mail address or phone number; match looks it up"`
	Affected      string    `json:"affected" enum:"inquiry_affected" doc:"is the caller among the affected persons; unknown when left out"`
	Question      string    `json:"question" required:"true" maxLength:"5000"`
	Answer        string    `json:"answer" maxLength:"5000" doc:"the answer given; one given on the spot marks the inquiry answered"`
	Category      string    `json:"category" enum:"inquiry_category" doc:"other when left out"`
	// TakenBy names the operator (often an outsourced desk with no login);
	// empty means the user recording it.
	TakenBy string `json:"taken_by" maxLength:"200" doc:"the operator; the caller's own name when left out"`
	// Match looks the caller up in the case's affected persons by
	// caller_contact and Lookup, and links the one person found.
	Match bool `json:"match" doc:"link the caller to the one affected person found by caller_contact or lookup"`
	// Lookup is an extra key for Match (a customer id the caller gave);
	// it is not stored.
	Lookup string `json:"lookup" doc:"another key for match (e-mail, phone, customer id); not stored"`
}

// Saved is an inquiry as stored by Create, Update or Answer.
type Saved struct {
	Inquiry Inquiry
	// MaskedCardNumbers counts the card numbers in the text fields that
	// were cut to brand and last four digits, so the caller can say that
	// the stored text differs from what was typed.
	MaskedCardNumbers int
}

// Create logs an inquiry. An answer given on the spot marks it answered.
func (s *Service) Create(ctx context.Context, p *auth.Principal, caseID int64, in Input) (Saved, error) {
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return Saved{}, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return Saved{}, err
	}
	now := s.now()
	m := &masker{}
	it := Inquiry{OrganisationID: c.OrganisationID, CaseID: c.ID, ReceivedAt: in.ReceivedAt.UTC(), Channel: or(strings.TrimSpace(in.Channel), "phone"),
		CallerName: m.text(in.CallerName), CallerContact: m.text(in.CallerContact), Affected: or(strings.TrimSpace(in.Affected), AffectedUnknown),
		Question: m.text(in.Question), Answer: m.text(in.Answer), Status: StatusOpen, Category: or(strings.TrimSpace(in.Category), "other"),
		TakenBy: m.text(in.TakenBy), CreatedBy: &p.User.ID}
	if in.ReceivedAt.IsZero() {
		it.ReceivedAt = now
	}
	if it.TakenBy == "" {
		it.TakenBy = or(strings.TrimSpace(p.User.Name), p.User.Email)
	}
	if it.Answer != "" {
		it.Status, it.AnsweredAt = StatusAnswered, &now
	}
	v := &apperr.ValidationError{}
	s.validate(v, &it)
	if err := v.OrNil(); err != nil {
		return Saved{}, err
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if in.Match {
			if err := s.autoMatch(ctx, tx, &it, in.CallerContact, in.Lookup); err != nil {
				return err
			}
		}
		var before int64
		if err := tx.DB.Model(&Inquiry{}).Where("case_id = ?", c.ID).Count(&before).Error; err != nil {
			return err
		}
		if err := tx.DB.Create(&it).Error; err != nil {
			return err
		}
		// One entry per call would bury the case's timeline (and every
		// document built from it) once the desk takes hundreds a day; the
		// start of the call centre is the event worth showing. Each
		// inquiry is in the audit log.
		if before == 0 {
			if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "inquiry.first", "timeline.first_inquiry"); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "inquiry.create", TargetType: "inquiry", TargetID: fmt.Sprint(it.ID),
			Details: map[string]any{"case_id": c.ID, "channel": it.Channel, "category": it.Category, "affected": it.Affected, "status": it.Status,
				"person_id": it.PersonID, "masked_card_numbers": m.n}})
	})
	if err != nil {
		return Saved{}, err
	}
	return Saved{Inquiry: it, MaskedCardNumbers: m.n}, nil
}

// validate checks an inquiry as it will be stored (already masked).
func (s *Service) validate(v *apperr.ValidationError, it *Inquiry) {
	if it.ReceivedAt.After(s.now().Add(clockSkew)) {
		v.Add("received_at", "validation.future")
	}
	checkOneOf(v, "channel", it.Channel, Channels)
	checkOneOf(v, "affected", it.Affected, AffectedValues)
	checkOneOf(v, "category", it.Category, Categories)
	checkOneOf(v, "status", it.Status, Statuses)
	checkLen(v, "caller_name", it.CallerName, maxShort, false)
	checkLen(v, "caller_contact", it.CallerContact, maxShort, false)
	checkLen(v, "taken_by", it.TakenBy, maxShort, false)
	checkLen(v, "question", it.Question, maxQuestion, true)
	checkLen(v, "answer", it.Answer, maxAnswer, false)
	if it.Status == StatusAnswered && it.Answer == "" {
		v.Add("answer", "validation.answer_required")
	}
}

// Get returns one inquiry of the principal's organisation.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Inquiry, error) {
	var it Inquiry
	if p.OrgID() == 0 {
		return it, apperr.ErrNotFound
	}
	err := s.st.DB.WithContext(ctx).Where("id = ? AND organisation_id = ?", id, p.OrgID()).Take(&it).Error
	if store.IsNotFound(err) {
		return it, apperr.ErrNotFound
	}
	return it, err
}

// Patch changes some fields of an inquiry; nil leaves a field as it is.
type Patch struct {
	ReceivedAt    *time.Time `json:"received_at"`
	Channel       *string    `json:"channel" enum:"inquiry_channel"`
	CallerName    *string    `json:"caller_name" maxLength:"200"`
	CallerContact *string    `json:"caller_contact" maxLength:"200"`
	Affected      *string    `json:"affected" enum:"inquiry_affected" doc:"anything but yes removes the link to an affected person"`
	Question      *string    `json:"question" maxLength:"5000"`
	Answer        *string    `json:"answer" maxLength:"5000"`
	Category      *string    `json:"category" enum:"inquiry_category"`
	TakenBy       *string    `json:"taken_by" maxLength:"200"`
	// Status "answered" needs an answer; "open" reopens an answered one.
	// Without it, giving an answer to an open inquiry marks it answered.
	Status *string `json:"status" enum:"inquiry_status" doc:"answered needs an answer; open reopens an answered inquiry"`
}

// Update changes an inquiry. Setting affected to anything but "yes"
// unlinks the matched person, since the link is what "yes" rests on.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, pt Patch) (Saved, error) {
	it, err := s.Get(ctx, p, id)
	if err != nil {
		return Saved{}, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return Saved{}, err
	}
	m := &masker{}
	set := func(dst *string, src *string, mask bool) {
		switch {
		case src == nil:
		case mask:
			*dst = m.text(*src)
		default:
			*dst = strings.TrimSpace(*src)
		}
	}
	if pt.ReceivedAt != nil {
		it.ReceivedAt = pt.ReceivedAt.UTC()
	}
	set(&it.Channel, pt.Channel, false)
	set(&it.CallerName, pt.CallerName, true)
	set(&it.CallerContact, pt.CallerContact, true)
	set(&it.Affected, pt.Affected, false)
	set(&it.Question, pt.Question, true)
	set(&it.Answer, pt.Answer, true)
	set(&it.Category, pt.Category, false)
	set(&it.TakenBy, pt.TakenBy, true)
	wasAnswered := it.Status == StatusAnswered
	switch {
	case pt.Status != nil:
		it.Status = strings.TrimSpace(*pt.Status)
	case pt.Answer != nil && it.Answer != "":
		it.Status = StatusAnswered
	}
	now := s.now()
	if it.Status == StatusAnswered && !wasAnswered {
		it.AnsweredAt = &now
	}
	if it.Status == StatusOpen {
		it.AnsweredAt = nil
	}
	if it.Affected != AffectedYes {
		it.PersonID = nil
	}
	v := &apperr.ValidationError{}
	s.validate(v, &it)
	if err := v.OrNil(); err != nil {
		return Saved{}, err
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := cases.LockWritable(ctx, tx, it.CaseID); err != nil {
			return err
		}
		it.UpdatedAt = now
		err := tx.DB.Model(&Inquiry{}).Where("id = ? AND organisation_id = ?", it.ID, it.OrganisationID).Updates(map[string]any{
			"received_at": it.ReceivedAt, "channel": it.Channel, "caller_name": it.CallerName, "caller_contact": it.CallerContact,
			"person_id": it.PersonID, "affected": it.Affected, "question": it.Question, "answer": it.Answer, "status": it.Status,
			"category": it.Category, "taken_by": it.TakenBy, "answered_at": it.AnsweredAt, "updated_at": now}).Error
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: it.OrganisationID, Action: "inquiry.update", TargetType: "inquiry", TargetID: fmt.Sprint(it.ID),
			Details: map[string]any{"case_id": it.CaseID, "status": it.Status, "affected": it.Affected, "category": it.Category, "person_id": it.PersonID, "masked_card_numbers": m.n}})
	})
	if err != nil {
		return Saved{}, err
	}
	return Saved{Inquiry: it, MaskedCardNumbers: m.n}, nil
}

// Answer records the answer given to an inquiry and marks it answered.
func (s *Service) Answer(ctx context.Context, p *auth.Principal, id int64, answer string) (Saved, error) {
	st := StatusAnswered
	return s.Update(ctx, p, id, Patch{Answer: &answer, Status: &st})
}

// Filter selects and pages a case's inquiries.
type Filter struct {
	Status   string `json:"status"`   // "" = any
	Affected string `json:"affected"` // "" = any
	Category string `json:"category"` // "" = any
	Limit    int    `json:"limit"`    // default 100, at most 1,000
	Offset   int    `json:"offset"`
}

// List returns a case's inquiries, newest first, with the number that
// match the filter (for paging).
func (s *Service) List(ctx context.Context, p *auth.Principal, caseID int64, f Filter) ([]Inquiry, int64, error) {
	if _, err := s.cases.Get(ctx, p, caseID); err != nil {
		return nil, 0, err
	}
	v := &apperr.ValidationError{}
	if f.Status != "" {
		checkOneOf(v, "status", f.Status, Statuses)
	}
	if f.Affected != "" {
		checkOneOf(v, "affected", f.Affected, AffectedValues)
	}
	if f.Category != "" {
		checkOneOf(v, "category", f.Category, Categories)
	}
	if err := v.OrNil(); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	f.Limit, f.Offset = min(f.Limit, 1000), max(f.Offset, 0)
	db := s.filtered(ctx, p, caseID, f)
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	out := []Inquiry{}
	err := db.Order("received_at DESC, id DESC").Limit(f.Limit).Offset(f.Offset).Find(&out).Error
	return out, total, err
}

// filtered is the query of a case's inquiries that match f.
func (s *Service) filtered(ctx context.Context, p *auth.Principal, caseID int64, f Filter) *gorm.DB {
	db := s.st.DB.WithContext(ctx).Model(&Inquiry{}).Where("case_id = ? AND organisation_id = ?", caseID, p.OrgID())
	if f.Status != "" {
		db = db.Where("status = ?", f.Status)
	}
	if f.Affected != "" {
		db = db.Where("affected = ?", f.Affected)
	}
	if f.Category != "" {
		db = db.Where("category = ?", f.Category)
	}
	return db
}

// Counts summarises a case's inquiries.
func (s *Service) Counts(ctx context.Context, p *auth.Principal, caseID int64) (Counts, error) {
	cs, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return Counts{}, err
	}
	return s.CountsOf(ctx, p, cs)
}

// CountsOf is Counts for a case the caller has loaded with
// cases.Service.Get.
func (s *Service) CountsOf(ctx context.Context, p *auth.Principal, cs cases.Case) (Counts, error) {
	var c Counts
	if !cs.BelongsTo(p) {
		return c, apperr.ErrNotFound
	}
	caseID := cs.ID
	// Scanned into a flat struct: GORM would read Counts' slice as a relation.
	var row struct{ Total, Open, Answered, Affected, NotAffected, Unknown int64 }
	db := s.st.DB.WithContext(ctx)
	err := db.Raw(`SELECT count(*) AS total,
		count(*) FILTER (WHERE status = 'open') AS open,
		count(*) FILTER (WHERE status = 'answered') AS answered,
		count(*) FILTER (WHERE affected = 'yes') AS affected,
		count(*) FILTER (WHERE affected = 'no') AS not_affected,
		count(*) FILTER (WHERE affected = 'unknown') AS unknown
		FROM inquiries WHERE case_id = ? AND organisation_id = ?`, caseID, p.OrgID()).Scan(&row).Error
	if err != nil {
		return c, err
	}
	c = Counts{Total: row.Total, Open: row.Open, Answered: row.Answered, Affected: row.Affected, NotAffected: row.NotAffected, Unknown: row.Unknown}
	c.ByCategory = []CategoryCount{}
	if c.Total == 0 {
		return c, nil // no inquiries, no categories: spare the query
	}
	err = db.Raw(`SELECT category, count(*) AS count FROM inquiries WHERE case_id = ? AND organisation_id = ?
		GROUP BY category ORDER BY count(*) DESC, category`, caseID, p.OrgID()).Scan(&c.ByCategory).Error
	return c, err
}
