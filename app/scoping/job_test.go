package scoping_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/scoping"
)

// Asking for a run stores it queued with its job and computes nothing;
// a second request while it waits is refused, and the queued run has no
// diff and cannot be applied.
func TestScopeQueuesTheRunAndItsJob(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addOrders(card("A1", "2026-10-05 10:00", "M1", "taro@example.jp", "山田太郎", "東京都千代田区1-1"))
	e.setWindows(window("2026-10-01 09:12", "2026-11-30 18:40", scoping.ConfidenceConfirmed))
	r, err := e.svc.Scope(ctx, e.owner, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != scoping.StatusQueued || r.PersonsUpperBound != 0 {
		t.Errorf("run asked for: status %q, %d persons", r.Status, r.PersonsUpperBound)
	}
	if n := e.count(`SELECT count(*) FROM scope_orders WHERE run_id = ?`, r.ID); n != 0 {
		t.Errorf("asking for a run wrote %d of its orders", n)
	}
	if n := e.count(`SELECT count(*) FROM river_job WHERE kind = 'scope_run' AND (args->>'run_id')::bigint = ?`, r.ID); n != 1 {
		t.Errorf("%d scope_run jobs for the run, want 1", n)
	}
	if _, err := e.svc.Scope(ctx, e.owner, e.caseID); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("a second run while one is queued: %v, want a conflict", err)
	}
	if _, err := e.svc.Diff(ctx, e.owner, r.ID); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("diff of a queued run: %v, want a conflict", err)
	}
	if _, err := e.svc.Apply(ctx, e.owner, r.ID, r.WindowVersion, 0); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("applying a queued run: %v, want a conflict", err)
	}
	if err := e.svc.Run(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if r, _ = e.svc.GetRun(ctx, e.owner, r.ID); r.Status != scoping.StatusDone || r.PersonsConfirmed != 1 || r.FinishedAt == nil || r.StartedAt == nil {
		t.Errorf("after its job: status %q, %d confirmed, started %v, finished %v", r.Status, r.PersonsConfirmed, r.StartedAt, r.FinishedAt)
	}
	if _, err := e.svc.Scope(ctx, e.owner, e.caseID); err != nil {
		t.Errorf("a new run once the first is done: %v", err)
	}
}

// An attempt that died mid-run (status running, some rows of the run
// written) is started over by the retry: the result is the one a clean
// run gives, and running the finished run's job again changes nothing.
func TestRetriedRunStartsOverCleanly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addOrders(
		card("A1", "2026-10-05 10:00", "M1", "taro@example.jp", "山田太郎", "東京都千代田区1-1"),
		card("A2", "2026-10-06 10:00", "", "taro@example.jp", "山田太郎", "東京都千代田区1-1"),
		card("B1", "2026-10-07 10:00", "M2", "hanako@example.jp", "山田花子", "大阪府大阪市2-2"),
		ord{no: "C1", at: "2026-10-08 10:00", method: "", email: "jiro@example.jp", name: "山田次郎"},
	)
	e.setWindows(window("2026-10-01 09:12", "2026-11-30 18:40", scoping.ConfidenceConfirmed, cardPay))
	clean := e.scope()
	want := e.groups(clean)
	r, err := e.svc.Scope(ctx, e.owner, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	// What a dead attempt could leave if its rows were not in one
	// transaction: the run marked running and stray rows of it.
	for _, sql := range []string{
		`UPDATE scope_runs SET status = 'running' WHERE id = ?`,
		`INSERT INTO scope_persons (run_id, person_no, status, key) VALUES (?, 1, 'possible', 'o:999'), (?, 7, 'confirmed', 'o:998')`,
		`INSERT INTO scope_person_keys (run_id, key_hash, person_no) VALUES (?, 42, 7)`,
		`INSERT INTO scope_orders (run_id, person_no, order_id, window_mask, confirmed, card_unknown) VALUES (?, 7, 1, 1, true, false)`,
	} {
		args := []any{r.ID}
		if strings.Count(sql, "?") == 2 {
			args = append(args, r.ID)
		}
		if err := e.st.DB.Exec(sql, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	for attempt := 1; attempt <= 2; attempt++ {
		if err := e.svc.Run(ctx, r.ID); err != nil {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
		got, err := e.svc.GetRun(ctx, e.owner, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != scoping.StatusDone || got.PersonsConfirmed != clean.PersonsConfirmed || got.PersonsUpperBound != clean.PersonsUpperBound ||
			got.OrdersMatched != clean.OrdersMatched {
			t.Errorf("attempt %d: %s, %d confirmed of %d from %d orders; clean run %d of %d from %d", attempt, got.Status,
				got.PersonsConfirmed, got.PersonsUpperBound, got.OrdersMatched, clean.PersonsConfirmed, clean.PersonsUpperBound, clean.OrdersMatched)
		}
		if g := e.groups(got); !slices.Equal(g, want) {
			t.Errorf("attempt %d: persons %v, clean run %v", attempt, g, want)
		}
		for _, table := range []string{"scope_persons", "scope_person_keys", "scope_orders"} {
			if a, b := e.count(`SELECT count(*) FROM `+table+` WHERE run_id = ?`, r.ID), e.count(`SELECT count(*) FROM `+table+` WHERE run_id = ?`, clean.ID); a != b {
				t.Errorf("attempt %d: %d rows of %s, clean run %d", attempt, a, table, b)
			}
		}
	}
}

// A run given up on records why, frees the case for a new run, and
// cannot be applied; a run whose windows are gone fails at once.
func TestFailedRunRecordsItsError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addOrders(card("A1", "2026-10-05 10:00", "M1", "taro@example.jp", "山田太郎", "東京都千代田区1-1"))
	e.setWindows(window("2026-10-01 09:12", "2026-11-30 18:40", scoping.ConfidenceConfirmed))
	r, err := e.svc.Scope(ctx, e.owner, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.MarkFailed(ctx, r.ID, "context deadline exceeded"); err != nil {
		t.Fatal(err)
	}
	got, _ := e.svc.GetRun(ctx, e.owner, r.ID)
	if got.Status != scoping.StatusFailed || got.Error != "context deadline exceeded" || got.FinishedAt == nil {
		t.Errorf("failed run: %q %q %v", got.Status, got.Error, got.FinishedAt)
	}
	if err := e.svc.Run(ctx, r.ID); err != nil {
		t.Errorf("the job of a failed run: %v", err)
	}
	if got, _ = e.svc.GetRun(ctx, e.owner, r.ID); got.Status != scoping.StatusFailed {
		t.Errorf("the job of a failed run made it %s", got.Status)
	}
	if _, err := e.svc.Apply(ctx, e.owner, r.ID, r.WindowVersion, 0); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("applying a failed run: %v, want a conflict", err)
	}
	r2, err := e.svc.Scope(ctx, e.owner, e.caseID)
	if err != nil {
		t.Fatalf("a new run after a failed one: %v", err)
	}
	if err := e.st.DB.Exec(`UPDATE exposure_window_versions SET windows = '[]' WHERE case_id = ?`, e.caseID).Error; err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Run(ctx, r2.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ = e.svc.GetRun(ctx, e.owner, r2.ID); got.Status != scoping.StatusFailed || got.Error == "" {
		t.Errorf("a run without windows: %q %q", got.Status, got.Error)
	}
}

// A run's persons, keys and orders go with it: when older runs are
// pruned and when its case is deleted.
func TestDeletedRunTakesItsRows(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addOrders(card("A1", "2026-10-05 10:00", "M1", "taro@example.jp", "山田太郎", "東京都千代田区1-1"))
	e.setWindows(window("2026-10-01 09:12", "2026-11-30 18:40", scoping.ConfidenceConfirmed))
	first := e.scope()
	rows := func(runID int64) int64 {
		var n int64
		for _, table := range []string{"scope_persons", "scope_person_keys", "scope_orders"} {
			n += e.count(`SELECT count(*) FROM `+table+` WHERE run_id = ?`, runID)
		}
		return n
	}
	if n := rows(first.ID); n != 5 {
		t.Fatalf("first run has %d rows, want a person, its three keys and its order", n)
	}
	var last scoping.Run
	for range 6 { // more runs than a case keeps
		last = e.scope()
	}
	if n := e.count(`SELECT count(*) FROM scope_runs WHERE id = ?`, first.ID); n != 0 {
		t.Fatalf("the oldest run was kept")
	}
	if n := rows(first.ID); n != 0 {
		t.Errorf("the pruned run left %d rows", n)
	}
	if err := e.st.DB.Exec(`DELETE FROM cases WHERE id = ?`, e.caseID).Error; err != nil {
		t.Fatal(err)
	}
	if n := rows(last.ID); n != 0 {
		t.Errorf("the deleted case's run left %d rows", n)
	}
}

// A run whose job River gave up on without the worker marking it failed
// (the last attempt died with its process) does not block the case: the
// next request marks it failed and queues a new run.
func TestRunWhoseJobWasGivenUpFreesTheCase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addOrders(card("A1", "2026-10-05 10:00", "M1", "taro@example.jp", "山田太郎", "東京都千代田区1-1"))
	e.setWindows(window("2026-10-01 09:12", "2026-11-30 18:40", scoping.ConfidenceConfirmed))
	r, err := e.svc.Scope(ctx, e.owner, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.DB.Exec(`UPDATE scope_runs SET status = 'running' WHERE id = ?`, r.ID).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Scope(ctx, e.owner, e.caseID); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("a second run while the first's job may still run: %v, want a conflict", err)
	}
	if err := e.st.DB.Exec(`UPDATE river_job SET state = 'discarded', finalized_at = now() WHERE kind = 'scope_run'`).Error; err != nil {
		t.Fatal(err)
	}
	next, err := e.svc.Scope(ctx, e.owner, e.caseID)
	if err != nil {
		t.Fatalf("a run after the first's job was given up: %v", err)
	}
	if got, _ := e.svc.GetRun(ctx, e.owner, r.ID); got.Status != scoping.StatusFailed || got.Error == "" {
		t.Errorf("the abandoned run: %q %q, want failed with its reason", got.Status, got.Error)
	}
	if next.Status != scoping.StatusQueued {
		t.Errorf("the new run: %q", next.Status)
	}
}
