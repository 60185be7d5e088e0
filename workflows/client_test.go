package workflows_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
	"github.com/breachdesk/breachdesk/workflows"
)

// deps are the workers' services on a fresh database and a test clock.
func deps(t *testing.T) workflows.Deps { return depsAt(t, clocktest.New(t)) }

// depsAt is deps on clk: River's time too, so moving clk makes jobs due.
func depsAt(t *testing.T, clk *clocktest.Clock) workflows.Deps {
	t.Helper()
	st := storetest.New(t, clk)
	return apptest.Workers(t, st, clk, apptest.Auth(t, st, clk))
}

func count(t *testing.T, st *store.Store, sql string) int64 {
	t.Helper()
	var n int64
	if err := st.DB.Raw(sql).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// A state change and the job it enqueues commit or roll back together.
func TestStateChangeAndEnqueueShareTheTransaction(t *testing.T) {
	t.Parallel()
	d := deps(t)
	ctx := context.Background()
	boom := errors.New("boom")
	write := func(slug string, fail bool) error {
		return d.Store.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.DB.Exec(`INSERT INTO organisations (slug, name) VALUES (?, ?)`, slug, slug).Error; err != nil {
				return err
			}
			if _, err := tx.Enqueue(ctx, workflows.PurgeSessionsArgs{}, nil); err != nil {
				return err
			}
			if fail {
				return boom
			}
			return nil
		})
	}
	if err := write("rolled-back", true); !errors.Is(err, boom) {
		t.Fatalf("want boom, got %v", err)
	}
	if n, j := count(t, d.Store, `SELECT count(*) FROM organisations`), count(t, d.Store, `SELECT count(*) FROM river_job`); n != 0 || j != 0 {
		t.Fatalf("after rollback: organisations=%d jobs=%d, want 0 and 0", n, j)
	}
	if err := write("committed", false); err != nil {
		t.Fatal(err)
	}
	if n, j := count(t, d.Store, `SELECT count(*) FROM organisations`), count(t, d.Store, `SELECT count(*) FROM river_job WHERE kind = 'purge_sessions'`); n != 1 || j != 1 {
		t.Fatalf("after commit: organisations=%d jobs=%d, want 1 and 1", n, j)
	}
}

func TestWorkerRunsPurgeJob(t *testing.T) {
	t.Parallel()
	d := deps(t)
	c, err := workflows.NewClient(d)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d.Store.DB.Exec(`INSERT INTO users (email, name, password_hash) VALUES ('x@example.com', 'x', 'h')`)
	d.Store.DB.Exec(`INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at) SELECT '\x01', id, 'c', ? FROM users`, d.Clock.Now().Add(-time.Hour))
	events, cancel := c.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer workflows.Stop(c, 5*time.Second)
	select {
	case ev := <-events:
		if ev.Kind != river.EventKindJobCompleted {
			t.Fatalf("job %s: %v", ev.Job.Kind, ev.Kind)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("periodic purge job never ran")
	}
	if n := count(t, d.Store, `SELECT count(*) FROM sessions`); n != 0 {
		t.Fatalf("expired session not purged: %d left", n)
	}
}
