package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/jung-kurt/gofpdf"
)

// This file is the only place that imports gofpdf. Every piece of text goes
// through Wrap and is written one line at a time with CellFormat: gofpdf's
// MultiCell, SplitText and SplitLines lose or mangle Japanese at line breaks.

// Meta is what a rendered PDF needs besides its blocks.
type Meta struct {
	Title        string    // PDF metadata title
	Organisation string    // page header, left
	Reference    string    // page header, right: the case reference
	Lang         string    // "ja" (default) or "en": page numbers and the draft mark
	Draft        bool      // mark every page "DRAFT / 下書き" until approved
	Drill        bool      // label every page "訓練 / DRILL": a tabletop exercise's document, not an incident's
	GeneratedAt  time.Time // PDF creation and modification date; required so output is reproducible
}

// Option configures a Renderer.
type Option func(*rendererConfig) error

type rendererConfig struct {
	bodyFont   string
	concurrent int
}

// WithBodyFont sets a second font for running text (paragraphs, lists, table
// values, signatures), typically MinchoFontPath for formal letters. Titles,
// headings, table keys, headers and footers stay in the main font. It costs a
// second font parse per document.
func WithBodyFont(path string) Option {
	return func(c *rendererConfig) error {
		if path == "" {
			return errors.New("documents: WithBodyFont: empty path")
		}
		c.bodyFont = path
		return nil
	}
}

// WithMaxConcurrent sets how many renders may run at once (see Renderer);
// by default one per core.
func WithMaxConcurrent(n int) Option {
	return func(c *rendererConfig) error {
		if n < 1 {
			return fmt.Errorf("documents: WithMaxConcurrent(%d): want at least 1", n)
		}
		c.concurrent = n
		return nil
	}
}

// Renderer turns Documents into PDFs. It holds the validated font bytes, read
// once; it is safe for concurrent use (each Render builds its own gofpdf
// document, because gofpdf cannot share a parsed font).
//
// A render holds its own copy and parse of the font and the whole PDF
// until it is written: about 15 MiB at its peak for a one-page document,
// 55 MiB for a chunk of 500 letters. Renders are bounded as Argon2 runs
// are in app/auth: at most one per core runs at once (more would not
// finish sooner, as rendering is all computation), and the others wait
// their turn, so a burst of letter chunks, approvals and exports takes
// memory in proportion to the cores, not to the burst.
type Renderer struct {
	main, body *fontFile
	// slots holds a token per render running.
	slots chan struct{}
	// running and peak count renders in progress and their most at once,
	// for the test that holds the bound.
	running, peak atomic.Int64
}

// NewRenderer loads and validates the font at fontPath (see FindFont) and any
// option fonts, then renders a small test document so that a font gofpdf
// cannot use fails here, at start-up, rather than in a worker later.
func NewRenderer(fontPath string, opts ...Option) (*Renderer, error) {
	var cfg rendererConfig
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	main, err := loadFont(fontPath)
	if err != nil {
		return nil, err
	}
	if cfg.concurrent == 0 {
		cfg.concurrent = runtime.GOMAXPROCS(0)
	}
	r := &Renderer{main: main, body: main, slots: make(chan struct{}, cfg.concurrent)}
	if cfg.bodyFont != "" {
		if r.body, err = loadFont(cfg.bodyFont); err != nil {
			return nil, err
		}
	}
	probe := Document{Blocks: []Block{
		{Kind: KindTitle, Text: "フォント確認 Font check"},
		{Kind: KindParagraph, Text: "漢字かなカナ、ABC 123。"},
	}}
	if _, err := r.Render(context.Background(), probe, Meta{Lang: "ja", GeneratedAt: time.Unix(0, 0).UTC()}); err != nil {
		return nil, fmt.Errorf("documents: font check with %s failed: %w", fontPath, err)
	}
	return r, nil
}

// Page geometry in millimetres (A4 portrait) and type sizes in points.
const (
	pageW, pageH   = 210.0, 297.0
	marginX        = 20.0
	contentW       = pageW - 2*marginX
	contentTop     = 24.0
	contentBottom  = pageH - 20.0
	headerY        = 9.0
	headerRuleY    = 15.0
	footerY        = pageH - 14.0
	ptToMM         = 25.4 / 72
	sizeTitle      = 16.0
	sizeH2         = 13.0
	sizeH3         = 11.5
	sizeBody       = 10.5
	sizeTable      = 10.0
	sizeSmall      = 8.0
	sizeDraft      = 72.0
	leadingBody    = 1.7 // line height / type size: Japanese needs more air than Latin
	leadingDisplay = 1.45
	cellPad        = 1.8
	fontMain       = "main"
	fontBody       = "body"
)

// Render lays out doc as an A4 PDF. The same doc and meta give byte-identical
// output. Characters the font lacks are replaced with 〓 (geta, the Japanese
// typesetting mark for a missing character) instead of printing tofu; use
// MissingGlyphs to warn an editor before rendering. It waits for its turn
// (see Renderer) until ctx ends.
func (r *Renderer) Render(ctx context.Context, doc Document, meta Meta) (out []byte, err error) {
	if err := meta.check(); err != nil {
		return nil, err
	}
	release, err := r.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	// gofpdf panics on some inputs instead of returning errors; a bad document
	// must fail its job, not crash the worker process.
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
	l.newPage()
	if err := l.blocks(doc.Blocks); err != nil {
		return nil, err
	}
	l.footers()
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("documents: write PDF: %w", err)
	}
	return withLang(buf.Bytes(), meta.Lang)
}

// acquire waits for a render slot until ctx ends; release gives it back.
func (r *Renderer) acquire(ctx context.Context) (release func(), err error) {
	select {
	case r.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("documents: waiting for a render slot: %w", ctx.Err())
	}
	n := r.running.Add(1)
	for p := r.peak.Load(); n > p && !r.peak.CompareAndSwap(p, n); p = r.peak.Load() {
	}
	return func() {
		r.running.Add(-1)
		<-r.slots
	}, nil
}

// check validates meta and sets the default language.
func (m *Meta) check() error {
	if m.GeneratedAt.IsZero() {
		return errors.New("documents: Meta.GeneratedAt is required (it fixes the PDF dates so output is reproducible)")
	}
	// gofpdf's UTF-16 conversion of the metadata panics on invalid UTF-8;
	// the page text has its own fallback (〓), the metadata gets U+FFFD.
	m.Title = strings.ToValidUTF8(m.Title, "\uFFFD")
	m.Organisation = strings.ToValidUTF8(m.Organisation, "\uFFFD")
	m.Reference = strings.ToValidUTF8(m.Reference, "\uFFFD")
	switch m.Lang {
	case "":
		m.Lang = "ja"
	case "ja", "en":
	default:
		return fmt.Errorf("documents: unsupported language %q (want ja or en)", m.Lang)
	}
	return nil
}

// newPDF starts a document with fixed dates, metadata and the fonts.
func (r *Renderer) newPDF(meta Meta) (*gofpdf.Fpdf, error) {
	pdf := gofpdf.New("P", "mm", "A4", "")
	// Fixed dates and sorted resource catalogs make output deterministic.
	// gofpdf writes no /ID into the trailer of unencrypted files, so there is
	// nothing random left.
	at := meta.GeneratedAt.UTC()
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	pdf.SetCatalogSort(true)
	// Title, author and subject are what a document management system or
	// a PDF reader's properties show: the document, who issued it, and
	// the case it belongs to.
	pdf.SetTitle(meta.Title, true)
	author := meta.Organisation
	if author == "" {
		author = "BreachDesk"
	}
	pdf.SetAuthor(author, true)
	subject := meta.Reference
	if subject == "" {
		subject = meta.Title
	}
	pdf.SetSubject(subject, true)
	pdf.SetCreator("BreachDesk", true)
	pdf.SetProducer("BreachDesk (gofpdf 1.16.2)", true)
	pdf.SetMargins(marginX, contentTop, marginX)
	pdf.SetAutoPageBreak(false, 0) // we paginate ourselves, per line and per table row
	pdf.SetCellMargin(0)
	// Each document gets its own copy of the font bytes: when gofpdf cuts
	// the font for the PDF, it appends the zeros padding a table to a slice
	// of the bytes it was given, which writes into them (the race detector
	// caught two renders doing so at once). The copy costs a few
	// milliseconds of a render's thirty or so, once per PDF (a chunk of
	// letters is one).
	pdf.AddUTF8FontFromBytes(fontMain, "", bytes.Clone(r.main.data))
	if r.body != r.main {
		pdf.AddUTF8FontFromBytes(fontBody, "", bytes.Clone(r.body.data))
	}
	if pdf.Err() {
		return nil, fmt.Errorf("documents: load font: %w", pdf.Error())
	}
	return pdf, nil
}

// blocks lays out a document's blocks from the current position.
func (l *layout) blocks(bs []Block) error {
	for _, b := range bs {
		l.block(b)
		if l.pdf.Err() {
			return fmt.Errorf("documents: render %s block from line %d: %w", b.Kind, b.Line, l.pdf.Error())
		}
	}
	return nil
}

// MissingGlyphs lists, sorted and without duplicates, the characters of doc
// that the fonts cannot show (Render prints them as 〓).
func (r *Renderer) MissingGlyphs(doc Document) []rune {
	seen := map[rune]bool{}
	check := func(s string) {
		for _, c := range s {
			if c != '\n' && c != '\t' && !skipRune(c) && (!r.main.has(c) || !r.body.has(c)) {
				seen[c] = true
			}
		}
	}
	for _, b := range doc.Blocks {
		check(b.Text)
		for _, s := range b.Items {
			check(s)
		}
		for _, s := range b.Lines {
			check(s)
		}
		for _, kv := range b.Rows {
			check(kv.Key)
			check(kv.Value)
		}
	}
	out := make([]rune, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// skipRune reports characters that are dropped before layout: controls other
// than newline and tab, and invisible format characters (ZWSP, BOM, soft
// hyphen), which have no glyph and no width.
func skipRune(c rune) bool {
	return c != '\n' && c != '\t' && (unicode.IsControl(c) || unicode.Is(unicode.Cf, c))
}

type faceRune struct {
	face string
	r    rune
}

// layout is the state of one Render call.
type layout struct {
	pdf    *gofpdf.Fpdf
	r      *Renderer
	meta   Meta
	y      float64
	fresh  bool // nothing written on the current page yet
	face   string
	size   float64
	widths map[faceRune]int // advance widths in 1/1000 em, per font
	// starts holds the first page of each letter when one file holds many
	// (RenderLetters): page numbers count within a letter.
	starts   []int
	noHeader bool // the first page of a letter: nothing over the envelope window
}

func (l *layout) bodyFace() string {
	if l.r.body != l.r.main {
		return fontBody
	}
	return fontMain
}

func (l *layout) font(face string) *fontFile {
	if face == fontBody {
		return l.r.body
	}
	return l.r.main
}

func (l *layout) setFont(face string, size float64) {
	if face != l.face || size != l.size {
		l.pdf.SetFont(face, "", size)
		l.face, l.size = face, size
	}
}

// clean prepares text for the current font: tabs become spaces, invisible
// characters go, and characters without a glyph become 〓.
func (l *layout) clean(s string) string {
	f := l.font(l.face)
	ok := true
	for _, c := range s {
		if c != '\n' && (c == '\t' || skipRune(c) || !f.has(c)) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '\n':
			b.WriteRune(c)
		case c == '\t':
			b.WriteByte(' ')
		case skipRune(c):
		case !f.has(c):
			if f.has('〓') {
				b.WriteRune('〓')
			} else {
				b.WriteByte('?')
			}
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// measure returns the width in mm of s in the current font and size. Widths
// are cached per rune: gofpdf applies no kerning, so a string is exactly the
// sum of its runes.
func (l *layout) measure(s string) float64 {
	units := 0
	for _, c := range s {
		k := faceRune{l.face, c}
		w, ok := l.widths[k]
		if !ok {
			w = l.pdf.GetStringSymbolWidth(string(c))
			l.widths[k] = w
		}
		units += w
	}
	return float64(units) * l.size * ptToMM / 1000
}

// wrap sets the font and breaks cleaned text into lines of at most width mm.
func (l *layout) wrap(face string, size float64, s string, width float64) []string {
	l.setFont(face, size)
	return Wrap(l.clean(s), width, l.measure)
}

func lineHeight(size, leading float64) float64 { return size * ptToMM * leading }

func (l *layout) newPage() {
	l.pdf.AddPage()
	l.face, l.size = "", 0 // the header changed the font; set it again
	l.y = contentTop
	l.fresh = true
}

// need starts a new page unless h mm fit below the current position.
func (l *layout) need(h float64) {
	if !l.fresh && l.y+h > contentBottom+widthEps {
		l.newPage()
	}
}

// gap adds vertical space, except at the top of a page.
func (l *layout) gap(h float64) {
	if !l.fresh {
		l.y += h
	}
}

// text writes one line at (x, l.y) in a box of width w, aligned "L", "C" or
// "R", and moves down by h.
func (l *layout) text(x, w, h float64, s, align string) {
	l.pdf.SetXY(x, l.y)
	l.pdf.CellFormat(w, h, strings.TrimRight(s, " "), "", 0, align, false, 0, "")
	l.y += h
	l.fresh = false
}

func (l *layout) block(b Block) {
	switch b.Kind {
	case KindTitle:
		l.heading(b.Text, sizeTitle, "C", 0, 6, false)
	case KindHeading:
		if b.Level == 2 {
			l.heading(b.Text, sizeH2, "L", 5, 2.5, true)
		} else {
			l.heading(b.Text, sizeH3, "L", 3.5, 1.5, false)
		}
	case KindParagraph:
		l.paragraph(b.Text)
	case KindList:
		l.list(b)
	case KindKV:
		l.table(b.Rows)
	case KindSignature:
		l.signature(b.Lines)
	case KindPageBreak:
		if !l.fresh {
			l.newPage()
		}
	default:
		l.pdf.SetErrorf("unknown block kind %d", b.Kind)
	}
}

// heading writes a title or heading. IPAex has no bold, so weight comes from
// size, and level-2 headings get a rule underneath. A heading is kept with
// the first two lines of what follows it.
func (l *layout) heading(s string, size float64, align string, before, after float64, rule bool) {
	lines := l.wrap(fontMain, size, s, contentW)
	lh := lineHeight(size, leadingDisplay)
	l.gap(before)
	l.need(float64(len(lines))*lh + after + 2*lineHeight(sizeBody, leadingBody))
	for _, ln := range lines {
		l.text(marginX, contentW, lh, ln, align)
	}
	if rule {
		l.pdf.SetDrawColor(120, 120, 120)
		l.pdf.SetLineWidth(0.3)
		l.pdf.Line(marginX, l.y+0.3, marginX+contentW, l.y+0.3)
	}
	l.y += after
}

// paragraph writes wrapped text. Across a page break it leaves at least two
// lines on each side (no orphan at the foot, no widow at the head of a page).
func (l *layout) paragraph(s string) {
	lh := lineHeight(sizeBody, leadingBody)
	lines := l.wrap(l.bodyFace(), sizeBody, s, contentW)
	for len(lines) > 0 {
		fit := int((contentBottom - l.y + widthEps) / lh)
		if fit < len(lines) && !l.fresh {
			if len(lines)-fit < 2 {
				fit = len(lines) - 2
			}
			if fit < 2 {
				fit = 0
			}
		}
		if fit == 0 && !l.fresh {
			l.newPage()
			continue
		}
		fit = min(max(fit, 1), len(lines))
		for _, ln := range lines[:fit] {
			l.text(marginX, contentW, lh, ln, "L")
		}
		if lines = lines[fit:]; len(lines) > 0 {
			l.newPage()
		}
	}
	l.y += 2.5
}

// list writes items with a hanging indent: the marker sits in its own column
// and wrapped lines align with the item text, not the marker.
func (l *layout) list(b Block) {
	face := l.bodyFace()
	l.setFont(face, sizeBody)
	markers := make([]string, len(b.Items))
	markerW := 0.0
	for i := range b.Items {
		switch {
		case b.Ordered:
			markers[i] = strconv.Itoa(b.Start+i) + "."
		case l.font(face).has('•'):
			markers[i] = "•"
		default:
			markers[i] = "・"
		}
		markerW = max(markerW, l.measure(markers[i]))
	}
	const inset = 3.0
	indent := inset + markerW + 2.0
	lh := lineHeight(sizeBody, leadingBody)
	for i, item := range b.Items {
		lines := l.wrap(face, sizeBody, item, contentW-indent)
		for j, ln := range lines {
			l.need(lh)
			if j == 0 {
				// Numbers are right-aligned so that 9. and 10. line up.
				l.pdf.SetXY(marginX+inset, l.y)
				l.pdf.CellFormat(markerW, lh, markers[i], "", 0, "R", false, 0, "")
			}
			l.text(marginX+indent, contentW-indent, lh, ln, "L")
		}
		l.y += 1.0
	}
	l.y += 1.5
}

// table writes a two-column key–value table with borders. Each row is as
// tall as its taller cell. A row that does not fit on the page moves to the
// next one when it is short, and is split across pages (at least two lines
// per part, borders closed on both pages) when it is long.
func (l *layout) table(rows []KVRow) {
	const size = sizeTable
	lh := lineHeight(size, 1.55)
	keyFace, valFace := fontMain, l.bodyFace()
	l.setFont(keyFace, size)
	keyW := 0.0
	for _, row := range rows {
		for _, ln := range strings.Split(l.clean(row.Key), "\n") {
			keyW = max(keyW, l.measure(ln))
		}
	}
	keyW = min(max(keyW+2*cellPad+0.5, contentW*0.22), contentW*0.38)
	valW := contentW - keyW
	pageRoom := contentBottom - contentTop
	l.gap(1)
	for _, row := range rows {
		keys := l.wrap(keyFace, size, row.Key, keyW-2*cellPad)
		vals := l.wrap(valFace, size, row.Value, valW-2*cellPad)
		total := max(len(keys), len(vals))
		rowH := float64(total)*lh + 2*cellPad
		if l.y+rowH > contentBottom && rowH <= pageRoom/3 {
			l.newPage()
		}
		for i := 0; i < total; {
			fit := int((contentBottom - l.y - 2*cellPad + widthEps) / lh)
			if fit < min(2, total-i) && !l.fresh {
				l.newPage()
				continue
			}
			k := min(max(fit, 1), total-i)
			h := float64(k)*lh + 2*cellPad
			top := l.y
			l.pdf.SetDrawColor(110, 110, 110)
			l.pdf.SetLineWidth(0.25)
			l.pdf.SetFillColor(238, 240, 243)
			l.pdf.Rect(marginX, top, keyW, h, "FD")
			l.pdf.Rect(marginX+keyW, top, valW, h, "D")
			// Keys first, then values: text extraction in stream order then
			// yields each cell's text in one piece.
			l.cellLines(keyFace, size, keys, i, k, marginX+cellPad, keyW-2*cellPad, top+cellPad, lh)
			l.cellLines(valFace, size, vals, i, k, marginX+keyW+cellPad, valW-2*cellPad, top+cellPad, lh)
			l.y = top + h
			l.fresh = false
			i += k
		}
	}
	l.y += 3
}

func (l *layout) cellLines(face string, size float64, lines []string, from, n int, x, w, y, lh float64) {
	l.setFont(face, size)
	for j := from; j < from+n && j < len(lines); j++ {
		l.pdf.SetXY(x, y+float64(j-from)*lh)
		l.pdf.CellFormat(w, lh, strings.TrimRight(lines[j], " "), "", 0, "L", false, 0, "")
	}
}

// signature writes the date/sender block right-aligned, kept on one page.
func (l *layout) signature(lines []string) {
	face := l.bodyFace()
	lh := lineHeight(sizeBody, leadingBody)
	var all []string
	for _, s := range lines {
		all = append(all, l.wrap(face, sizeBody, s, contentW*0.7)...)
	}
	l.gap(6)
	l.need(float64(len(all)) * lh)
	for _, ln := range all {
		l.need(lh)
		l.text(marginX, contentW, lh, ln, "R")
	}
	l.y += 2.5
}

// header runs at the start of every page (gofpdf calls it from AddPage), so
// the draft watermark is drawn before, and therefore under, the page's text.
func (l *layout) header() {
	pdf := l.pdf
	if l.noHeader {
		return
	}
	if l.meta.Draft {
		pdf.SetFont(fontMain, "", sizeDraft)
		pdf.SetTextColor(228, 228, 228)
		label := "DRAFT 下書き"
		w := pdf.GetStringWidth(label)
		cx, cy := pageW/2, pageH/2
		pdf.TransformBegin()
		pdf.TransformRotate(45, cx, cy)
		pdf.Text(cx-w/2, cy+sizeDraft*ptToMM*0.35, label)
		pdf.TransformEnd()
	}
	pdf.SetFont(fontMain, "", sizeSmall)
	pdf.SetTextColor(90, 90, 90)
	half := contentW / 2
	side := half - 2 // the width each side's text may take
	if l.meta.Drill {
		side = half - pdf.GetStringWidth(drillLabel)/2 - 3 // leave the middle to the label
	}
	pdf.SetXY(marginX, headerY)
	pdf.CellFormat(half, 5, l.fit(l.meta.Organisation, side), "", 0, "L", false, 0, "")
	pdf.SetXY(marginX+half, headerY)
	pdf.CellFormat(half, 5, l.fit(l.meta.Reference, side), "", 0, "R", false, 0, "")
	if l.meta.Drill {
		// In the header's middle, in red, on every page: a page copied out
		// of a drill's report still says what it is.
		pdf.SetTextColor(200, 0, 0)
		pdf.SetXY(marginX, headerY)
		pdf.CellFormat(contentW, 5, drillLabel, "", 0, "C", false, 0, "")
	}
	pdf.SetDrawColor(160, 160, 160)
	pdf.SetLineWidth(0.2)
	pdf.Line(marginX, headerRuleY, marginX+contentW, headerRuleY)
	pdf.SetTextColor(0, 0, 0)
}

// drillLabel marks each page of a drill's document, in both languages
// whatever the document's: whoever finds the page must not mistake it.
const drillLabel = "訓練 DRILL"

// fit shortens s with "…" to at most w mm in the current font; header text
// must stay on one line.
func (l *layout) fit(s string, w float64) string {
	s = strings.NewReplacer("\n", " ", "\t", " ").Replace(s)
	f := l.r.main
	rs := slices.DeleteFunc([]rune(s), func(c rune) bool { return skipRune(c) || !f.has(c) })
	s = string(rs)
	if l.pdf.GetStringWidth(s) <= w {
		return s
	}
	for len(rs) > 0 && l.pdf.GetStringWidth(string(rs)+"…") > w {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

// footers writes "N / M ページ" (or "Page N / M") and, for drafts, a draft
// notice on every page once the page count is known, going back with
// SetPage (so no page-count alias has to be patched into the font subset).
func (l *layout) footers() {
	pdf := l.pdf
	total := pdf.PageCount()
	starts := l.starts
	if len(starts) == 0 {
		starts = []int{1}
	}
	for part, first := range starts {
		last := total
		if part+1 < len(starts) {
			last = starts[part+1] - 1
		}
		l.footerPages(first, last)
	}
	pdf.SetTextColor(0, 0, 0)
}

// footerPages numbers pages first..last as one document.
func (l *layout) footerPages(first, last int) {
	pdf := l.pdf
	n := last - first + 1
	for i := 1; i <= n; i++ {
		pdf.SetPage(first + i - 1)
		pdf.SetFont(fontMain, "", sizeSmall) // SetFont always re-emits, so each page gets it
		pdf.SetTextColor(90, 90, 90)
		label := fmt.Sprintf("%d / %d ページ", i, n)
		draft := "下書き（DRAFT）：承認前"
		if l.meta.Lang == "en" {
			label = fmt.Sprintf("Page %d / %d", i, n)
			draft = "DRAFT: not approved"
		}
		pdf.SetXY(marginX, footerY)
		pdf.CellFormat(contentW, 5, label, "", 0, "C", false, 0, "")
		if l.meta.Draft {
			pdf.SetTextColor(200, 0, 0)
			pdf.SetXY(marginX, footerY)
			pdf.CellFormat(contentW, 5, draft, "", 0, "L", false, 0, "")
		}
		if l.meta.Drill {
			pdf.SetTextColor(200, 0, 0)
			pdf.SetXY(marginX, footerY)
			pdf.CellFormat(contentW, 5, drillLabel, "", 0, "R", false, 0, "")
		}
	}
	pdf.SetTextColor(0, 0, 0)
}

// withLang sets the document language (/Lang in the catalog, ISO 32000
// 14.9.2), which screen readers use to pick a voice and which gofpdf has
// no setter for (nor does its XMP stream reach the catalog). gofpdf writes
// the catalog last, after every other object and right before the
// cross-reference table, so inserting the entry only moves the table:
// startxref grows by the inserted length and every object offset stays.
func withLang(out []byte, lang string) ([]byte, error) {
	catalog := []byte("/Type /Catalog\n")
	at := bytes.LastIndex(out, catalog)
	sx := bytes.LastIndex(out, []byte("\nstartxref\n"))
	if at < 0 || sx < at || bytes.Count(out, catalog) != 1 {
		return nil, errors.New("documents: set language: catalog not where gofpdf puts it")
	}
	entry := []byte("/Lang (" + lang + ")\n")
	numAt := sx + len("\nstartxref\n")
	end := bytes.IndexByte(out[numAt:], '\n')
	if end < 0 {
		return nil, errors.New("documents: set language: no startxref offset")
	}
	xref, err := strconv.Atoi(string(out[numAt : numAt+end]))
	if err != nil || xref < at {
		return nil, fmt.Errorf("documents: set language: startxref %q", out[numAt:numAt+end])
	}
	res := make([]byte, 0, len(out)+len(entry)+4)
	res = append(res, out[:at+len(catalog)]...)
	res = append(res, entry...)
	res = append(res, out[at+len(catalog):numAt]...)
	res = strconv.AppendInt(res, int64(xref+len(entry)), 10)
	res = append(res, out[numAt+end:]...)
	return res, nil
}
