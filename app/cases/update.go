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
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// Patch changes some fields of a case; nil fields stay as they are.
type Patch struct {
	Title        *string    `json:"title"`
	Summary      *string    `json:"summary"`
	AwareAt      *time.Time `json:"aware_at"`
	OccurredFrom *time.Time `json:"occurred_from"`
	OccurredTo   *time.Time `json:"occurred_to"`
	IncidentType *string    `json:"incident_type" enum:"incident_type"`
	Severity     *string    `json:"severity" enum:"severity"`
	OwnerID      *int64     `json:"owner_id"`
	// ConfirmOldAwareAt confirms moving aware_at so far back that it is
	// asked about (see OldAwareAt).
	ConfirmOldAwareAt bool `json:"confirm_old_aware_at"`
}

// Update applies a patch. Moving aware_at moves every legal clock, so it
// recomputes the obligations in the same transaction.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, in Patch) (Saved, error) {
	c, err := s.GetWritable(ctx, p, id)
	if err != nil {
		return Saved{}, err
	}
	if err := p.Require(auth.ManageCases); err != nil {
		return Saved{}, err
	}
	if c.ClosedAt != nil {
		return Saved{}, apperr.Conflict("conflict.case_closed")
	}
	v := &apperr.ValidationError{}
	var changes apperr.List
	masked := 0
	if in.Title != nil {
		t := strings.TrimSpace(*in.Title)
		checkShortText(v, "title", t, 200, true)
		if t != c.Title {
			changes = append(changes, apperr.Msg("timeline.field.title"))
		}
		c.Title = t
	}
	if in.Summary != nil {
		if utf8.RuneCountInString(*in.Summary) > 20000 {
			v.Add("summary", "validation.max_chars", 20000)
		}
		var m int
		c.Summary, m = pan.Mask(strings.TrimSpace(*in.Summary))
		masked += m
		changes = append(changes, apperr.Msg("timeline.field.summary"))
	}
	awareMoved := false
	if in.AwareAt != nil && !in.AwareAt.Equal(c.AwareAt) {
		awareMoved = true
		changes = append(changes, apperr.Msg("timeline.field.aware_at_moved", c.AwareAt, in.AwareAt.UTC()))
		c.AwareAt = in.AwareAt.UTC()
		if !c.Drill { // a drill's awareness may be any moment
			s.checkOldAwareAt(v, c.AwareAt, in.ConfirmOldAwareAt)
		}
	}
	if in.OccurredFrom != nil {
		c.OccurredFrom = utc(in.OccurredFrom)
		changes = append(changes, apperr.Msg("timeline.field.occurred_from"))
	}
	if in.OccurredTo != nil {
		c.OccurredTo = utc(in.OccurredTo)
		changes = append(changes, apperr.Msg("timeline.field.occurred_to"))
	}
	if c.Drill {
		checkDrillTimes(v, NewCase{AwareAt: c.AwareAt, OccurredFrom: c.OccurredFrom, OccurredTo: c.OccurredTo})
	} else {
		s.validateTimes(v, c.AwareAt, c.OccurredFrom, c.OccurredTo)
	}
	if in.IncidentType != nil {
		if !slices.Contains(IncidentTypes, *in.IncidentType) {
			v.Add("incident_type", "validation.one_of", strings.Join(IncidentTypes, ", "))
		}
		c.IncidentType = *in.IncidentType
		changes = append(changes, apperr.Msg("timeline.field.incident_type"))
	}
	if in.Severity != nil {
		if !slices.Contains(Severities, *in.Severity) {
			v.Add("severity", "validation.one_of", strings.Join(Severities, ", "))
		}
		if *in.Severity != c.Severity {
			changes = append(changes, apperr.Msg("timeline.field.severity_changed", apperr.Msg("severity."+c.Severity), apperr.Msg("severity."+*in.Severity)))
		}
		c.Severity = *in.Severity
	}
	if in.OwnerID != nil {
		c.OwnerID = in.OwnerID
		changes = append(changes, apperr.Msg("timeline.field.owner"))
	}
	if err := v.OrNil(); err != nil {
		return Saved{}, err
	}
	if len(changes) == 0 {
		return Saved{Case: c}, nil
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if in.OwnerID != nil {
			if err := s.checkMember(tx, c.OrganisationID, c.OwnerID, "owner_id"); err != nil {
				return err
			}
		}
		c.UpdatedAt = s.now()
		if err := tx.DB.Save(&c).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "case.update", "timeline.case_updated", changes); err != nil {
			return err
		}
		if awareMoved {
			if err := s.obligations.AwareAtChanged(ctx, tx, c); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "case.update", TargetType: "case", TargetID: fmt.Sprint(c.ID),
			Details: map[string]any{"changes": changes}})
	})
	if err != nil {
		return Saved{}, err
	}
	return Saved{Case: c, MaskedCardNumbers: masked}, nil
}
