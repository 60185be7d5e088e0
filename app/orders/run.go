package orders

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/people"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// errCheckpoint means another attempt of the same import moved on while
// this one worked: this attempt stops, the other carries on.
var errCheckpoint = errors.New("orders: the import's checkpoint moved; another attempt is running")

// Run processes one queued import; the import_orders job calls it.
//
// The rows are loaded in chunks of about chunkRows (a chunk ends between
// orders, so that the rows of one order are merged in one transaction),
// each in its own transaction that also advances the import's checkpoint
// (rows_done): progress shows while it runs, and a retried job resumes
// after the last committed chunk. In all_or_nothing mode a validation
// pass over the whole file comes first, so that a file with a bad row is
// rejected before any order is written. Run is idempotent: an import that
// is already finished returns nil at once.
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
		rr, err := s.openRows(ctx, &imp, cols)
		if err != nil {
			return err
		}
		rr.validateOnly = true
		res, err := rr.chunk(-1, 0)
		if err != nil {
			return err
		}
		if res.invalid > 0 {
			imp.RowsInvalid, imp.Errors = res.invalid, res.errs
			return s.finish(ctx, &imp, StatusRejected)
		}
	}
	if err := s.st.DB.WithContext(ctx).Exec(`UPDATE order_imports SET status = 'running', started_at = COALESCE(started_at, ?) WHERE id = ?`,
		s.now(), imp.ID).Error; err != nil {
		return err
	}
	imp.Status = StatusRunning
	rr, err := s.openRows(ctx, &imp, cols)
	if err != nil {
		return err
	}
	if err := rr.skip(imp.RowsDone); err != nil {
		return err
	}
	for {
		ch, err := rr.chunk(s.chunkRows, len(imp.Errors))
		if err != nil {
			return err
		}
		if ch.rows == 0 {
			break
		}
		if err := s.commitChunk(ctx, &imp, cols, ch); err != nil {
			return err
		}
		if s.afterChunk != nil {
			if err := s.afterChunk(); err != nil {
				return err
			}
		}
	}
	return s.finish(ctx, &imp, StatusDone)
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

// chunk is a run of whole orders of the file, read for one transaction.
type chunk struct {
	rows    int64    // records consumed, valid or not
	orders  []*Order // merged, in file order; none in a validation pass
	invalid int64
	masked  int64
	errs    []RowError // at most what still fits in the import's list
}

// group is the rows of one order met so far.
type group struct {
	order Order
	rows  int64 // valid rows merged into it
	date  bool
}

// rowReader streams the stored, masked CSV of an import.
type rowReader struct {
	cr           *csv.Reader
	cols         *columns
	pending      []string // a record read ahead: the first of the next chunk
	validateOnly bool     // keep no orders: the all_or_nothing pass
}

func (s *Service) openRows(ctx context.Context, imp *Import, cols *columns) (*rowReader, error) {
	cr := csv.NewReader(people.NewFileReader(ctx, s.st, filesTable, imp.ID))
	cr.FieldsPerRecord = -1
	if _, err := cr.Read(); err != nil { // the header: the mapping was resolved at upload
		return nil, fmt.Errorf("orders: import %d: stored file has no header: %w", imp.ID, people.SafeErr("read file", err))
	}
	return &rowReader{cr: cr, cols: cols}, nil
}

func (rr *rowReader) skip(n int64) error {
	for ; n > 0; n-- {
		if _, err := rr.cr.Read(); err != nil {
			return fmt.Errorf("orders: resume: %w", people.SafeErr("read file", err))
		}
	}
	return nil
}

func (rr *rowReader) next() ([]string, error) {
	if rec := rr.pending; rec != nil {
		rr.pending = nil
		return rec, nil
	}
	rec, err := rr.cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, people.SafeErr("read file", err)
	}
	return rec, nil
}

// chunk reads whole orders until at least max records are consumed (all
// when max < 0). errsHeld is how many errors the import already keeps, so
// that the list stops at MaxErrors. Rows of one order are consecutive in
// every known export; a later, separate run of rows of the same order
// merges into it (in this chunk, or in the database).
func (rr *rowReader) chunk(max int, errsHeld int) (*chunk, error) {
	ch := &chunk{}
	byNo := map[string]*Order{}
	var g *group
	addErrs := func(errs ...RowError) {
		n := min(len(errs), max0(MaxErrors-errsHeld-len(ch.errs)))
		ch.errs = append(ch.errs, errs[:n]...)
	}
	closeGroup := func() {
		if g == nil {
			return
		}
		switch {
		case !g.date:
			ch.invalid += g.rows
			addErrs(RowError{Line: g.order.Line, Field: FieldOrderedAt, Code: "validation.row_order_date_required"})
		case rr.validateOnly:
		case byNo[g.order.OrderNo] != nil:
			fill(byNo[g.order.OrderNo], &g.order)
		default:
			o := g.order
			byNo[o.OrderNo] = &o
			ch.orders = append(ch.orders, &o)
		}
		g = nil
	}
	for {
		rec, err := rr.next()
		if err != nil {
			return nil, err
		}
		if rec == nil {
			break
		}
		line, err := strconv.ParseInt(rec[0], 10, 64)
		if err != nil {
			return nil, errors.New("orders: stored file is corrupt (line number)")
		}
		r, errs, masked, blank := rr.cols.parse(line, rec[1:])
		startsOrder := len(errs) == 0 && !blank && (g == nil || r.order.OrderNo != g.order.OrderNo)
		if startsOrder && max >= 0 && ch.rows >= int64(max) {
			rr.pending = append([]string(nil), rec...)
			break
		}
		ch.rows++
		ch.masked += int64(masked)
		switch {
		case blank:
		case len(errs) > 0:
			ch.invalid++
			addErrs(errs...)
		case startsOrder:
			closeGroup()
			r.order.Line = line
			g = &group{order: r.order, rows: 1, date: r.hasDate}
		default:
			fill(&g.order, &r.order)
			g.rows++
			g.date = g.date || r.hasDate
		}
	}
	closeGroup()
	return ch, nil
}

func max0(n int) int { return max(n, 0) }

// finish records the end of an import, drops its stored file and writes
// the timeline and audit entries, in one transaction. Only counts are
// written: the errors name lines and fields, never content.
func (s *Service) finish(ctx context.Context, imp *Import, status string) error {
	imp.Status = status
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		res := tx.DB.Exec(`UPDATE order_imports SET status = ?, rows_invalid = CASE WHEN ? = 'rejected' THEN ? ELSE rows_invalid END,
			errors = CASE WHEN ? = 'rejected' THEN ?::jsonb ELSE errors END, error = ?, finished_at = ?,
			orders_imported = (SELECT count(*) FROM orders WHERE import_id = ?),
			started_at = COALESCE(started_at, ?) WHERE id = ? AND status IN ('queued', 'running')`,
			status, status, imp.RowsInvalid, status, jsonErrors(imp.Errors), imp.Error, s.now(), imp.ID, s.now(), imp.ID)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error // finished by another attempt meanwhile
		}
		if err := tx.DB.Exec(`DELETE FROM order_import_files WHERE import_id = ?`, imp.ID).Error; err != nil {
			return err
		}
		if err := tx.DB.Raw(`SELECT orders_imported, rows_invalid, pans_masked FROM order_imports WHERE id = ?`, imp.ID).
			Row().Scan(&imp.OrdersImported, &imp.RowsInvalid, &imp.PansMasked); err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, imp.OrganisationID, imp.CaseID, "orders.import."+status, "timeline.order_import_"+status,
			imp.ID, imp.OrdersImported, imp.RowsInvalid, imp.PansMasked); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: imp.OrganisationID, Action: "orders.import." + status, TargetType: "order_import",
			TargetID: fmt.Sprint(imp.ID), Details: map[string]any{"case_id": imp.CaseID, "orders_imported": imp.OrdersImported,
				"rows_invalid": imp.RowsInvalid, "masked_card_numbers": imp.PansMasked}})
	})
}

// jsonErrors encodes row errors for the errors column.
func jsonErrors(errs []RowError) string {
	if len(errs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(errs) // plain structs: cannot fail
	return string(b)
}
