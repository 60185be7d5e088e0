package orders

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/people"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// Bounds of the file's shape.
const (
	maxColumns     = 300
	maxHeaderRunes = 200
	filesTable     = "order_import_files"
)

// upload is a received file after masking: a UTF-8 CSV whose first column
// is the record's line in the original file and whose other columns are
// the file's, blank where a column feeds no field. Only masked text is
// ever written to it.
type upload struct {
	encoding string
	mapping  Mapping
	rows     int64
	masked   int64
	data     *people.Spill
}

// Start accepts an uploaded order export for a case: the body is read
// once, as a stream, in the chosen (or the preset's) encoding; every cell
// passes the card-number guard; the masked file is stored as UTF-8 with
// the import (status queued) and its job, in one transaction. A file that
// cannot be read, is too large, or whose header does not fit the mapping is
// refused at once (ValidationError on "file", "encoding", "preset" or
// "columns.<field>"); row-level problems are the job's to report.
func (s *Service) Start(ctx context.Context, p *auth.Principal, caseID int64, filename string, r io.Reader, opts ImportOptions) (Import, error) {
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return Import{}, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return Import{}, err
	}
	if opts.Mode == "" {
		opts.Mode = ModePartial
	}
	if !slices.Contains(people.Modes, opts.Mode) {
		return Import{}, apperr.Invalid("mode", "validation.either", ModePartial, ModeAllOrNothing)
	}
	pr, err := resolve(opts)
	if err != nil {
		return Import{}, err
	}
	if r == nil {
		return Import{}, apperr.Invalid("file", "validation.required")
	}
	up, err := s.readUpload(r, pr)
	if err != nil {
		return Import{}, err
	}
	defer up.data.Close()
	imp := Import{OrganisationID: c.OrganisationID, CaseID: c.ID, Filename: people.SanitiseFilename(filename), Preset: pr.Name,
		Encoding: up.encoding, Mode: opts.Mode, Mapping: up.mapping, Status: StatusQueued, RowsTotal: up.rows,
		PansMasked: up.masked, Errors: []RowError{}, CreatedBy: &p.User.ID}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Create(&imp).Error; err != nil {
			return err
		}
		data, err := up.data.Reader()
		if err != nil {
			return err
		}
		if err := people.StoreFile(ctx, tx.SQLTx(), filesTable, imp.ID, data); err != nil {
			return err
		}
		if _, err := tx.Enqueue(ctx, jobs.ImportOrders{ImportID: imp.ID}, nil); err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, imp.OrganisationID, imp.CaseID, "orders.import", "timeline.order_import_uploaded",
			imp.Filename, imp.RowsTotal, imp.PansMasked, imp.CardDataColumns()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: imp.OrganisationID, Action: "orders.import", TargetType: "order_import",
			TargetID: fmt.Sprint(imp.ID), Details: map[string]any{"case_id": imp.CaseID, "filename": imp.Filename, "preset": imp.Preset,
				"encoding": imp.Encoding, "mode": imp.Mode, "rows": imp.RowsTotal, "masked_card_numbers": imp.PansMasked,
				"card_data_columns": imp.CardDataColumns()}})
	})
	if err != nil {
		return Import{}, people.SafeErr("start order import", err)
	}
	return imp, nil
}

// readUpload reads r once: decode → CSV → card-number guard on every cell
// (mapped or not, so that a column of card numbers is found and counted
// wherever it is) → the kept cells into the spill.
func (s *Service) readUpload(r io.Reader, pr Preset) (*upload, error) {
	up := &upload{data: people.NewSpill(s.memSpill)}
	ok := false
	defer func() {
		if !ok {
			up.data.Close()
		}
	}()
	dec, enc, err := decode(people.NewLimitReader(r, s.maxBytes), pr.Encoding)
	if err != nil {
		return nil, s.readErr(err, 0)
	}
	up.encoding = enc
	rl := people.NewRecordLimit(dec)
	cr := csv.NewReader(rl)
	cr.FieldsPerRecord, cr.ReuseRecord, cr.LazyQuotes = -1, true, false
	w := people.NewMaskedCSV(up.data)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, apperr.Invalid("file", "validation.empty")
	}
	if err != nil {
		return nil, s.readErr(err, 1)
	}
	if len(header) > maxColumns {
		return nil, apperr.Invalid("file", "validation.csv_columns", maxColumns)
	}
	out := make([]string, 0, len(header)+1)
	out = append(out, "1")
	for i, h := range header {
		h, n := people.MaskCell(strings.TrimSpace(h))
		up.masked += int64(n)
		if badText(h) {
			return nil, apperr.Invalid("file", "validation.order_line_encoding", 1, enc)
		}
		if utf8.RuneCountInString(h) > maxHeaderRunes {
			return nil, apperr.Invalid("file", "validation.csv_header", i+1, maxHeaderRunes)
		}
		out = append(out, h)
	}
	if up.mapping, err = mapColumns(pr, out[1:]); err != nil {
		return nil, err
	}
	if err := w.Write(out); err != nil {
		return nil, err
	}
	line := 1
	for {
		rl.Reset()
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, s.readErr(err, line+1)
		}
		line, _ = cr.FieldPos(0)
		if len(rec) > maxColumns {
			return nil, apperr.Invalid("file", "validation.csv_line_columns", line, maxColumns)
		}
		out = append(out[:0], strconv.Itoa(line))
		blank := true
		for i, cell := range rec {
			if badText(cell) {
				return nil, apperr.Invalid("file", "validation.order_line_encoding", line, enc)
			}
			cell, n := people.MaskCell(cell)
			up.masked += int64(n)
			// A column that feeds no field is not kept: its cells (a
			// security code, say) never reach the stored file.
			if i >= len(up.mapping.Columns) || !up.mapping.Columns[i].kept() {
				out = append(out, "")
				continue
			}
			blank = blank && strings.TrimSpace(cell) == ""
			out = append(out, cell)
		}
		if blank {
			continue // a row of empty cells (Excel leaves them) is no order
		}
		if up.rows++; up.rows > s.maxRows {
			return nil, apperr.Invalid("file", "validation.order_too_many_rows", s.maxRows)
		}
		if err := w.Write(out); err != nil {
			return nil, err
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if up.rows == 0 {
		return nil, apperr.Invalid("file", "validation.csv_no_rows")
	}
	ok = true
	return up, nil
}

// readErr is the person import's (people.ReadError), whose messages name
// line and column, never content; a validation error passes through.
func (s *Service) readErr(err error, line int) error {
	var ve *apperr.ValidationError
	if errors.As(err, &ve) {
		return err
	}
	return people.ReadError(err, line, s.maxBytes)
}
