package evidence

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/encoding/japanese"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/pan"
)

// Finding is one card number found in an upload: where, and what the
// guard keeps of it.
type Finding struct {
	Member string `json:"member,omitempty"` // inside an archive: the member's path
	Line   int    `json:"line,omitempty"`   // in text
	Page   int    `json:"page,omitempty"`   // in a PDF
	Card   string `json:"card"`             // brand and last four, as masked
}

// message says where f was found and what: "logs/app.log: line 3
// ([visa ****1111])", "PDF page 2 (…)", in the reader's language.
func (f Finding) message() apperr.Message {
	at := apperr.Msg("evidence.where_line", f.Line)
	if f.Page > 0 {
		at = apperr.Msg("evidence.where_page", f.Page)
	}
	return apperr.Msg("validation.card_found", prefix(f.Member), at, f.Card)
}

// Bounds of a scan, so that a small upload cannot make the server inflate
// or walk without end: the content inflated from archives, compressed
// streams and PDFs together, the archive members and PDF pages read, and
// how deep archives nest.
const (
	scanInflateBudget = 128 << 20
	scanMaxMembers    = 10_000
	scanMaxPages      = 2_000
	scanMaxDepth      = 3
	maxFindings       = 20
)

// errUnscannable is content the scan cannot read within its bounds (an
// archive bomb, an encrypted archive or PDF): since nothing says it holds
// no card number, it is not stored either.
var errUnscannable = errors.New("cannot be checked for card numbers")

// scanner reads an upload the way a person opening it would, and collects
// the card numbers it holds.
type scanner struct {
	budget   int64 // bytes left to inflate
	found    []Finding
	total    int
	problems []string
}

// scanCardNumbers looks for card numbers in an upload: its text (UTF-8 or
// Shift_JIS, or the printable parts of a binary file), the members of zip
// archives and gzip files, and the text of PDFs (their content streams and
// what their fonts map to). It reports the first findings and how many
// there are, or errUnscannable.
func scanCardNumbers(data []byte) ([]Finding, int, error) {
	s := &scanner{budget: scanInflateBudget}
	s.content(data, "", 0)
	if len(s.problems) > 0 {
		return s.found, s.total, fmt.Errorf("%w: %s", errUnscannable, strings.Join(s.problems, "; "))
	}
	return s.found, s.total, nil
}

func (s *scanner) add(f Finding) {
	s.total++
	if len(s.found) < maxFindings {
		s.found = append(s.found, f)
	}
}

// content scans one file by what it is (the name only helps to say where).
func (s *scanner) content(data []byte, name string, depth int) {
	if depth > scanMaxDepth {
		s.problems = append(s.problems, name+" is nested too deeply")
		return
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		s.zip(data, name, depth)
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		s.gzip(data, name, depth)
	case bytes.HasPrefix(data, []byte("%PDF-")):
		s.pdf(data, name)
	default:
		s.text(data, name)
	}
}

// prefix names a location inside an archive.
func prefix(name string) string {
	if name == "" {
		return ""
	}
	return name + ": "
}

// text scans data as text, naming lines. Invalid UTF-8 is read as
// Shift_JIS when it decodes as such, else its bytes end digit runs.
func (s *scanner) text(data []byte, name string) {
	t := string(data)
	if !utf8.ValidString(t) {
		if d, err := japanese.ShiftJIS.NewDecoder().Bytes(data); err == nil && utf8.Valid(d) {
			t = string(d)
		} else {
			t = strings.ToValidUTF8(t, "\x7f")
		}
	}
	// Windows of text with an overlap longer than any written card number,
	// so that most of a large file is passed over by a count of digits.
	const window, overlap = 64 << 10, 256
	line, counted := 1, 0
	lastEnd := -1
	for start := 0; start < len(t); start += window - overlap {
		end := min(len(t), start+window)
		for end < len(t) && !utf8.RuneStart(t[end]) {
			end++
		}
		for start > 0 && start < len(t) && !utf8.RuneStart(t[start]) {
			start++
		}
		w := t[start:end]
		if pan.Digits(w) >= 13 {
			for _, m := range pan.Find(w) {
				at := start + m.Start
				if at < lastEnd {
					continue // seen in the previous window's overlap
				}
				lastEnd = start + m.End
				line += strings.Count(t[counted:at], "\n")
				counted = at
				s.add(Finding{Member: name, Line: line, Card: m.Masked()})
			}
		}
		if end == len(t) {
			break
		}
	}
}

// inflate reads r up to what is left of the budget. Over the budget is a
// problem (the scan stops); damaged means r ended with an error, and what
// was read before is returned.
func (s *scanner) inflate(r io.Reader, name string) (b []byte, damaged error, ok bool) {
	b, err := io.ReadAll(io.LimitReader(r, s.budget+1))
	if int64(len(b)) > s.budget {
		s.problems = append(s.problems, fmt.Sprintf("%s expands to more than %d MiB", cmpName(name), scanInflateBudget>>20))
		return nil, nil, false
	}
	s.budget -= int64(len(b))
	return b, err, true
}

func cmpName(name string) string {
	if name == "" {
		return "the file"
	}
	return name
}

func (s *scanner) zip(data []byte, name string, depth int) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		s.text(data, name) // not an archive after all
		return
	}
	if len(zr.File) > scanMaxMembers {
		s.problems = append(s.problems, fmt.Sprintf("%s has more than %d members", cmpName(name), scanMaxMembers))
		return
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		member := path.Join(name, f.Name)
		if f.Flags&0x1 != 0 {
			s.problems = append(s.problems, member+" is encrypted")
			continue
		}
		rc, err := f.Open()
		if err != nil {
			s.problems = append(s.problems, member+" cannot be read: "+err.Error())
			continue
		}
		b, damaged, ok := s.inflate(rc, member)
		rc.Close()
		if !ok {
			return
		}
		if damaged != nil {
			s.problems = append(s.problems, member+" is damaged: "+damaged.Error())
			continue
		}
		s.content(b, member, depth+1)
	}
}

func (s *scanner) gzip(data []byte, name string, depth int) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		s.text(data, name)
		return
	}
	member := cmpName(name)
	if zr.Name != "" {
		member = path.Join(name, zr.Name)
	}
	b, damaged, ok := s.inflate(zr, member)
	switch {
	case !ok:
	case damaged != nil:
		s.problems = append(s.problems, member+" is damaged: "+damaged.Error())
	default:
		s.content(b, member, depth+1)
	}
}

// pdf scans a PDF's text as a reader sees it, page by page. (Its bytes
// are not read as text: coordinates, cross-reference tables and font
// programs are full of digits that are no one's card number.) Its streams
// are inflated first, within the budget, so that a bomb is stopped before
// the PDF library inflates them without a bound.
func (s *scanner) pdf(data []byte, name string) {
	s.pdfStreams(data, name)
	if len(s.problems) > 0 {
		return
	}
	if bytes.Contains(data, []byte("/Encrypt")) {
		s.problems = append(s.problems, cmpName(name)+" is an encrypted PDF")
		return
	}
	defer func() {
		// The PDF library panics on some damaged files.
		if recover() != nil {
			s.problems = append(s.problems, cmpName(name)+" is a damaged PDF")
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		s.problems = append(s.problems, cmpName(name)+" is not a PDF that can be read: "+err.Error())
		return
	}
	fonts := map[string]*pdf.Font{}
	pages := min(r.NumPage(), scanMaxPages)
	for i := 1; i <= pages; i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		for _, fn := range p.Fonts() {
			if _, ok := fonts[fn]; !ok {
				f := p.Font(fn)
				fonts[fn] = &f
			}
		}
		text, err := p.GetPlainText(fonts)
		if err != nil {
			continue
		}
		for _, m := range pan.Find(text) {
			s.add(Finding{Member: name, Page: i, Card: m.Masked()})
		}
	}
}

// pdfStreams inflates every compressed stream of a PDF within the budget,
// to know that reading the PDF stays within it.
func (s *scanner) pdfStreams(data []byte, name string) {
	rest := data
	for n := 0; ; n++ {
		i := bytes.Index(rest, []byte("stream"))
		if i < 0 {
			return
		}
		body := rest[i+len("stream"):]
		if bytes.HasPrefix(body, []byte("\r\n")) {
			body = body[2:]
		} else if bytes.HasPrefix(body, []byte("\n")) {
			body = body[1:]
		} else {
			rest = body
			continue
		}
		j := bytes.Index(body, []byte("endstream"))
		if j < 0 {
			return
		}
		stream := body[:j]
		rest = body[j+len("endstream"):]
		zr, err := zlib.NewReader(bytes.NewReader(stream))
		if err != nil {
			continue // not a Flate stream: its bytes were scanned as the file's
		}
		// Counted, not kept; a stream cut short counts as far as it goes.
		got, _ := io.Copy(io.Discard, io.LimitReader(zr, s.budget+1))
		if got > s.budget {
			s.problems = append(s.problems, fmt.Sprintf("%s stream %d expands to more than %d MiB", cmpName(name), n+1, scanInflateBudget>>20))
			return
		}
		s.budget -= got
	}
}
