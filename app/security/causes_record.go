package security

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// Limits of a recorded cause (the schema's CHECK constraints).
const (
	maxCauseDescription = 5000
	maxCauseSource      = 300
	// maxCausesPerCase bounds a case's findings: the taxonomy has ten
	// codes, and "other" may be written several times.
	maxCausesPerCase = 50
)

// CaseCause is a root cause recorded on a case: a code of the taxonomy,
// the forensic finding in words and where it comes from.
type CaseCause struct {
	ID             int64  `json:"id"`
	OrganisationID int64  `json:"-"`
	CaseID         int64  `json:"case_id"`
	Code           string `json:"code"`
	// Description is the finding, as the forensic report states it.
	Description string `json:"description"`
	// Source says who found it (the PFI's final report, our own review).
	Source    string    `json:"source"`
	CreatedBy *int64    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName is the causes table.
func (CaseCause) TableName() string { return "case_causes" }

// Label names the cause in both languages (the code itself for one the
// taxonomy no longer knows).
func (c CaseCause) Label() i18n.Text {
	if t, ok := CauseByCode(c.Code); ok {
		return t.Label
	}
	return i18n.Text{JA: c.Code, EN: c.Code}
}

// CauseInput is a cause as a person records it.
type CauseInput struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	Source      string `json:"source"`
}

// clean validates the input, naming each wrong field; card numbers in the
// finding are masked (a forensic excerpt may quote one).
func (in *CauseInput) clean() error {
	v := &apperr.ValidationError{}
	in.Code = strings.TrimSpace(in.Code)
	in.Description = strings.TrimSpace(in.Description)
	in.Source = strings.TrimSpace(in.Source)
	cause, known := CauseByCode(in.Code)
	if !known {
		v.Add("code", "validation.one_of", strings.Join(CauseCodes(), ", "))
	}
	if known && cause.NeedsDescription && in.Description == "" {
		v.Add("description", "validation.cause_description")
	}
	if utf8.RuneCountInString(in.Description) > maxCauseDescription {
		v.Add("description", "validation.max_chars", maxCauseDescription)
	}
	if utf8.RuneCountInString(in.Source) > maxCauseSource {
		v.Add("source", "validation.max_chars", maxCauseSource)
	}
	in.Description, _ = pan.Mask(in.Description)
	in.Source, _ = pan.Mask(in.Source)
	return v.OrNil()
}

// changeableCase loads a case whose causes and plan may change: not
// voided (cases.Service.GetWritable) and not closed, as a case's own edits
// are refused once it is closed.
func (s *Service) changeableCase(ctx context.Context, p *auth.Principal, caseID int64, perm auth.Permission) (cases.Case, error) {
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return c, err
	}
	if err := p.Require(perm); err != nil {
		return c, err
	}
	if c.ClosedAt != nil {
		return c, apperr.Conflict("conflict.case_closed")
	}
	return c, nil
}

// AddCause records a root cause on a case. A code is recorded once per
// case ("other" may be recorded for several findings).
func (s *Service) AddCause(ctx context.Context, p *auth.Principal, caseID int64, in CauseInput) (CaseCause, error) {
	c, err := s.changeableCase(ctx, p, caseID, auth.WorkCases)
	if err != nil {
		return CaseCause{}, err
	}
	if err := in.clean(); err != nil {
		return CaseCause{}, err
	}
	cc := CaseCause{OrganisationID: c.OrganisationID, CaseID: c.ID, Code: in.Code, Description: in.Description, Source: in.Source, CreatedBy: &p.User.ID}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		// A void waits for the lock, and sees this cause or none.
		if err := cases.LockWritable(ctx, tx, c.ID); err != nil {
			return err
		}
		var n int64
		if err := tx.DB.Model(&CaseCause{}).Where("organisation_id = ? AND case_id = ?", c.OrganisationID, c.ID).Count(&n).Error; err != nil {
			return err
		}
		if n >= maxCausesPerCase {
			return apperr.Invalid("code", "validation.causes_too_many", maxCausesPerCase)
		}
		cc.CreatedAt = tx.Now()
		if err := tx.DB.Create(&cc).Error; err != nil {
			if store.IsUniqueViolation(err) {
				return apperr.Invalid("code", "validation.cause_recorded")
			}
			return err
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "prevention.cause_add", "timeline.cause_added", cc.Label()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "prevention.cause_add", TargetType: "case", TargetID: fmt.Sprint(c.ID),
			Details: map[string]any{"cause_id": cc.ID, "code": cc.Code}})
	})
	return cc, err
}

// CaseCauses lists the causes recorded on a case, in the order recorded.
func (s *Service) CaseCauses(ctx context.Context, p *auth.Principal, caseID int64) ([]CaseCause, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	return s.causesOf(s.st.DB.WithContext(ctx), c)
}

// RemoveCause deletes a recorded cause. The plan items built from it stay:
// they may be under way, and are removed one by one if they are not.
func (s *Service) RemoveCause(ctx context.Context, p *auth.Principal, caseID, causeID int64) error {
	c, err := s.changeableCase(ctx, p, caseID, auth.WorkCases)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := cases.LockWritable(ctx, tx, c.ID); err != nil {
			return err
		}
		var cc CaseCause
		err := tx.DB.Where("id = ? AND case_id = ? AND organisation_id = ?", causeID, c.ID, c.OrganisationID).Take(&cc).Error
		if store.IsNotFound(err) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := tx.DB.Delete(&CaseCause{}, cc.ID).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "prevention.cause_remove", "timeline.cause_removed", cc.Label()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "prevention.cause_remove", TargetType: "case", TargetID: fmt.Sprint(c.ID),
			Details: map[string]any{"cause_id": cc.ID, "code": cc.Code}})
	})
}
