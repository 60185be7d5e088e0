package people

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
	"github.com/breachdesk/breachdesk/app/webhooks"
)

// Run processes one queued import; the import_people job calls it.
//
// The rows are loaded in chunks of chunkRows, each in its own transaction
// that also advances the import's checkpoint (rows_done), so progress is
// visible while it runs and a retried job resumes after the last committed
// chunk instead of starting over. In all_or_nothing mode a streaming
// validation pass over the whole file comes first, so that a file with a
// bad row is rejected before any person is written.
//
// Run is idempotent: an import that is already finished returns nil at
// once. That is why the worker does not complete its job inside the
// chunk's transaction (which is a pgx transaction, for COPY, while River's
// JobCompleteTx needs the database/sql one): a crash between the last
// commit and River marking the job done only re-runs a job that exits.
func (s *Service) Run(ctx context.Context, importID int64) error {
	var imp Import
	err := s.st.DB.WithContext(ctx).Where("id = ?", importID).Take(&imp).Error
	if store.IsNotFound(err) {
		return nil // deleted with its case
	}
	if err != nil || imp.Finished() {
		return err
	}
	cols := newColumns(imp.Mapping)
	if imp.Mode == ModeAllOrNothing && imp.RowsDone == 0 {
		res, err := s.prepass(ctx, &imp, cols)
		if err != nil {
			return err
		}
		if res.invalid > 0 {
			imp.RowsInvalid, imp.Errors = res.invalid, res.errs
			return s.finish(ctx, &imp, StatusRejected)
		}
	}
	if err := s.st.DB.WithContext(ctx).Exec(`UPDATE imports SET status = 'running', started_at = COALESCE(started_at, ?) WHERE id = ?`, s.now(), imp.ID).Error; err != nil {
		return err
	}
	if err := s.load(ctx, &imp, cols); err != nil {
		return err
	}
	return s.finish(ctx, &imp, StatusDone)
}

// load reads the file after the checkpoint and commits it chunk by chunk.
// Reading and validating the next chunk overlaps with the database work of
// the current one; at most two chunks are in memory.
func (s *Service) load(ctx context.Context, imp *Import, cols *columns) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rr, err := s.openRows(ctx, imp, cols)
	if err != nil {
		return err
	}
	if err := rr.skip(imp.RowsDone); err != nil {
		return err
	}
	chunks := make(chan *chunk)
	var readErr error
	go func() {
		defer close(chunks)
		held := len(imp.Errors)
		for {
			ch, err := rr.chunk(s.chunkRows, held)
			if err != nil || ch.rows == 0 {
				readErr = err
				return
			}
			held += len(ch.errs)
			select {
			case chunks <- ch:
			case <-ctx.Done():
				return
			}
		}
	}()
	st := &loadState{}
	for ch := range chunks {
		err := s.commitChunk(ctx, imp, ch, st)
		if err == nil && s.afterChunk != nil {
			err = s.afterChunk()
		}
		if err != nil {
			cancel()
			for range chunks { // let the reader stop
			}
			return err
		}
	}
	return readErr
}

// MarkFailed gives up on an import after its job's last attempt, so that
// it does not show as running forever. reason must hold no cell content
// (the errors of this package never do).
func (s *Service) MarkFailed(ctx context.Context, importID int64, reason string) error {
	var imp Import
	if err := s.st.DB.WithContext(ctx).Where("id = ?", importID).Take(&imp).Error; err != nil || imp.Finished() {
		return err
	}
	imp.Error = jobs.FailureReason(reason)
	return s.finish(ctx, &imp, StatusFailed)
}

// chunk is a run of rows of the file read for one transaction.
type chunk struct {
	rows    int64 // records consumed, valid or not
	valid   []lineRecord
	invalid int64
	masked  int64
	errs    []RowError // at most what still fits in the import's list
}

type lineRecord struct {
	line int64
	rec  record
}

// prepass validates the whole file without writing anything.
func (s *Service) prepass(ctx context.Context, imp *Import, cols *columns) (*chunk, error) {
	rr, err := s.openRows(ctx, imp, cols)
	if err != nil {
		return nil, err
	}
	rr.validateOnly = true
	return rr.chunk(-1, 0)
}

// rowReader streams the stored, masked CSV of an import.
type rowReader struct {
	cr           *csv.Reader
	cols         *columns
	validateOnly bool // keep no records: the all_or_nothing pre-pass
}

func (s *Service) openRows(ctx context.Context, imp *Import, cols *columns) (*rowReader, error) {
	cr := csv.NewReader(NewFileReader(ctx, s.st, "import_files", imp.ID))
	cr.FieldsPerRecord, cr.ReuseRecord = -1, true
	if _, err := cr.Read(); err != nil { // the header: the mapping was resolved at upload
		return nil, fmt.Errorf("people: import %d: stored file has no header: %w", imp.ID, safeErr("read file", err))
	}
	return &rowReader{cr: cr, cols: cols}, nil
}

func (rr *rowReader) skip(n int64) error {
	for ; n > 0; n-- {
		if _, err := rr.cr.Read(); err != nil {
			return fmt.Errorf("people: resume: %w", safeErr("read file", err))
		}
	}
	return nil
}

// chunk reads up to max records (all when max < 0). errsHeld is how many
// errors the import already keeps, so that the list stops at MaxErrors.
func (rr *rowReader) chunk(max int, errsHeld int) (*chunk, error) {
	ch := &chunk{}
	for max < 0 || ch.rows < int64(max) {
		cells, err := rr.cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, safeErr("read file", err)
		}
		ch.rows++
		line, err := strconv.ParseInt(cells[0], 10, 64)
		if err != nil {
			return nil, errors.New("people: stored file is corrupt (line number)")
		}
		rec, errs, masked, blank := rr.cols.parse(line, cells[1:])
		ch.masked += int64(masked)
		switch {
		case blank:
		case len(errs) > 0:
			ch.invalid++
			n := min(len(errs), max0(MaxErrors-errsHeld-len(ch.errs)))
			ch.errs = append(ch.errs, errs[:n]...)
		case !rr.validateOnly:
			ch.valid = append(ch.valid, lineRecord{line: line, rec: rec})
		}
	}
	return ch, nil
}

func max0(n int) int { return max(n, 0) }

// finish records the end of an import, drops its stored file and writes
// the timeline and audit entries, in one transaction. Only counts are
// written: the errors name lines and fields, never content.
func (s *Service) finish(ctx context.Context, imp *Import, status string) error {
	imp.Status = status
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		res := tx.DB.Exec(`UPDATE imports SET status = ?, rows_invalid = CASE WHEN ? = 'rejected' THEN ? ELSE rows_invalid END,
			errors = CASE WHEN ? = 'rejected' THEN ?::jsonb ELSE errors END, error = ?, finished_at = ?,
			started_at = COALESCE(started_at, ?) WHERE id = ? AND status IN ('queued', 'running')`,
			status, status, imp.RowsInvalid, status, jsonErrors(imp.Errors), imp.Error, s.now(), s.now(), imp.ID)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error // finished by another attempt meanwhile
		}
		if err := tx.DB.Exec(`DELETE FROM import_files WHERE import_id = ?`, imp.ID).Error; err != nil {
			return err
		}
		if err := tx.DB.Raw(`SELECT rows_imported, rows_merged, rows_invalid, pans_masked FROM imports WHERE id = ?`, imp.ID).
			Row().Scan(&imp.RowsImported, &imp.RowsMerged, &imp.RowsInvalid, &imp.PansMasked); err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, imp.OrganisationID, imp.CaseID, "people.import."+status, "timeline.import_"+status,
			imp.ID, imp.RowsImported, imp.RowsMerged, imp.RowsInvalid); err != nil {
			return err
		}
		if err := webhooks.Emit(ctx, tx, imp.OrganisationID, webhooks.EventImportFinished, webhooks.Payload{"case_id": imp.CaseID, "import_id": imp.ID,
			"status": status, "rows": imp.RowsImported + imp.RowsMerged, "rows_imported": imp.RowsImported, "rows_merged": imp.RowsMerged,
			"rows_invalid": imp.RowsInvalid}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: imp.OrganisationID, Action: "people.import." + status, TargetType: "import",
			TargetID: fmt.Sprint(imp.ID), Details: map[string]any{"case_id": imp.CaseID, "rows_imported": imp.RowsImported,
				"rows_merged": imp.RowsMerged, "rows_invalid": imp.RowsInvalid, "masked_card_numbers": imp.PansMasked}})
	})
}

// fileReader streams an import's stored pieces in order (NewFileReader).
type fileReader struct {
	ctx      context.Context
	st       *store.Store
	table    string
	importID int64
	seq      int
	buf      []byte
	eof      bool
}
