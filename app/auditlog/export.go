package auditlog

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

// MaxExportRows bounds one export: a larger log is exported in parts,
// narrowed by date. The newest rows come first, so the part left out is
// the oldest, which the "to" date reaches.
const MaxExportRows = 100_000

// ExportAction is the audit action of an export of the log.
const ExportAction = "audit.export"

// Columns is the number of columns of the export: time, actor, action
// code, action label, target type, target id, IP, details.
const Columns = 8

// Sheet is what the export's text says in the reader's language, which
// the web's catalogue knows and this package does not: the header and
// the label of an action code.
type Sheet struct {
	Header [Columns]string
	Label  func(action string) string
}

// Export is a prepared export: recorded in the audit log, with its rows
// fixed, and written by WriteTo.
type Export struct {
	Filename string
	// Matched is how many rows the filter selects, Rows how many the file
	// holds: at most MaxExportRows, Truncated when fewer than Matched.
	Matched, Rows int64
	Truncated     bool

	st     *store.Store
	orgID  int64
	filter Filter
	upTo   int64 // the last seq of the log when the export was asked for
	loc    *time.Location
	sheet  Sheet
}

// NewExport checks the form, counts the rows it selects (the whole log as
// it stands, paging aside: Before is ignored) and records the export in the
// audit log with the filter. The rows are then streamed by WriteTo; rows
// written after the export was recorded, its own included, are not in it.
func NewExport(ctx context.Context, st *store.Store, p *auth.Principal, in Form, sheet Sheet) (*Export, error) {
	if err := p.Require(auth.WriteDocuments); err != nil {
		return nil, err
	}
	in.Before = ""
	f, err := Check(ctx, st, p, in)
	if err != nil {
		return nil, err
	}
	e := &Export{st: st, orgID: p.OrgID(), filter: f, loc: p.Organisation.Location(), sheet: sheet}
	// A row's seq is taken under the lock on the chain head and the head
	// moves in the row's own transaction: every row up to the head's
	// last_seq is committed, and the log is append-only, so the rows up to
	// it are the same when counted and when written.
	db := st.DB.WithContext(ctx)
	if err := db.Raw(`SELECT last_seq FROM audit_head WHERE id = 1`).Scan(&e.upTo).Error; err != nil {
		return nil, err
	}
	if err := f.where(db, e.orgID).Where("seq <= ?", e.upTo).Count(&e.Matched).Error; err != nil {
		return nil, err
	}
	e.Rows = min(e.Matched, MaxExportRows)
	e.Truncated = e.Rows < e.Matched
	err = st.InTx(ctx, func(tx *store.Tx) error {
		e.Filename = fmt.Sprintf("audit_%s_%s.csv", p.Organisation.Slug, tx.Now().In(e.loc).Format("20060102-1504"))
		filter := map[string]any{}
		for k, v := range in.Values() {
			filter[k] = v
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: e.orgID, Action: ExportAction, TargetType: "audit_log",
			Details: map[string]any{"filter": filter, "matched": e.Matched, "rows": e.Rows, "truncated": e.Truncated, "up_to_seq": e.upTo, "filename": e.Filename}})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// WriteTo writes the export as CSV, UTF-8 with a byte-order mark and CRLF
// line ends as Excel expects, newest row first, reading the rows as it
// writes them so that a large export is never held in memory.
func (e *Export) WriteTo(ctx context.Context, w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(e.sheet.Header[:]); err != nil {
		return err
	}
	if e.Rows > 0 {
		rows, err := e.filter.where(e.st.DB.WithContext(ctx), e.orgID).Where("seq <= ?", e.upTo).Order("seq DESC").Limit(int(e.Rows)).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r audit.Row
			if err := e.st.DB.ScanRows(rows, &r); err != nil {
				return err
			}
			rec := []string{r.OccurredAt.In(e.loc).Format(time.RFC3339), r.Actor, r.Action, e.sheet.Label(r.Action),
				r.TargetType, r.TargetID, r.IP, r.Details}
			for i := range rec {
				rec[i] = inertCell(rec[i])
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// inertCell keeps a cell from being read as a formula by a spreadsheet: a
// text starting with =, +, - or @ (or a tab or CR) gets an apostrophe
// first, the usual defence against CSV injection. Actor labels and
// target ids (e-mail addresses typed at the login) are the reader's text.
func inertCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
