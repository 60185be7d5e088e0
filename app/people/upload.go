package people

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/pan"
)

// Bounds of the file's shape, so that no single record can take an
// unbounded amount of memory.
const (
	maxColumns      = 300
	maxHeaderRunes  = 200
	maxRecordBytes  = 1 << 20
	filePieceBytes  = 4 << 20 // one import_files row
	defaultFilename = "people.csv"
)

var (
	errTooLarge       = errors.New("upload too large")
	errRecordTooLarge = errors.New("record too large")
)

// upload is a received file after masking: a UTF-8 CSV whose first column
// is the record's line number in the original file (so that errors name
// the line the user sees), kept in memory or, beyond memSpill, in an
// unlinked temporary file. It only ever holds masked text.
type upload struct {
	encoding string
	mapping  []ColumnMapping
	rows     int64
	masked   int64
	data     spill
}

// readUpload reads r once: decode → CSV → PAN guard → CSV into the spill.
func (s *Service) readUpload(r io.Reader, explicit map[string]string) (*upload, error) {
	up := &upload{data: spill{memMax: s.memSpill}}
	ok := false
	defer func() {
		if !ok {
			up.close()
		}
	}()
	dec, enc, err := decode(&limitReader{r: r, left: s.maxBytes})
	if err != nil {
		return nil, s.readErr(err, 0)
	}
	up.encoding = enc
	rl := &recordLimit{r: dec}
	cr := csv.NewReader(rl)
	cr.FieldsPerRecord, cr.ReuseRecord = -1, true
	w := NewMaskedCSV(&up.data)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, apperr.Invalid("file", "validation.empty")
	}
	if err != nil {
		return nil, s.readErr(err, 1)
	}
	out := make([]string, 0, len(header)+1)
	line, _ := cr.FieldPos(0)
	out = append(out, strconv.Itoa(line))
	for i, h := range header {
		h, n := maskCell(strings.TrimSpace(h))
		up.masked += int64(n)
		if utf8.RuneCountInString(h) > maxHeaderRunes || !utf8.ValidString(h) || strings.IndexByte(h, 0) >= 0 {
			return nil, apperr.Invalid("file", "validation.csv_header", i+1, maxHeaderRunes)
		}
		out = append(out, h)
	}
	if len(header) > maxColumns {
		return nil, apperr.Invalid("file", "validation.csv_columns", maxColumns)
	}
	if up.mapping, err = resolveMapping(out[1:], explicit); err != nil {
		return nil, err
	}
	if err := w.Write(out); err != nil {
		return nil, err
	}
	for {
		rl.reset()
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
			// A column that is not imported is not kept either: its cells
			// (a security code, say) never reach the stored file.
			if i >= len(up.mapping) || !up.mapping[i].Kept() {
				out = append(out, "")
				continue
			}
			if !utf8.ValidString(cell) {
				return nil, apperr.Invalid("file", "validation.csv_line_utf8", line)
			}
			// PostgreSQL stores no NUL in text: the job's COPY would fail.
			if strings.IndexByte(cell, 0) >= 0 {
				return nil, apperr.Invalid("file", "validation.csv_line_nul", line)
			}
			cell, n := maskCell(cell)
			up.masked += int64(n)
			blank = blank && strings.TrimSpace(cell) == ""
			out = append(out, cell)
		}
		if blank {
			continue // a row of empty cells (Excel leaves them) is no person
		}
		if err := w.Write(out); err != nil {
			return nil, err
		}
		up.rows++
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

// readErr turns a failure to read the upload into what the user can act
// on. csv's messages name line and column, never the content.
func (s *Service) readErr(err error, line int) error {
	var pe *csv.ParseError
	switch {
	case errors.Is(err, errTooLarge):
		return apperr.Invalid("file", "validation.file_too_large_mib", s.maxBytes>>20)
	case errors.Is(err, errRecordTooLarge):
		return apperr.Invalid("file", "validation.csv_record_too_large", line)
	case errors.Is(err, errUTF16):
		return apperr.Invalid("file", "validation.csv_utf16")
	case errors.As(err, &pe):
		return apperr.Invalid("file", "validation.csv_parse", pe.Line, pe.Column, pe.Err.Error())
	}
	return fmt.Errorf("people: read upload: %w", err)
}

// store writes the masked file into import_files in pieces, so that
// neither this process nor a single statement holds all of it.
func (u *upload) store(ctx context.Context, tx *sql.Tx, importID int64) error {
	r, err := u.data.reader()
	if err != nil {
		return err
	}
	return StoreFile(ctx, tx, "import_files", importID, r)
}

func (u *upload) close() { u.data.close() }

// spill keeps written bytes in memory up to memMax, then moves them to a
// temporary file, which is unlinked as soon as it is created: it never
// shows up in a directory listing and vanishes with the process even on a
// crash. Only masked data is ever written to it.
type spill struct {
	memMax int
	buf    bytes.Buffer
	f      *os.File
}

func (s *spill) Write(p []byte) (int, error) {
	if s.f == nil && s.buf.Len()+len(p) > s.memMax {
		f, err := os.CreateTemp("", "breachdesk-import-*") // mode 0600
		if err != nil {
			return 0, err
		}
		_ = os.Remove(f.Name())
		s.f = f
		if _, err := s.buf.WriteTo(f); err != nil {
			return 0, err
		}
		s.buf = bytes.Buffer{}
	}
	if s.f != nil {
		return s.f.Write(p)
	}
	return s.buf.Write(p)
}

func (s *spill) reader() (io.Reader, error) {
	if s.f == nil {
		return bytes.NewReader(s.buf.Bytes()), nil
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return bufio.NewReaderSize(s.f, 64<<10), nil
}

func (s *spill) close() {
	if s.f != nil {
		_ = s.f.Close()
		s.f = nil
	}
	s.buf = bytes.Buffer{}
}

// limitReader fails with errTooLarge past the upload limit, instead of
// silently cutting the file like io.LimitReader.
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, errTooLarge
	}
	return n, err
}

// recordLimit fails with errRecordTooLarge when one CSV record (whose
// quoted cells may span lines) grows past maxRecordBytes; reset is called
// before each record. The csv reader buffers a few KiB ahead, well within.
type recordLimit struct {
	r io.Reader
	n int
}

func (l *recordLimit) reset() { l.n = 0 }

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.n > maxRecordBytes {
		return 0, errRecordTooLarge
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}

// sanitiseFilename makes the client's file name fit to show: no directory
// part, no control characters, card numbers masked, at most 255
// characters.
func sanitiseFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, name))
	name, _ = pan.Mask(name)
	if r := []rune(name); len(r) > 255 {
		name = string(r[:255])
	}
	if name == "" || name == "." || name == ".." {
		return defaultFilename
	}
	return name
}
