package pdf

import (
	"bytes"
	"context"
	"fmt"
	"strings"
)

// Letter is one personal letter of a print run: the approved document
// text, addressed to one person.
type Letter struct {
	PostalCode string
	Address    string
	Name       string // without honorific; 様 (or nothing in English) is added
	// Reference is printed small under the address block and in the page
	// header, so that the call centre and returned mail can find the letter.
	Reference string
	Doc       Document
}

// The address block sits where the window of a 長形3号 window envelope is
// when an A4 sheet is folded in three: about 23 mm from the left and 15 mm
// from the top, 90 × 45 mm.
const (
	windowX       = 23.0
	windowY       = 16.0
	windowW       = 86.0
	windowH       = 42.0
	letterBodyY   = 68.0 // where the letter text starts on its first page
	sizeAddress   = 10.5
	sizeAddressee = 13.0
)

// RenderLetters lays out many letters in one PDF, each starting on a new
// page with its address block for a window envelope; page numbers count
// within each letter. Letters are never drafts: only an approved text is
// sent. Like Render, the same input gives the same bytes, and it waits for
// its turn until ctx ends.
func (r *Renderer) RenderLetters(ctx context.Context, letters []Letter, meta Meta) (out []byte, err error) {
	if len(letters) == 0 {
		return nil, fmt.Errorf("documents: no letters to render")
	}
	meta.Draft = false
	if err := meta.check(); err != nil {
		return nil, err
	}
	release, err := r.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("documents: gofpdf panicked: %v", p)
		}
	}()
	pdf, err := r.newPDF(meta)
	if err != nil {
		return nil, err
	}
	l := &layout{pdf: pdf, r: r, meta: meta, widths: map[faceRune]int{}}
	pdf.SetHeaderFunc(l.header)
	for i, lt := range letters {
		l.meta.Reference = lt.Reference
		l.noHeader = true // the window must show only the address
		l.newPage()
		l.noHeader = false
		l.starts = append(l.starts, pdf.PageNo())
		l.addressBlock(lt)
		l.y, l.fresh = letterBodyY, true
		if err := l.blocks(lt.Doc.Blocks); err != nil {
			return nil, fmt.Errorf("letter %d (%s): %w", i+1, lt.Reference, err)
		}
	}
	l.footers()
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("documents: write PDF: %w", err)
	}
	return withLang(buf.Bytes(), meta.Lang)
}

// addressBlock writes postal code, address and name inside the envelope
// window, then the letter's reference below it.
func (l *layout) addressBlock(lt Letter) {
	face := fontMain
	lh := lineHeight(sizeAddress, 1.4)
	var lines []string
	name := strings.TrimSpace(lt.Name)
	if l.meta.Lang == "en" {
		lines = append(lines, l.wrap(face, sizeAddress, lt.Address, windowW)...)
		if lt.PostalCode != "" {
			lines = append(lines, lt.PostalCode)
		}
	} else {
		if lt.PostalCode != "" {
			lines = append(lines, "〒"+lt.PostalCode)
		}
		lines = append(lines, l.wrap(face, sizeAddress, lt.Address, windowW)...)
		if name != "" {
			name += " 様"
		}
	}
	nameLines := l.wrap(face, sizeAddressee, name, windowW)
	nameH := lineHeight(sizeAddressee, 1.4)
	// Keep the name inside the window: drop address lines that would push
	// it out rather than print outside (an absurdly long address).
	room := int((windowH - float64(len(nameLines))*nameH - 3) / lh)
	if len(lines) > room {
		lines = append(lines[:max(room-1, 0)], "…")
	}
	l.y = windowY
	l.setFont(face, sizeAddress)
	for _, ln := range lines {
		l.text(windowX, windowW, lh, ln, "L")
	}
	l.y += 3
	l.setFont(face, sizeAddressee)
	for _, ln := range nameLines {
		l.text(windowX, windowW, nameH, ln, "L")
	}
	if lt.Reference != "" {
		l.y = windowY + windowH + 2
		l.setFont(face, sizeSmall)
		l.pdf.SetTextColor(90, 90, 90)
		label := "お問い合わせ番号 " + lt.Reference
		if l.meta.Lang == "en" {
			label = "Reference " + lt.Reference
		}
		l.text(windowX, windowW, 4, label, "L")
		l.pdf.SetTextColor(0, 0, 0)
	}
}

// PlainText turns a document into plain text for an e-mail body: titles
// and headings on their own lines, lists with markers, tables as
// "key: value" lines and the signature right after.
func PlainText(doc Document) string {
	var b strings.Builder
	para := func(s string) {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(strings.TrimRight(s, "\n"))
		b.WriteString("\n")
	}
	for _, bl := range doc.Blocks {
		switch bl.Kind {
		case KindTitle:
			para(bl.Text)
		case KindHeading:
			para("■ " + bl.Text)
		case KindParagraph:
			para(bl.Text)
		case KindList:
			var items []string
			for i, it := range bl.Items {
				m := "・"
				if bl.Ordered {
					m = fmt.Sprintf("%d. ", bl.Start+i)
				}
				items = append(items, m+strings.ReplaceAll(it, "\n", "\n   "))
			}
			para(strings.Join(items, "\n"))
		case KindKV:
			var rows []string
			for _, r := range bl.Rows {
				rows = append(rows, strings.ReplaceAll(r.Key, "\n", " ")+": "+r.Value)
			}
			para(strings.Join(rows, "\n"))
		case KindSignature:
			para(strings.Join(bl.Lines, "\n"))
		}
	}
	return b.String()
}
