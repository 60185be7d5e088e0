package scoping

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// Run computes one queued run; the scope_run job calls it, tests call it
// directly. The run's persons, keys and orders and its counts are written
// in ONE transaction that first deletes whatever rows of the run exist:
// an attempt cut short (a crash, a restart, a timeout) leaves nothing
// behind, and its retry starts the run over from the same window version.
// Run is idempotent: a run already done or failed (or deleted with its
// case) returns nil at once. A run that cannot succeed however often it is
// tried (its window version has no windows) is marked failed at once.
func (s *Service) Run(ctx context.Context, runID int64) error {
	run, ok, err := s.pendingRun(s.st.DB.WithContext(ctx).Where("id = ?", runID))
	if err != nil || !ok {
		return err
	}
	// Shown while the transaction below works; its rollback keeps it.
	if err := s.st.DB.WithContext(ctx).Exec(`UPDATE scope_runs SET status = 'running', started_at = COALESCE(started_at, ?)
		WHERE id = ? AND status IN ('queued', 'running')`, s.clk.Now(), run.ID).Error; err != nil {
		return err
	}
	began := clock.Start()
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := lockCase(ctx, tx, run.CaseID); err != nil {
			return err
		}
		// Another attempt may have finished the run while this one waited.
		run, ok, err = s.pendingRun(tx.DB.WithContext(ctx).Where("id = ?", run.ID).Clauses(forUpdate))
		if err != nil || !ok {
			return err
		}
		if err := tx.DB.WithContext(ctx).Exec(`SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`).Error; err != nil {
			return err
		}
		for _, table := range []string{"scope_orders", "scope_person_keys", "scope_persons"} {
			if err := tx.DB.WithContext(ctx).Exec(`DELETE FROM `+table+` WHERE run_id = ?`, run.ID).Error; err != nil {
				return err
			}
		}
		var wv WindowVersion
		if err := tx.DB.WithContext(ctx).Where("case_id = ? AND organisation_id = ? AND version = ?", run.CaseID, run.OrganisationID,
			run.WindowVersion).Limit(1).Find(&wv).Error; err != nil {
			return err
		}
		if len(wv.Windows) == 0 {
			return errNoWindows
		}
		c := cases.Case{ID: run.CaseID, OrganisationID: run.OrganisationID}
		sc := &scoper{tx: tx, ctx: ctx, c: c, run: &run, windows: wv.Windows}
		if err := sc.compute(); err != nil {
			return err
		}
		now := s.clk.Now()
		run.DurationMS, run.Status, run.FinishedAt = began.Elapsed().Milliseconds(), StatusDone, &now
		if err := tx.DB.WithContext(ctx).Model(&run).Select("orders_matched", "orders_unknown", "persons_confirmed", "persons_upper_bound",
			"by_window", "by_brand", "by_item", "duration_ms", "status", "finished_at").Updates(&run).Error; err != nil {
			return err
		}
		if err := pruneRuns(ctx, tx, run.CaseID); err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, run.OrganisationID, run.CaseID, "scoping.run", "timeline.scoping.run", run.ID, run.WindowVersion,
			run.PersonsConfirmed, run.PersonsUpperBound); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: run.OrganisationID, Action: "scoping.run", TargetType: "case",
			TargetID: fmt.Sprint(run.CaseID), Details: map[string]any{"run": run.ID, "window_version": run.WindowVersion,
				"orders": run.OrdersMatched, "confirmed": run.PersonsConfirmed, "upper_bound": run.PersonsUpperBound}})
	})
	if errors.Is(err, errNoWindows) {
		return s.MarkFailed(context.WithoutCancel(ctx), run.ID, err.Error())
	}
	return err
}

// errNoWindows: the run's window version has none, which no retry mends.
var errNoWindows = errors.New("scoping: the run's window version has no windows")

// forUpdate locks the run's row against a concurrent MarkFailed.
var forUpdate = clause.Locking{Strength: "UPDATE"}

// pendingRun reads the run db selects; ok is false when it is gone (with
// its case) or already finished.
func (s *Service) pendingRun(db *gorm.DB) (Run, bool, error) {
	var run Run
	if err := db.Limit(1).Find(&run).Error; err != nil {
		return Run{}, false, err
	}
	return run, run.ID != 0 && run.Pending(), nil
}

// MarkFailed gives up on a run after its job's last attempt (or at once
// when no attempt can succeed), so that it does not show as queued
// forever and the case can be scoped again. reason is an error of this
// package or of the database, which name no order's content; it is cut
// to jobs.MaxFailureReason.
func (s *Service) MarkFailed(ctx context.Context, runID int64, reason string) error {
	reason = jobs.FailureReason(reason)
	if reason == "" {
		reason = "unknown error"
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		var run Run
		res := tx.DB.WithContext(ctx).Model(&run).Clauses(clause.Returning{}).Where("id = ? AND status IN ('queued', 'running')", runID).
			Updates(map[string]any{"status": StatusFailed, "error": reason, "finished_at": s.clk.Now()})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: run.OrganisationID, Action: "scoping.run_failed", TargetType: "case",
			TargetID: fmt.Sprint(run.CaseID), Details: map[string]any{"run": run.ID, "error": reason}})
	})
}

// requireDone refuses a run that is not computed (yet): it has no
// persons to compare or apply.
func requireDone(r Run) error {
	if !r.Done() {
		return apperr.Conflict("conflict.scoping.run_not_done", r.ID)
	}
	return nil
}
