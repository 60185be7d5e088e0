package workflows

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/letters"
)

// LetterChunkWorker delivers one chunk of a letter batch. Every step
// commits as it goes (see package letters), so a retry or a rescued job
// after a crash carries on with the letters still pending.
type LetterChunkWorker struct {
	river.WorkerDefaults[jobs.LetterChunk]
	letters   *letters.Service
	retryBase time.Duration // LetterRetryBase
	now       func() time.Time
}

// Work sends and prints the chunk. On its last attempt, e-mails still
// refused temporarily are given up and fall back to print.
func (w *LetterChunkWorker) Work(ctx context.Context, job *river.Job[jobs.LetterChunk]) error {
	return w.letters.RunChunk(ctx, job.Args.BatchID, job.Args.Chunk, job.Attempt >= job.MaxAttempts)
}

// NextRetry backs off exponentially from LetterRetryBase (10 s unless
// set) up to 30 minutes: a server that throttles us gets room, and 25
// attempts span about ten hours before letters are given up.
func (w *LetterChunkWorker) NextRetry(job *river.Job[jobs.LetterChunk]) time.Time {
	d := w.retryBase
	if d <= 0 {
		d = 10 * time.Second
	}
	for i := 1; i < job.Attempt && d < 30*time.Minute; i++ {
		d *= 2
	}
	return w.now().Add(min(d, 30*time.Minute))
}
