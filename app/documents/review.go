package documents

import (
	"slices"
	"strings"

	"github.com/breachdesk/breachdesk/app/pdf"
)

// The words a document prints where a fact is not known yet.
const (
	UnknownJA = "（未確定）"
	UnknownEN = "(not yet known)"
)

// Block is one block of a composed document as a page shows it for review:
// Kind is "title", "heading", "paragraph", "list", "kv" or "signature".
type Block struct {
	Kind  string
	Text  string
	Items []string
	Rows  []pdf.KVRow
	// Unfilled marks a block that still prints the unknown marker.
	Unfilled bool
}

// Review is a composed document as legal reads it before approving: its
// blocks, and the items still printed as not known.
type Review struct {
	Blocks   []Block
	Unfilled []string
}

// ReviewOf reads composed (a document's template output, the text its PDF
// is rendered from). The unfilled items are named by their row label, or
// by the heading of the section whose text is unknown, each once, in
// reading order. Text that does not parse gives an empty review: the
// document then failed to render and has nothing to approve.
func ReviewOf(composed string) Review {
	doc, err := pdf.Parse(composed)
	if err != nil {
		return Review{}
	}
	var r Review
	heading := ""
	note := func(item string) {
		if item != "" && !slices.Contains(r.Unfilled, item) {
			r.Unfilled = append(r.Unfilled, item)
		}
	}
	for _, b := range doc.Blocks {
		v := Block{Kind: b.Kind.String(), Text: b.Text, Items: b.Items, Rows: b.Rows}
		switch b.Kind {
		case pdf.KindHeading:
			heading = b.Text
		case pdf.KindKV:
			for _, row := range b.Rows {
				if unknown(row.Value) {
					v.Unfilled = true
					note(row.Key)
				}
			}
		case pdf.KindParagraph, pdf.KindList:
			if unknown(b.Text) || slices.ContainsFunc(b.Items, unknown) {
				v.Unfilled = true
				note(heading)
			}
		case pdf.KindPageBreak:
			continue
		}
		r.Blocks = append(r.Blocks, v)
	}
	return r
}

func unknown(s string) bool { return strings.Contains(s, UnknownJA) || strings.Contains(s, UnknownEN) }
