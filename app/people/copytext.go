package people

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// copyPeopleSQL loads new persons; the id comes from the sequence.
var copyPeopleSQL = "COPY people (" + strings.Join(personColumns[1:], ", ") + ", created_at, updated_at) FROM STDIN"

// copyNew COPYs new persons in COPY's text format, written straight from
// the records. pgx's CopyFrom boxes every value in an interface and plans
// its binary encoding value by value; at a million rows that was the Go
// side's largest cost, on a machine whose other core runs the COPY.
// Every row is stamped now (created_at and updated_at).
func copyNew(ctx context.Context, tx pgx.Tx, imp *Import, ps []*person, now time.Time) error {
	if len(ps) == 0 {
		return nil
	}
	prefix := append(strconv.AppendInt(nil, imp.OrganisationID, 10), '\t')
	prefix = append(strconv.AppendInt(prefix, imp.CaseID, 10), '\t')
	stamp := now.UTC().Format("2006-01-02 15:04:05.999999-07")
	suffix := []byte("\t" + stamp + "\t" + stamp + "\n")
	r := &copyReader{ps: ps, prefix: prefix, suffix: suffix, importID: imp.ID}
	_, err := tx.Conn().PgConn().CopyFrom(ctx, r, copyPeopleSQL)
	return err
}

// copyReader produces the COPY text of persons as it is read.
type copyReader struct {
	ps       []*person
	prefix   []byte // organisation and case, the same in every row
	suffix   []byte // created_at and updated_at, the same in every row
	importID int64
	buf      []byte
	off      int
}

func (c *copyReader) Read(p []byte) (int, error) {
	for c.off == len(c.buf) {
		if len(c.ps) == 0 {
			return 0, io.EOF
		}
		c.buf, c.off = c.buf[:0], 0
		for len(c.ps) > 0 && len(c.buf) < 32<<10 {
			c.buf = c.appendRow(c.buf, c.ps[0])
			c.ps = c.ps[1:]
		}
	}
	n := copy(p, c.buf[c.off:])
	c.off += n
	return n, nil
}

// appendRow writes one line in personColumns[1:] order, then the stamps.
func (c *copyReader) appendRow(b []byte, p *person) []byte {
	r := &p.rec
	lang := r.Language
	if lang == "" {
		lang = "ja"
	}
	b = append(b, c.prefix...)
	for _, s := range [...]string{r.CustomerID, r.Name, r.NameKana, r.PostalCode, r.Address, r.Email, r.Phone, lang, r.Residency} {
		b = append(appendCopyText(b, s), '\t')
	}
	b = append(appendCopyText(b, arrayLiteral(r.DataItems)), '\t')
	b = append(appendCopyText(b, r.CardBrand), '\t')
	b = append(appendCopyText(b, r.CardLast4), '\t')
	b = append(appendCopyText(b, extraJSON(r.Extra)), '\t')
	b = strconv.AppendInt(b, c.importID, 10)
	text, kana, phone := r.searchColumns()
	for _, s := range [...]string{text, kana, phone} {
		b = appendCopyText(append(b, '\t'), s)
	}
	return append(b, c.suffix...)
}

// appendCopyText escapes s for COPY's text format: backslash, tab, newline
// and carriage return are the characters it gives a meaning. (NUL never
// gets here: the upload refuses it.)
func appendCopyText(b []byte, s string) []byte {
	for {
		i := strings.IndexAny(s, "\\\t\n\r")
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		switch s[i] {
		case '\\':
			b = append(b, `\\`...)
		case '\t':
			b = append(b, `\t`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		}
		s = s[i+1:]
	}
}

// arrayLiteral writes a text[] value: every element quoted, with its
// quotes and backslashes escaped.
func arrayLiteral(items []string) string {
	if len(items) == 0 {
		return "{}"
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for j := 0; j < len(it); j++ {
			if it[j] == '"' || it[j] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(it[j])
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}
