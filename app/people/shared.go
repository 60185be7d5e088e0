package people

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/breachdesk/breachdesk/app/store"
)

// The pieces of the person import that the order import (app/orders)
// reuses: the same decoding, bounds, card-number guard and stored-file
// handling, so that both imports keep the same promises.

// ErrUTF16 is what Decode fails with for a UTF-16 file.
var ErrUTF16 = errUTF16

// Decode detects the encoding of a streamed file (UTF-8 with or without a
// byte-order mark, else Shift_JIS/CP932) and returns a reader of its UTF-8
// text and the encoding's name.
func Decode(r io.Reader) (io.Reader, string, error) { return decode(r) }

// NewLimitReader fails once more than max bytes were read (ReadError
// says so), instead of silently cutting the file.
func NewLimitReader(r io.Reader, max int64) io.Reader { return &limitReader{r: r, left: max} }

// RecordLimit bounds one CSV record (see recordLimit): Reset before each.
type RecordLimit struct{ recordLimit }

// NewRecordLimit wraps r.
func NewRecordLimit(r io.Reader) *RecordLimit { return &RecordLimit{recordLimit{r: r}} }

// Reset starts a new record.
func (l *RecordLimit) Reset() { l.reset() }

// ReadError turns a failure to read an upload into a validation error the
// user can act on (line is where the failing record starts), naming the
// limit maxBytes when the file was too large. It never repeats content.
func ReadError(err error, line int, maxBytes int64) error {
	return (&Service{maxBytes: maxBytes}).readErr(err, line)
}

// MaskCell is the card-number guard every cell passes before anything
// else reads it: each card number becomes "[brand ****last4]"; it returns
// how many it masked.
func MaskCell(s string) (string, int) { return maskCell(s) }

// CardFromCell reads a card-number cell (masked, partly masked or last
// four digits): the brand when the number told it, and the last four
// digits; ok is false when fewer than four digits are there.
func CardFromCell(s string) (brand, last4 string, ok bool) { return cardFromCell(s) }

// NormaliseBrand writes a card brand the way the rest of BreachDesk does.
func NormaliseBrand(s string) string { return normaliseBrand(s) }

// NormaliseHeader folds the ways one column name gets written (NFKC, case,
// underscores, spaces, a "required" marker), for comparing headers.
func NormaliseHeader(h string) string { return normaliseHeader(h) }

// SanitiseFilename makes a client's file name fit to show.
func SanitiseFilename(name string) string { return sanitiseFilename(name) }

// SafeErr keeps PostgreSQL's messages, which may quote a value, out of an
// error (see safeErr).
func SafeErr(op string, err error) error { return safeErr(op, err) }

// Spill keeps written bytes in memory up to a limit, then in an unlinked
// temporary file (see spill). Only masked data may be written to it.
type Spill struct{ spill }

// NewSpill returns a spill that keeps up to memMax bytes in memory.
func NewSpill(memMax int) *Spill { return &Spill{spill{memMax: memMax}} }

// Reader reads back everything written, from the start.
func (s *Spill) Reader() (io.Reader, error) { return s.reader() }

// Close drops the data (and the temporary file).
func (s *Spill) Close() { s.close() }

// fileTables are the tables of stored uploads, by import kind: the only
// names StoreFile and NewFileReader put into their SQL.
var fileTables = map[string]bool{"import_files": true, "order_import_files": true}

func checkFileTable(table string) {
	if !fileTables[table] {
		panic(fmt.Sprintf("people: %q is not a table of stored uploads", table))
	}
}

// StoreFile writes r into table (import_files or order_import_files) in
// pieces of a few MiB, so that neither this process nor one statement
// holds all of it.
func StoreFile(ctx context.Context, tx *sql.Tx, table string, importID int64, r io.Reader) error {
	checkFileTable(table)
	buf := make([]byte, filePieceBytes)
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			// database/sql directly: GORM's logger would print the values
			// of a slow statement, and these are personal data.
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (import_id, seq, data) VALUES ($1, $2, $3)`, importID, seq, buf[:n]); err != nil {
				return safeErr("store file", err)
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// NewFileReader streams an import's stored pieces from table in order.
func NewFileReader(ctx context.Context, st *store.Store, table string, importID int64) io.Reader {
	checkFileTable(table)
	return &fileReader{ctx: ctx, st: st, table: table, importID: importID}
}

func (f *fileReader) Read(p []byte) (int, error) {
	for len(f.buf) == 0 {
		if f.eof {
			return 0, io.EOF
		}
		err := f.st.Pool.QueryRow(f.ctx, `SELECT data FROM `+f.table+` WHERE import_id = $1 AND seq = $2`, f.importID, f.seq).Scan(&f.buf)
		if errors.Is(err, pgx.ErrNoRows) {
			f.eof = true
			continue
		}
		if err != nil {
			return 0, err
		}
		f.seq++
	}
	n := copy(p, f.buf)
	f.buf = f.buf[n:]
	return n, nil
}

// LooksUTF8 reports whether head, the start of a file (all of it when
// complete), is valid UTF-8, allowing one rune cut off at its end.
func LooksUTF8(head []byte, complete bool) bool { return validUTF8Prefix(head, complete) }

// MaskedCSV writes the CSV of an upload (masked cells only) into a
// spill, buffered.
type MaskedCSV struct {
	bw *bufio.Writer
	w  *csv.Writer
}

// NewMaskedCSV writes into dst (a Spill).
func NewMaskedCSV(dst io.Writer) *MaskedCSV {
	bw := bufio.NewWriterSize(dst, 64<<10)
	return &MaskedCSV{bw: bw, w: csv.NewWriter(bw)}
}

// Write writes one record.
func (m *MaskedCSV) Write(rec []string) error { return m.w.Write(rec) }

// Flush writes out what is buffered.
func (m *MaskedCSV) Flush() error {
	if m.w.Flush(); m.w.Error() != nil {
		return m.w.Error()
	}
	return m.bw.Flush()
}
