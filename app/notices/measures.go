package notices

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
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// MeasureInput creates or changes a measure; nil fields stay.
type MeasureInput struct {
	TitleJA    *string    `json:"title_ja"`
	TitleEN    *string    `json:"title_en"`
	OwnerID    *int64     `json:"owner_id"`
	TargetDate *time.Time `json:"target_date"`
	Status     *string    `json:"status"`
	TaskID     *int64     `json:"task_id"`
	// Clear empties the optional fields it names ("owner_id",
	// "target_date", "task_id"), which nil cannot say: an edit form
	// whose date was cleared.
	Clear []string `json:"clear"`
}

func (s *Service) measures(tx *store.Tx, orgID, caseID int64) ([]Measure, error) {
	var out []Measure
	err := tx.DB.Where("case_id = ? AND organisation_id = ?", caseID, orgID).Order("id").Find(&out).Error
	return out, err
}

// SaveMeasure adds a measure (id 0) or changes one; a linked task must be
// a task of the same case.
func (s *Service) SaveMeasure(ctx context.Context, p *auth.Principal, caseID, id int64, in MeasureInput) (Measure, error) {
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return Measure{}, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return Measure{}, err
	}
	m := Measure{OrganisationID: c.OrganisationID, CaseID: c.ID, Status: "planned"}
	if id != 0 {
		if err := s.st.DB.WithContext(ctx).Where("id = ? AND case_id = ? AND organisation_id = ?", id, c.ID, c.OrganisationID).Take(&m).Error; err != nil {
			if store.IsNotFound(err) {
				return m, apperr.ErrNotFound
			}
			return m, err
		}
	}
	v := &apperr.ValidationError{}
	if in.TitleJA != nil {
		m.TitleJA = strings.TrimSpace(*in.TitleJA)
	}
	if in.TitleEN != nil {
		m.TitleEN = strings.TrimSpace(*in.TitleEN)
	}
	if m.TitleJA == "" || utf8.RuneCountInString(m.TitleJA) > 500 {
		v.Add("title_ja", "validation.required_max_chars", 500)
	}
	if pan.Contains(m.TitleJA) || pan.Contains(m.TitleEN) {
		v.Add("title_ja", "validation.full_pan")
	}
	if in.Status != nil {
		if !slices.Contains(MeasureStatuses, *in.Status) {
			v.Add("status", "validation.one_of", strings.Join(MeasureStatuses, ", "))
		}
		m.Status = *in.Status
	}
	if in.OwnerID != nil {
		m.OwnerID = in.OwnerID
	}
	if in.TargetDate != nil {
		m.TargetDate = in.TargetDate
	}
	if in.TaskID != nil {
		m.TaskID = in.TaskID
	}
	for _, f := range in.Clear {
		switch f {
		case "owner_id":
			m.OwnerID = nil
		case "target_date":
			m.TargetDate = nil
		case "task_id":
			m.TaskID = nil
		default:
			v.Add("clear", "validation.one_of", "owner_id, target_date, task_id")
		}
	}
	if err := v.OrNil(); err != nil {
		return m, err
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if m.TaskID != nil {
			var n int64
			if err := tx.DB.Raw(`SELECT count(*) FROM tasks WHERE id = ? AND case_id = ? AND organisation_id = ?`, *m.TaskID, c.ID, c.OrganisationID).Scan(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return apperr.Invalid("task_id", "validation.not_case_task")
			}
		}
		if m.OwnerID != nil {
			var n int64
			if err := tx.DB.Raw(`SELECT count(*) FROM memberships WHERE user_id = ? AND organisation_id = ?`, *m.OwnerID, c.OrganisationID).Scan(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return apperr.Invalid("owner_id", "validation.not_member")
			}
		}
		m.UpdatedAt = s.now()
		if err := tx.DB.Save(&m).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "measure.save", "timeline.measure_saved", i18n.Text{JA: m.TitleJA, EN: m.TitleEN}, apperr.Msg("measure.status."+m.Status)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "measure.save", TargetType: "measure", TargetID: fmt.Sprint(m.ID)})
	})
	return m, err
}
