package workflows

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/app/audit"
)

// QueueAudit is the queue of audit checkpoint jobs. Only processes that
// hold the signing key work it, so a worker started without the key (or
// with another configuration) never takes the job and fails it.
const QueueAudit = "audit"

// AuditCheckpointArgs asks for the audit chain's head to be signed and
// written to the checkpoint directory.
type AuditCheckpointArgs struct{}

// Kind is the River job kind.
func (AuditCheckpointArgs) Kind() string { return "audit_checkpoint" }

// InsertOpts: on the audit queue; a few attempts, since the next period
// brings a new job anyway.
func (AuditCheckpointArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueAudit, MaxAttempts: 3}
}

// AuditCheckpointWorker runs AuditCheckpointArgs.
type AuditCheckpointWorker struct {
	river.WorkerDefaults[AuditCheckpointArgs]
	checkpointer *audit.Checkpointer
}

// Work writes a checkpoint of the head. An error (the chain does not
// extend the latest checkpoint, a checkpoint file is forged, the directory
// is gone) fails the job and is logged by River: the checkpoints stop
// moving until someone looks, rather than vouching for a tampered log.
func (w *AuditCheckpointWorker) Work(ctx context.Context, job *river.Job[AuditCheckpointArgs]) error {
	c, written, err := w.checkpointer.Write(ctx)
	if err != nil {
		slog.Error("audit checkpoint refused", "err", err)
		return err
	}
	if written {
		slog.Info("audit checkpoint written", "seq", c.Seq, "file", c.File)
	}
	return nil
}

// auditCheckpointJob is the periodic job, unique per period so that
// several processes starting together enqueue it once.
func auditCheckpointJob(every time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) {
		return AuditCheckpointArgs{}, &river.InsertOpts{Queue: QueueAudit, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: every}}
	}, &river.PeriodicJobOpts{RunOnStart: true})
}
