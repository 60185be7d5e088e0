package workflows_test

import (
	"context"
	"crypto/ed25519"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/audit/auditkey"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/workflows"
)

// A working client with a checkpointer signs the audit head when it starts
// (and every period after): the checkpoint is on disk and verifies.
func TestWorkerWritesAuditCheckpoint(t *testing.T) {
	t.Parallel()
	d := deps(t)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		err := d.Store.InTx(ctx, func(tx *store.Tx) error {
			return audit.Record(ctx, tx, audit.Entry{Action: "test.action", TargetType: "test", TargetID: "1"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	key, err := auditkey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "checkpoints")
	d.AuditCheckpointer, err = audit.NewCheckpointer(d.Store, d.Clock, key, dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := workflows.NewClient(d)
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := c.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer workflows.Stop(c, 5*time.Second)
	timeout := time.After(10 * time.Second)
	for done := false; !done; {
		select {
		case ev := <-events:
			if ev.Job.Kind != (workflows.AuditCheckpointArgs{}).Kind() {
				continue
			}
			if ev.Kind != river.EventKindJobCompleted {
				t.Fatalf("audit checkpoint job: %v %v", ev.Kind, ev.Job.Errors)
			}
			done = true
		case <-timeout:
			t.Fatal("audit checkpoint job never ran")
		}
	}
	cps, err := audit.LoadCheckpoints(dir, key.Public().(ed25519.PublicKey))
	if err != nil || len(cps) != 1 || cps[0].Seq != 3 {
		t.Fatalf("checkpoints %+v, %v", cps, err)
	}
	if _, p, err := audit.VerifyAgainst(ctx, d.Store, cps); err != nil || p != nil {
		t.Fatalf("verify: %v %v", p, err)
	}
}
