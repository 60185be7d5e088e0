package pdf

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// grammarSeeds are block-grammar texts for the Parse and Render fuzzers:
// every construct, the error cases and hostile text.
var grammarSeeds = []string{
	"# お詫びとお知らせ\n\n## 1. 経緯\n本文\n続き\n\n- a\n- b\n3. c\n| k | v\n| 空欄 |\n@pagebreak\n@sign 2026年 | 会社 | 名前",
	"### h3\n1. one\n2. two\n\n\\# not a heading \\| \\\\ \\n break",
	"#", "# ", "####x", "-", "-x", "|", "| |", "| a | b | c", "@", "@sign", "@sign |", "@pagebreak x", "@unknown",
	"1234567890. x", "123456789. x", "0. zero", "\\", "x\\", "\\q", "\\\u3042", "a\r\nb\rc", "\t  # x  \t",
	"<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "'; DROP TABLE cases; --",
	"吉と𠮷😀\u200b\u202eabc\x00\xff", strings.Repeat("長い段落", 200), strings.Repeat("| k | v\n", 30),
}

// FuzzParse: Parse never panics, and an error names a line of the input.
// What it accepts is written back with Escape in every position (title,
// heading, list item, table cell, @sign line, paragraph) and parses to the
// same blocks: escaped text cannot change the structure or the text.
func FuzzParse(f *testing.F) {
	for _, s := range grammarSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		doc, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			lines := strings.Count(strings.ReplaceAll(src, "\r\n", "\n"), "\n") + 1
			if !errors.As(err, &se) || se.Line < 1 || se.Line > lines || se.Msg == "" {
				t.Fatalf("Parse(%q): %v is not a SyntaxError naming one of %d lines", src, err, lines)
			}
			return
		}
		for _, b := range doc.Blocks {
			if b.Kind < KindTitle || b.Kind > KindPageBreak || b.Line < 1 {
				t.Fatalf("Parse(%q): bad block %#v", src, b)
			}
		}
		again, err := Parse(format(doc))
		if err != nil {
			t.Fatalf("re-parse of %q:\n%s\n%v", src, format(doc), err)
		}
		// Escape drops carriage returns (they render as nothing), so a
		// lone CR the parser kept inside a text is the one difference.
		if !reflect.DeepEqual(withoutLines(again), withoutLines(withoutCR(doc))) {
			t.Fatalf("round trip of %q changed the document:\n%#v\n%#v", src, doc.Blocks, again.Blocks)
		}
	})
}

// FuzzEscapeInBlocks: a value escaped into each position of the grammar
// comes back as the same text (minus the surrounding white space the
// parser trims), in a block of the kind the template meant. FuzzEscape
// covers the paragraph; this covers the rest, and EscapeParagraphs.
func FuzzEscapeInBlocks(f *testing.F) {
	for _, v := range hostile {
		f.Add(v)
	}
	for _, v := range grammarSeeds {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		cell := strings.TrimFunc(strings.ReplaceAll(v, "\r", ""), func(r rune) bool { return unicode.IsSpace(r) && r != '\n' })
		if cell != "" {
			e := Escape(v)
			src := "# " + e + "\n\n## " + e + "\n\n### " + e + "\n\n- " + e + "\n\n7. " + e + "\n\n| " + e + " | " + e + "\n\n@sign " + e + " | " + e
			doc, err := Parse(src)
			if err != nil {
				t.Fatalf("escaped %q: %v\n%s", v, err, src)
			}
			want := []Block{
				{Kind: KindTitle, Text: cell},
				{Kind: KindHeading, Level: 2, Text: cell},
				{Kind: KindHeading, Level: 3, Text: cell},
				{Kind: KindList, Items: []string{cell}},
				{Kind: KindList, Ordered: true, Start: 7, Items: []string{cell}},
				{Kind: KindKV, Rows: []KVRow{{cell, cell}}},
				{Kind: KindSignature, Lines: []string{cell, cell}},
			}
			if got := withoutLines(doc).Blocks; !reflect.DeepEqual(got, want) {
				t.Fatalf("escaped %q:\n%s\ngot  %#v\nwant %#v", v, src, got, want)
			}
		}
		// A textarea's text: its paragraphs, each one paragraph block.
		doc, err := Parse(EscapeParagraphs(v))
		if err != nil {
			t.Fatalf("EscapeParagraphs(%q): %v", v, err)
		}
		var want []Block
		for _, p := range splitParagraphs(strings.ReplaceAll(v, "\r\n", "\n")) {
			want = append(want, Block{Kind: KindParagraph, Text: strings.Trim(strings.ReplaceAll(p, "\r", ""), " \t")})
		}
		if got := withoutLines(doc).Blocks; !reflect.DeepEqual(got, want) {
			t.Fatalf("EscapeParagraphs(%q):\ngot  %#v\nwant %#v", v, got, want)
		}
	})
}

// FuzzRender lays out whatever Parse accepts, with the same text as the
// PDF's title, organisation and reference: the renderer returns a PDF or
// an error, never panics, and fails on no text a user could type.
func FuzzRender(f *testing.F) {
	for _, s := range grammarSeeds {
		f.Add(s)
	}
	r := testRenderer(f)
	f.Fuzz(func(t *testing.T, src string) {
		doc, err := Parse(src)
		if err != nil || len(src) > 4<<10 {
			return
		}
		pdf, err := r.Render(context.Background(), doc, Meta{Title: src, Organisation: src, Reference: src, Lang: "ja", GeneratedAt: sampleAt})
		if err != nil || len(pdf) == 0 {
			t.Fatalf("Render(%q): %d bytes, %v", src, len(pdf), err)
		}
	})
}

// withoutLines drops the source line numbers, which differ between a
// document and its re-formatted text.
func withoutLines(doc Document) Document {
	var out Document
	for _, b := range doc.Blocks {
		b.Line = 0
		out.Blocks = append(out.Blocks, b)
	}
	return out
}

// withoutCR removes carriage returns from every text of doc.
func withoutCR(doc Document) Document {
	cr := func(s string) string { return strings.ReplaceAll(s, "\r", "") }
	out := Document{Blocks: make([]Block, len(doc.Blocks))}
	for i, b := range doc.Blocks {
		b.Text = cr(b.Text)
		b.Items, b.Lines, b.Rows = mapStrings(b.Items, cr), mapStrings(b.Lines, cr), append([]KVRow(nil), b.Rows...)
		for j := range b.Rows {
			b.Rows[j] = KVRow{cr(b.Rows[j].Key), cr(b.Rows[j].Value)}
		}
		if len(b.Rows) == 0 {
			b.Rows = nil
		}
		out.Blocks[i] = b
	}
	return out
}

func mapStrings(xs []string, f func(string) string) []string {
	if xs == nil {
		return nil
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// format writes doc back in the block grammar, every text escaped.
func format(doc Document) string {
	var b strings.Builder
	for _, bl := range doc.Blocks {
		switch bl.Kind {
		case KindTitle:
			b.WriteString("# " + Escape(bl.Text))
		case KindHeading:
			b.WriteString(strings.Repeat("#", bl.Level) + " " + Escape(bl.Text))
		case KindParagraph:
			b.WriteString(Escape(bl.Text))
		case KindList:
			for i, it := range bl.Items {
				if bl.Ordered {
					b.WriteString(strconv.Itoa(bl.Start+i) + ". " + Escape(it) + "\n")
				} else {
					b.WriteString("- " + Escape(it) + "\n")
				}
			}
		case KindKV:
			for _, r := range bl.Rows {
				b.WriteString("| " + Escape(r.Key) + " | " + Escape(r.Value) + "\n")
			}
		case KindSignature:
			cells := make([]string, len(bl.Lines))
			for i, l := range bl.Lines {
				cells[i] = Escape(l)
			}
			b.WriteString("@sign " + strings.Join(cells, " | "))
		case KindPageBreak:
			b.WriteString("@pagebreak")
		default:
			panic(fmt.Sprintf("unknown block kind %v", bl.Kind))
		}
		b.WriteString("\n\n")
	}
	return b.String()
}
