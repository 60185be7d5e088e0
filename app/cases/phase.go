package cases

import (
	"context"
	"fmt"
	"strings"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// GateError says why a phase change needs more: the open tasks that would
// be left behind, or the obligations still pending.
type GateError struct {
	OpenTasks       []string
	OpenObligations []string
}

func (e *GateError) Error() string {
	var parts []string
	if len(e.OpenTasks) > 0 {
		parts = append(parts, fmt.Sprintf("%d task(s) of the current phase are still open (%s); finish or skip them, or give a reason", len(e.OpenTasks), strings.Join(e.OpenTasks, "; ")))
	}
	if len(e.OpenObligations) > 0 {
		parts = append(parts, fmt.Sprintf("obligations still pending: %s; submit them or have legal waive them with a reason", strings.Join(e.OpenObligations, ", ")))
	}
	return strings.Join(parts, ". ")
}

// Unwrap makes a GateError a conflict for the error handler.
func (e *GateError) Unwrap() error { return apperr.ErrConflict }

// Advance moves a case forward to phase to. Leaving a phase with open
// tasks needs a reason (recorded on the timeline); closing needs every
// obligation submitted or waived, with no override: waiving is legal's
// decision, made on each obligation.
func (s *Service) Advance(ctx context.Context, p *auth.Principal, id int64, to Phase, reason string) (Case, error) {
	c, err := s.Get(ctx, p, id)
	if err != nil {
		return c, err
	}
	if err := p.Require(Managers...); err != nil {
		return c, err
	}
	if to.Index() < 0 {
		return c, apperr.Invalid("phase", "unknown phase %q", to)
	}
	if to.Index() <= c.Phase.Index() {
		return c, apperr.Invalid("phase", "can only move forward from %s; use reopen to go back", c.Phase)
	}
	reason = strings.TrimSpace(reason)
	if pan.Contains(reason) {
		return c, apperr.Invalid("reason", "contains a full card number")
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		var open []Task
		if err := tx.DB.Where("case_id = ? AND organisation_id = ? AND status IN ('todo','doing') AND phase IN ?", c.ID, c.OrganisationID, phasesBefore(to)).
			Order("position").Find(&open).Error; err != nil {
			return err
		}
		gate := &GateError{}
		if len(open) > 0 && reason == "" {
			for _, t := range open {
				gate.OpenTasks = append(gate.OpenTasks, t.Title)
			}
		}
		if to == PhaseClosed {
			ids, err := s.obligations.Open(ctx, tx, c.OrganisationID, c.ID)
			if err != nil {
				return err
			}
			gate.OpenObligations = ids
		}
		if len(gate.OpenTasks) > 0 || len(gate.OpenObligations) > 0 {
			return gate
		}
		from := c.Phase
		c.Phase = to
		c.UpdatedAt = s.now()
		if to == PhaseClosed {
			now := s.now()
			c.ClosedAt = &now
		}
		if err := tx.DB.Save(&c).Error; err != nil {
			return err
		}
		summary := fmt.Sprintf("Phase %s → %s", from, to)
		if len(open) > 0 {
			summary += fmt.Sprintf(" with %d open task(s); reason: %s", len(open), reason)
		}
		if err := timeline.Auto(ctx, tx, c.OrganisationID, c.ID, "case.phase", summary); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "case.phase", TargetType: "case", TargetID: fmt.Sprint(c.ID),
			Details: map[string]any{"from": string(from), "to": string(to), "reason": reason}})
	})
	return c, err
}

func phasesBefore(to Phase) []string {
	var out []string
	for _, p := range Phases[:to.Index()] {
		out = append(out, string(p))
	}
	return out
}

// Reopen takes a closed case back to recovery.
func (s *Service) Reopen(ctx context.Context, p *auth.Principal, id int64, reason string) (Case, error) {
	c, err := s.Get(ctx, p, id)
	if err != nil {
		return c, err
	}
	if err := p.Require(Managers...); err != nil {
		return c, err
	}
	if c.ClosedAt == nil {
		return c, fmt.Errorf("%w: the case is not closed", apperr.ErrConflict)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return c, apperr.Invalid("reason", "is required to reopen a case")
	}
	reason, _ = pan.Mask(reason)
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		c.Phase, c.ClosedAt, c.UpdatedAt = PhaseRecovery, nil, s.now()
		if err := tx.DB.Save(&c).Error; err != nil {
			return err
		}
		if err := timeline.Auto(ctx, tx, c.OrganisationID, c.ID, "case.reopen", "Case reopened: "+reason); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "case.reopen", TargetType: "case", TargetID: fmt.Sprint(c.ID), Details: map[string]any{"reason": reason}})
	})
	return c, err
}
