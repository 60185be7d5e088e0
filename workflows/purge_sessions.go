package workflows

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/app/auth"
)

// PurgeSessionsArgs asks for expired sessions and old login attempts to be
// deleted.
type PurgeSessionsArgs struct{}

// Kind is the River job kind.
func (PurgeSessionsArgs) Kind() string { return "purge_sessions" }

// InsertOpts makes the job unique per hour, so several processes starting
// together enqueue it once.
func (PurgeSessionsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Hour}}
}

// PurgeSessionsWorker runs PurgeSessionsArgs.
type PurgeSessionsWorker struct {
	river.WorkerDefaults[PurgeSessionsArgs]
	auth *auth.Service
}

// Work deletes what has expired.
func (w *PurgeSessionsWorker) Work(ctx context.Context, job *river.Job[PurgeSessionsArgs]) error {
	n, err := w.auth.PurgeExpired(ctx)
	if err != nil {
		return err
	}
	slog.Info("purged expired sessions", "count", n)
	return nil
}
