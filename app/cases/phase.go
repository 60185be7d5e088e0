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
	"github.com/breachdesk/breachdesk/app/webhooks"
)

// gateError says why a phase change needs more: the open tasks that would
// be left behind, or the obligations still pending. Its details
// (open_tasks, open_obligations) list them for API clients.
func gateError(tasks, obligations []string) error {
	var e *apperr.Error
	switch {
	case len(obligations) == 0:
		e = apperr.Conflict("conflict.gate_tasks", len(tasks), strings.Join(tasks, "; "))
	case len(tasks) == 0:
		e = apperr.Conflict("conflict.gate_obligations", strings.Join(obligations, ", "))
	default:
		e = apperr.Conflict("conflict.gate_tasks_obligations", len(tasks), strings.Join(tasks, "; "), strings.Join(obligations, ", "))
	}
	e.Details = map[string]any{"open_tasks": tasks, "open_obligations": obligations}
	return e
}

// Advance moves a case forward to phase to. Leaving a phase with open
// tasks needs a reason (recorded on the timeline); closing needs every
// obligation submitted or waived, with no override: waiving is legal's
// decision, made on each obligation.
func (s *Service) Advance(ctx context.Context, p *auth.Principal, id int64, to Phase, reason string) (Case, error) {
	c, err := s.GetWritable(ctx, p, id)
	if err != nil {
		return c, err
	}
	if err := p.Require(auth.ManageCases); err != nil {
		return c, err
	}
	if to.Index() < 0 {
		return c, apperr.Invalid("phase", "validation.phase_unknown", string(to))
	}
	if to.Index() <= c.Phase.Index() {
		return c, apperr.Invalid("phase", "validation.phase_backwards", string(c.Phase))
	}
	reason = strings.TrimSpace(reason)
	if pan.Contains(reason) {
		return c, apperr.Invalid("reason", "validation.full_pan")
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		var open []Task
		if err := tx.DB.Where("case_id = ? AND organisation_id = ? AND status IN ('todo','doing') AND phase IN ?", c.ID, c.OrganisationID, phasesBefore(to)).
			Order("position").Find(&open).Error; err != nil {
			return err
		}
		var openTasks, openObligations []string
		if len(open) > 0 && reason == "" {
			for _, t := range open {
				openTasks = append(openTasks, t.Title)
			}
		}
		if to == PhaseClosed {
			ids, err := s.obligations.Open(ctx, tx, c.OrganisationID, c.ID)
			if err != nil {
				return err
			}
			openObligations = ids
		}
		if len(openTasks) > 0 || len(openObligations) > 0 {
			return gateError(openTasks, openObligations)
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
		code, args := "timeline.phase", []any{apperr.Msg("phase." + string(from)), apperr.Msg("phase." + string(to))}
		if len(open) > 0 {
			code, args = "timeline.phase_with_open_tasks", append(args, len(open), reason)
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "case.phase", code, args...); err != nil {
			return err
		}
		if err := webhooks.Emit(ctx, tx, c.OrganisationID, webhooks.EventCasePhaseChanged, webhooks.Payload{"case_id": c.ID, "reference": c.Reference,
			"from": from, "to": to}); err != nil {
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
	c, err := s.GetWritable(ctx, p, id)
	if err != nil {
		return c, err
	}
	if err := p.Require(auth.ManageCases); err != nil {
		return c, err
	}
	if c.ClosedAt == nil {
		return c, apperr.Conflict("conflict.case_not_closed")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return c, apperr.Invalid("reason", "validation.reopen_reason_required")
	}
	reason, _ = pan.Mask(reason)
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		c.Phase, c.ClosedAt, c.UpdatedAt = PhaseRecovery, nil, s.now()
		if err := tx.DB.Save(&c).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "case.reopen", "timeline.case_reopened", reason); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "case.reopen", TargetType: "case", TargetID: fmt.Sprint(c.ID), Details: map[string]any{"reason": reason}})
	})
	return c, err
}
