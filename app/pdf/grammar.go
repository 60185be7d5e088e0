package pdf

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"unicode/utf8"
)

// The block grammar is what our text/template templates produce. It is line
// based, so a template stays readable and a diff of a template is a diff of
// the document:
//
//	# Title                        title
//	## Heading                     heading, level 2 (### gives level 3)
//	- item                         bullet list item; consecutive items form one list
//	1. item                        numbered item; numbering starts at the first number
//	| key | value                  key–value table row; consecutive rows form one table
//	@sign date | company | name    signature/date block, one line per cell, right-aligned
//	@pagebreak                     start a new page
//	(blank line)                   ends a paragraph, list or table
//	anything else                  paragraph text; consecutive lines are joined
//
// Leading and trailing spaces and tabs of a line are ignored (template
// indentation). A line starting with #, -, |, @ or \ is always markup, and an
// unknown marker is an error rather than text, so typos in templates fail
// loudly. Inside text, a backslash escapes: \\ is a backslash, \n a line break
// inside the block, and \ before any other ASCII punctuation or digit stands
// for that character (so \| is a literal | in a table cell and \# a literal #
// at the start of a line). Any other backslash sequence is an error.
//
// Values from users must go through Escape or EscapeParagraphs (the template
// functions "inline" and "esc") so that they can never become markup.

// Kind is the type of a block.
type Kind int

// The block kinds of the grammar.
const (
	KindTitle     Kind = iota + 1 // "# text"
	KindHeading                   // "## text" (Level 2) or "### text" (Level 3)
	KindParagraph                 // plain lines
	KindList                      // "- item" or "1. item"
	KindKV                        // "| key | value"
	KindSignature                 // "@sign a | b | c"
	KindPageBreak                 // "@pagebreak"
)

// String returns the kind's name, for error messages and test failures.
func (k Kind) String() string {
	switch k {
	case KindTitle:
		return "title"
	case KindHeading:
		return "heading"
	case KindParagraph:
		return "paragraph"
	case KindList:
		return "list"
	case KindKV:
		return "kv"
	case KindSignature:
		return "signature"
	case KindPageBreak:
		return "pagebreak"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Document is a parsed template output: blocks in reading order.
type Document struct {
	Blocks []Block
}

// Block is one element of a document. Only the fields of its Kind are set.
// Text may contain "\n" for an explicit line break inside the block.
type Block struct {
	Kind    Kind
	Line    int      // source line where the block starts
	Level   int      // KindHeading: 2 or 3
	Text    string   // KindTitle, KindHeading, KindParagraph
	Ordered bool     // KindList: numbered rather than bulleted
	Start   int      // KindList: number of the first item when Ordered
	Items   []string // KindList
	Rows    []KVRow  // KindKV
	Lines   []string // KindSignature
}

// KVRow is one row of a key–value table.
type KVRow struct {
	Key, Value string
}

// SyntaxError is a grammar error; Line is 1-based so that template authors can
// find it in the rendered template text.
type SyntaxError struct {
	Line int
	Msg  string
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("documents: line %d: %s", e.Line, e.Msg)
}

// Parse parses block-grammar text (usually template output) into a Document.
// Errors are *SyntaxError and name the line.
func Parse(src string) (Document, error) {
	p := parser{}
	src = strings.ReplaceAll(src, "\r\n", "\n")
	for i, raw := range strings.Split(src, "\n") {
		if err := p.line(i+1, strings.Trim(raw, " \t\r")); err != nil {
			return Document{}, err
		}
	}
	p.flush()
	return Document{Blocks: p.blocks}, nil
}

// Execute runs a template (which should have been created with Funcs) and
// parses its output. It is the one call the document builders need.
func Execute(t *template.Template, data any) (Document, error) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return Document{}, fmt.Errorf("documents: execute template %s: %w", t.Name(), err)
	}
	doc, err := Parse(buf.String())
	if err != nil {
		return Document{}, fmt.Errorf("template %s: %w", t.Name(), err)
	}
	return doc, nil
}

type parser struct {
	blocks []Block
	cur    *Block // open paragraph, list or table
}

func (p *parser) flush() {
	if p.cur != nil {
		p.blocks = append(p.blocks, *p.cur)
		p.cur = nil
	}
}

func (p *parser) add(b Block) {
	p.flush()
	p.blocks = append(p.blocks, b)
}

func (p *parser) line(no int, s string) error {
	errf := func(format string, args ...any) error {
		return &SyntaxError{Line: no, Msg: fmt.Sprintf(format, args...)}
	}
	if s == "" {
		p.flush()
		return nil
	}
	switch s[0] {
	case '#':
		level := len(s) - len(strings.TrimLeft(s, "#"))
		rest := s[level:]
		if level <= 3 && rest == "" {
			return errf("empty title or heading")
		}
		if level > 3 || !strings.HasPrefix(rest, " ") {
			return errf("%q is not a title or heading (use \"# \", \"## \" or \"### \"; write \\# for a literal #)", s)
		}
		text, err := unescape(strings.TrimSpace(rest), no)
		if err != nil {
			return err
		}
		if text == "" {
			return errf("empty title or heading")
		}
		if level == 1 {
			p.add(Block{Kind: KindTitle, Line: no, Text: text})
		} else {
			p.add(Block{Kind: KindHeading, Line: no, Level: level, Text: text})
		}
		return nil
	case '-':
		if s == "-" {
			return errf("empty list item")
		}
		if !strings.HasPrefix(s, "- ") {
			return errf("%q is not a list item (use \"- item\"; write \\- for a literal -)", s)
		}
		return p.item(no, false, 0, s[2:])
	case '|':
		cells, err := splitCells(s[1:], no)
		if err != nil {
			return err
		}
		if len(cells) == 3 && cells[2] == "" { // tolerate "| key | value |"
			cells = cells[:2]
		}
		if len(cells) != 2 || cells[0] == "" {
			return errf("a table row is \"| key | value\" (got %d cells; write \\| for a literal |)", len(cells))
		}
		if p.cur == nil || p.cur.Kind != KindKV {
			p.flush()
			p.cur = &Block{Kind: KindKV, Line: no}
		}
		p.cur.Rows = append(p.cur.Rows, KVRow{Key: cells[0], Value: cells[1]})
		return nil
	case '@':
		name, args, _ := strings.Cut(s[1:], " ")
		args = strings.TrimSpace(args)
		switch name {
		case "pagebreak":
			if args != "" {
				return errf("@pagebreak takes no arguments")
			}
			p.add(Block{Kind: KindPageBreak, Line: no})
		case "sign":
			cells, err := splitCells(args, no)
			if err != nil {
				return err
			}
			if len(cells) == 0 || (len(cells) == 1 && cells[0] == "") {
				return errf("@sign needs at least one line: @sign date | company | name")
			}
			p.add(Block{Kind: KindSignature, Line: no, Lines: cells})
		default:
			return errf("unknown directive @%s (known: @sign, @pagebreak; write \\@ for a literal @)", name)
		}
		return nil
	}
	if n := numberedPrefix(s); n > 0 {
		num, err := strconv.Atoi(s[:n-2])
		if err != nil {
			return errf("list number %q: %v", s[:n-2], err)
		}
		return p.item(no, true, num, s[n:])
	}
	text, err := unescape(s, no)
	if err != nil {
		return err
	}
	if p.cur == nil || p.cur.Kind != KindParagraph {
		p.flush()
		p.cur = &Block{Kind: KindParagraph, Line: no, Text: text}
		return nil
	}
	p.cur.Text = joinLines(p.cur.Text, text)
	return nil
}

// numberedPrefix returns the length of a leading "123. " (digits, dot, space)
// or 0. At most 9 digits so that the number fits an int everywhere.
func numberedPrefix(s string) int {
	i := 0
	for i < len(s) && i < 10 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 9 || !strings.HasPrefix(s[i:], ". ") {
		return 0
	}
	return i + 2
}

func (p *parser) item(no int, ordered bool, num int, rest string) error {
	text, err := unescape(strings.TrimSpace(rest), no)
	if err != nil {
		return err
	}
	if text == "" {
		return &SyntaxError{Line: no, Msg: "empty list item"}
	}
	if p.cur == nil || p.cur.Kind != KindList || p.cur.Ordered != ordered {
		p.flush()
		p.cur = &Block{Kind: KindList, Line: no, Ordered: ordered, Start: num}
	}
	p.cur.Items = append(p.cur.Items, text)
	return nil
}

// joinLines joins two source lines of one paragraph. Japanese has no spaces
// between words, so lines meet directly when either side is a wide (CJK)
// character; Latin text gets a space. An explicit break needs no separator.
func joinLines(a, b string) string {
	if a == "" || b == "" || strings.HasSuffix(a, "\n") {
		return a + b
	}
	l, _ := utf8.DecodeLastRuneInString(a)
	f, _ := utf8.DecodeRuneInString(b)
	if l >= 0x2E80 || f >= 0x2E80 || l == ' ' {
		return a + b
	}
	return a + " " + b
}

// splitCells splits s at unescaped "|" and unescapes and trims each cell.
func splitCells(s string, no int) ([]string, error) {
	var cells []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // skip the escaped byte; unescape validates it
		case '|':
			cells = append(cells, s[start:i])
			start = i + 1
		}
	}
	cells = append(cells, s[start:])
	for i, c := range cells {
		u, err := unescape(strings.TrimSpace(c), no)
		if err != nil {
			return nil, err
		}
		cells[i] = u
	}
	return cells, nil
}

// unescape resolves backslash escapes in one line of text.
func unescape(s string, no int) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(s) {
			return "", &SyntaxError{Line: no, Msg: `backslash at end of line (write \\ for a backslash)`}
		}
		i++
		switch e := s[i]; {
		case e == 'n':
			b.WriteByte('\n')
		case isASCIIPunct(e) || (e >= '0' && e <= '9'):
			b.WriteByte(e)
		default:
			r, _ := utf8.DecodeRuneInString(s[i:])
			return "", &SyntaxError{Line: no, Msg: fmt.Sprintf(`unknown escape \%c (write \\ for a backslash)`, r)}
		}
	}
	return b.String(), nil
}

func isASCIIPunct(c byte) bool {
	return c > ' ' && c < 0x7F && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z')
}

// Escape makes s safe to insert anywhere text is expected: in a paragraph, a
// heading, a list item, a table cell or a @sign line. Backslashes and "|" are
// escaped, newlines become explicit line breaks (so s stays on one source
// line), and a leading character that could start markup is escaped.
func Escape(s string) string {
	s = strings.ReplaceAll(s, "\r", "") // CRLF → LF; a lone CR breaks nothing we render
	var b strings.Builder
	b.Grow(len(s) + 8)
	lead := strings.TrimLeft(s, " \t")
	if lead != "" && (strings.ContainsRune("#-@", rune(lead[0])) || (lead[0] >= '0' && lead[0] <= '9')) {
		b.WriteString(s[:len(s)-len(lead)])
		b.WriteByte('\\')
		s = lead
	}
	// Byte-wise: every special character is ASCII, and other bytes (even
	// invalid UTF-8) pass through untouched.
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '|':
			b.WriteString(`\|`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// EscapeParagraphs escapes multi-paragraph user text (a textarea) for use as
// block content on a line of its own: blank lines separate paragraphs, single
// newlines stay line breaks inside a paragraph.
func EscapeParagraphs(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var paras []string
	for _, para := range splitParagraphs(s) {
		paras = append(paras, Escape(para))
	}
	return strings.Join(paras, "\n\n")
}

// splitParagraphs splits at lines that are empty or only whitespace.
func splitParagraphs(s string) []string {
	var out []string
	var cur []string
	for _, ln := range strings.Split(s, "\n") {
		if strings.TrimSpace(ln) == "" {
			if len(cur) > 0 {
				out = append(out, strings.Join(cur, "\n"))
				cur = nil
			}
			continue
		}
		cur = append(cur, ln)
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, "\n"))
	}
	return out
}

// Funcs returns the template functions every document template gets:
// "esc" for block content (EscapeParagraphs) and "inline" for values inside a
// heading, list item, table cell or @sign line (Escape). Both accept any value
// and format it with fmt.Sprint, so numbers and dates can be passed directly.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"esc":    func(v any) string { return EscapeParagraphs(fmt.Sprint(v)) },
		"inline": func(v any) string { return Escape(fmt.Sprint(v)) },
	}
}
