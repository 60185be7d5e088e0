package workflows

import (
	"context"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"

	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/store"
)

// RenderDocumentWorker renders a queued document and completes the job in
// the same transaction that stores the PDF: a crash leaves the document
// queued and the job to be retried, never a PDF without its job done.
type RenderDocumentWorker struct {
	river.WorkerDefaults[jobs.RenderDocument]
	st     *store.Store
	drafts *drafts.Service
}

// Work renders the document.
func (w *RenderDocumentWorker) Work(ctx context.Context, job *river.Job[jobs.RenderDocument]) error {
	return w.st.InTx(ctx, func(tx *store.Tx) error {
		if err := w.drafts.RenderInTx(ctx, tx, job.Args.DocumentID); err != nil {
			return err
		}
		_, err := river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx.SQLTx(), job)
		return err
	})
}
