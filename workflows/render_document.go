package workflows

import (
	"context"
	"errors"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"

	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/store"
)

// RenderDocumentWorker renders a queued document and completes the job in
// the same transaction that stores the PDF: a crash leaves the document
// queued and the job to be retried, never a PDF without its job done.
type RenderDocumentWorker struct {
	river.WorkerDefaults[jobs.RenderDocument]
	deps Deps
}

// Work renders the document.
func (w *RenderDocumentWorker) Work(ctx context.Context, job *river.Job[jobs.RenderDocument]) error {
	if w.deps.Drafts == nil {
		return errors.New("this worker process has no document service (PDF font missing?)")
	}
	return w.deps.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := w.deps.Drafts.RenderInTx(ctx, tx, job.Args.DocumentID); err != nil {
			return err
		}
		_, err := river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx.SQLTx(), job)
		return err
	})
}
