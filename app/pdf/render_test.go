package pdf

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The PDF checks use poppler's pdftotext and pdftoppm. They are installed
// here and in CI (poppler-utils); elsewhere the tests skip, but in CI a
// missing tool or font is a failure, not a silent skip.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not installed: apt-get install poppler-utils", name)
		}
		t.Skipf("%s not installed (apt-get install poppler-utils)", name)
	}
	return p
}

var sharedRenderer = sync.OnceValues(func() (*Renderer, error) {
	path, err := FindFont(os.Getenv("BREACHDESK_PDF_FONT"))
	if err != nil {
		return nil, err
	}
	return NewRenderer(path)
})

func testRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := sharedRenderer()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return r
}

func render(t testing.TB, doc Document, meta Meta) []byte {
	t.Helper()
	out, err := testRenderer(t).Render(context.Background(), doc, meta)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// pdfText extracts text in content-stream order (-raw): our renderer writes
// every line with one CellFormat call and table keys before values, so each
// extracted line is one rendered line, and each cell's text comes out whole.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin := requireTool(t, "pdftotext")
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-raw", "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

var footerJA = regexp.MustCompile(`^(\d+) / (\d+) ページ$`)

// contentLines drops page furniture from extracted lines: the header, the
// footer, the draft notice and the diagonal watermark (one glyph per line,
// right before the header).
func contentLines(text string, meta Meta) []string {
	header := strings.TrimSpace(meta.Organisation + " " + meta.Reference)
	var out []string
	for _, ln := range strings.Split(text, "\n") {
		ln = strings.TrimSpace(strings.Trim(ln, "\f"))
		switch {
		case ln == "", ln == header, footerJA.MatchString(ln), ln == "下書き（DRAFT）：承認前":
			continue
		}
		out = append(out, ln)
	}
	// The watermark is "DRAFT 下書き" drawn first on each page.
	mark := []string{"D", "R", "A", "F", "T", "下", "書", "き"}
	for i := 0; i+len(mark) <= len(out); i++ {
		if slices.Equal(out[i:i+len(mark)], mark) {
			out = slices.Delete(out, i, i+len(mark))
			i--
		}
	}
	return out
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// texts lists every piece of text of doc in reading order.
func texts(doc Document) []string {
	var out []string
	for _, b := range doc.Blocks {
		if b.Text != "" {
			out = append(out, b.Text)
		}
		out = append(out, b.Items...)
		for _, kv := range b.Rows {
			out = append(out, kv.Key, kv.Value)
		}
		out = append(out, b.Lines...)
	}
	return out
}

// checkAllText verifies that every piece of doc appears, whole and in
// order, in the extracted text (whitespace ignored on both sides). A kanji
// dropped or moved at a wrap breaks the piece and fails the check.
func checkAllText(t *testing.T, doc Document, lines []string) {
	t.Helper()
	all := stripSpace(strings.Join(lines, ""))
	pos := 0
	for _, piece := range texts(doc) {
		want := stripSpace(piece)
		i := strings.Index(all[pos:], want)
		if i < 0 {
			near := strings.ToValidUTF8(all[pos:min(len(all), pos+300)], "")
			t.Fatalf("text not found whole and in order:\n want %q\n after %q", want, near)
		}
		pos += i + len(want)
	}
}

// checkKinsoku verifies that no extracted line starts with a character that
// must not start a line, or ends with one that must not end it.
func checkKinsoku(t *testing.T, lines []string) {
	t.Helper()
	for _, ln := range lines {
		first, _ := utf8.DecodeRuneInString(ln)
		last, _ := utf8.DecodeLastRuneInString(ln)
		if NoLineStart(first) || NoLineEnd(last) {
			t.Errorf("kinsoku violation in extracted line %q", ln)
		}
	}
}

func TestRenderNotice(t *testing.T) {
	t.Parallel()
	doc, err := sampleDoc()
	if err != nil {
		t.Fatal(err)
	}
	for _, draft := range []bool{false, true} {
		t.Run(fmt.Sprintf("draft=%v", draft), func(t *testing.T) {
			t.Parallel()
			meta := sampleMeta(draft)
			pdf := render(t, doc, meta)
			text := pdfText(t, pdf)
			lines := contentLines(text, meta)
			checkAllText(t, doc, lines)
			checkKinsoku(t, lines)

			// Page numbers: "N / M ページ" for every page, M > 1.
			var pages []string
			for _, ln := range strings.Split(text, "\n") {
				if m := footerJA.FindStringSubmatch(strings.TrimSpace(strings.Trim(ln, "\f"))); m != nil {
					pages = append(pages, m[1]+"/"+m[2])
				}
			}
			if len(pages) < 2 {
				t.Fatalf("page footers %q: want a multi-page document", pages)
			}
			for i, p := range pages {
				if want := fmt.Sprintf("%d/%d", i+1, len(pages)); p != want {
					t.Errorf("footer %d is %s, want %s", i, p, want)
				}
			}

			hasDraft := strings.Contains(text, "DRAFT") || strings.Contains(text, "下書き")
			if hasDraft != draft {
				t.Errorf("draft mark present = %v, want %v", hasDraft, draft)
			}
			if draft && strings.Count(text, "下書き（DRAFT）：承認前") != len(pages) {
				t.Errorf("draft notice not on every page")
			}
			if !strings.Contains(text, meta.Organisation+" "+meta.Reference) {
				t.Errorf("header with organisation and reference missing")
			}
		})
	}
}

// TestRenderPNG rasterises the first page: it must exist and carry real
// content. A copy goes to /tmp/breachdesk-render-check.png for a human look.
func TestRenderPNG(t *testing.T) {
	t.Parallel()
	bin := requireTool(t, "pdftoppm")
	doc, err := sampleDoc()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, render(t, doc, sampleMeta(true)), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	png, err := os.ReadFile(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	// A blank A4 page at 80 dpi compresses to a few kB; a page of Japanese
	// text is well over 50 kB.
	if len(png) < 50_000 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("page 1 PNG is %d bytes; expected a page full of text", len(png))
	}
	_ = os.WriteFile("/tmp/breachdesk-render-check.png", png, 0o644)
}

func TestRenderDeterministic(t *testing.T) {
	t.Parallel()
	doc, err := sampleDoc()
	if err != nil {
		t.Fatal(err)
	}
	first := render(t, doc, sampleMeta(true))
	// Concurrent renders share the Renderer; they must not interfere and
	// must give the same bytes (run with -race to check the sharing).
	r := testRenderer(t)
	var wg sync.WaitGroup
	outs := make([][]byte, 4)
	errs := make([]error, len(outs))
	for i := range outs {
		wg.Go(func() { outs[i], errs[i] = r.Render(context.Background(), doc, sampleMeta(true)) })
	}
	wg.Wait()
	for i, o := range outs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !bytes.Equal(first, o) {
			t.Fatalf("render %d differs from the first (%d vs %d bytes)", i, len(o), len(first))
		}
	}
	if !bytes.Contains(first, []byte("/CreationDate (D:20261124100000)")) {
		t.Errorf("creation date is not GeneratedAt")
	}
}

// Renders wait their turn: however many are asked for at once, no more
// than the bound run together, so rendering takes the memory of that many
// renders, not of the burst.
func TestRendersRunInBoundedSlots(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(testRenderer(t).main.path, WithMaxConcurrent(2))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(letterSource)
	if err != nil {
		t.Fatal(err)
	}
	letters := []Letter{{PostalCode: "100-0001", Address: "東京都千代田区千代田1-1", Name: "山田 花子", Reference: "L-1", Doc: doc}}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			var err error
			if i%2 == 0 {
				_, err = r.Render(context.Background(), doc, sampleMeta(true))
			} else {
				_, err = r.RenderLetters(context.Background(), letters, sampleMeta(false))
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := r.peak.Load(); p < 1 || p > 2 {
		t.Fatalf("%d renders ran at once, want at most 2", p)
	}
	if n := r.running.Load(); n != 0 {
		t.Fatalf("%d renders still hold a slot", n)
	}
}

// A render that gets no slot waits until its context ends, then fails
// with the context's error and renders nothing.
func TestRenderWaitsForASlotUntilItsContextEnds(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(testRenderer(t).main.path, WithMaxConcurrent(1))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(letterSource)
	if err != nil {
		t.Fatal(err)
	}
	r.slots <- struct{}{} // the one slot is taken
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if out, err := r.Render(ctx, doc, sampleMeta(true)); !errors.Is(err, context.Canceled) || out != nil {
		t.Fatalf("Render without a slot: %d bytes, %v", len(out), err)
	}
	if out, err := r.RenderLetters(ctx, []Letter{{Name: "山田 花子", Doc: doc}}, sampleMeta(false)); !errors.Is(err, context.Canceled) || out != nil {
		t.Fatalf("RenderLetters without a slot: %d bytes, %v", len(out), err)
	}
	<-r.slots // freed: the same render goes through
	if _, err := r.Render(context.Background(), doc, sampleMeta(true)); err != nil {
		t.Fatal(err)
	}
}

func TestRenderLongTableRowAndEnglish(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("非常に長い値が複数ページにまたがる場合でも、行は正しく分割され、文字は一つも失われません。Long value, 4,800 records; ", 40)
	doc := Document{Blocks: []Block{
		{Kind: KindTitle, Text: "Notice of Data Breach"},
		{Kind: KindParagraph, Text: "What happened: on 15 September 2026 we learned that an unauthorised party had altered our checkout page."},
		{Kind: KindKV, Rows: []KVRow{{"Short", "value"}, {"Long", long}, {"After", "the long row"}}},
		{Kind: KindList, Ordered: true, Start: 9, Items: []string{"nine", "ten, which is long enough to wrap onto a second line when the item text goes on and on and on and on"}},
	}}
	meta := Meta{Title: "Notice", Organisation: "Demo Shop Ltd.", Reference: "BD-1", Lang: "en", GeneratedAt: sampleAt}
	text := pdfText(t, render(t, doc, meta))
	var lines []string
	for _, ln := range strings.Split(text, "\n") {
		ln = strings.TrimSpace(strings.Trim(ln, "\f"))
		if ln == "" || ln == "Demo Shop Ltd. BD-1" || regexp.MustCompile(`^Page \d+ / \d+$`).MatchString(ln) {
			continue
		}
		lines = append(lines, ln)
	}
	checkAllText(t, doc, lines)
	checkKinsoku(t, lines)
	if !strings.Contains(text, "Page 1 / ") || footerJA.MatchString(text) || strings.Contains(text, "DRAFT") {
		t.Errorf("English footer expected, no draft mark:\n%s", text[:min(len(text), 400)])
	}
	if !strings.Contains(text, "Page 2 / ") {
		t.Errorf("the long row should span pages")
	}
	if !strings.Contains(text, "9. nine") || !strings.Contains(text, "10. ten") {
		t.Errorf("ordered list must number from Start")
	}
}

func TestRenderMissingGlyphs(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	doc := Document{Blocks: []Block{{Kind: KindParagraph, Text: "吉と𠮷（U+20BB7）😀\u200bと\tタブ"}}}
	if got, want := r.MissingGlyphs(doc), []rune{'😀', '𠮷'}; !slices.Equal(got, want) {
		t.Errorf("MissingGlyphs = %q, want %q", got, want)
	}
	text := pdfText(t, render(t, doc, Meta{GeneratedAt: sampleAt}))
	if !strings.Contains(text, "吉と〓（U+20BB7）〓と タブ") {
		t.Errorf("missing glyphs should print as 〓, got %q", text)
	}
}

func TestRenderMetaValidation(t *testing.T) {
	t.Parallel()
	r := testRenderer(t)
	if _, err := r.Render(context.Background(), Document{}, Meta{}); err == nil || !strings.Contains(err.Error(), "GeneratedAt") {
		t.Errorf("zero GeneratedAt: err = %v", err)
	}
	if _, err := r.Render(context.Background(), Document{}, Meta{Lang: "fr", GeneratedAt: sampleAt}); err == nil || !strings.Contains(err.Error(), "fr") {
		t.Errorf("Lang fr: err = %v", err)
	}
	if _, err := r.Render(context.Background(), Document{}, Meta{GeneratedAt: sampleAt}); err != nil {
		t.Errorf("empty document: %v", err)
	}
}

func TestFindFont(t *testing.T) {
	t.Parallel()
	if _, err := FindFont("/nonexistent/font.ttf"); err == nil || !strings.Contains(err.Error(), "/nonexistent/font.ttf") || !strings.Contains(err.Error(), "BREACHDESK_PDF_FONT") {
		t.Errorf("bad override: err = %v", err)
	}
	if _, err := findFontIn("", []string{"/nonexistent/ipaexg.ttf"}); err == nil || !strings.Contains(err.Error(), "apt-get install fonts-ipaexfont-gothic") {
		t.Errorf("no font installed: err = %v", err)
	}
	if _, err := os.Stat(GothicFontPath); err == nil {
		if p, err := FindFont(""); err != nil || p != GothicFontPath {
			t.Errorf("FindFont(\"\") = %q, %v; want %s", p, err, GothicFontPath)
		}
	}
}

// sfnt builds a font file with the given version and empty tables.
func sfnt(version uint32, tables ...string) []byte {
	b := binary.BigEndian.AppendUint32(nil, version)
	b = binary.BigEndian.AppendUint16(b, uint16(len(tables)))
	b = append(b, make([]byte, 6)...)
	for _, tag := range tables {
		b = append(b, tag...)
		b = append(b, make([]byte, 4)...)                               // checksum
		b = binary.BigEndian.AppendUint32(b, uint32(12+16*len(tables))) // offset
		b = binary.BigEndian.AppendUint32(b, 0)                         // length
	}
	return b
}

func TestNewRendererRejectsUnusableFonts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		path string
		want string
	}{
		{filepath.Join(dir, "missing.ttf"), "no such file"},
		{write("short.ttf", []byte("ab")), "too short"},
		{write("noto.ttc", sfnt(0x74746366)), ".ttc"},
		{write("cff.otf", sfnt(0x4F54544F)), "CFF"},
		{write("junk.ttf", bytes.Repeat([]byte{0x42}, 64)), "not a TrueType font"},
		{write("noglyf.ttf", sfnt(0x00010000, "cmap", "head")), "no glyf table"},
		{write("nocmap.ttf", sfnt(0x00010000, "cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "OS/2", "post")), "cmap"},
	}
	// A real TrueType font without Japanese glyphs, if the system has one.
	if _, err := os.Stat("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"); err == nil {
		tests = append(tests, struct{ path, want string }{"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "not a Japanese font"})
	}
	for _, tt := range tests {
		_, err := NewRenderer(tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewRenderer(%s): err = %v, want it to mention %q", filepath.Base(tt.path), err, tt.want)
		}
		if err != nil && !strings.Contains(err.Error(), "no such file") && !strings.Contains(err.Error(), "fonts-ipaexfont-gothic") {
			t.Errorf("NewRenderer(%s): error %q should say which package to install", filepath.Base(tt.path), err)
		}
	}
}

func TestWithBodyFontMincho(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(MinchoFontPath); err != nil {
		t.Skip("fonts-ipaexfont-mincho not installed")
	}
	main, err := FindFont(os.Getenv("BREACHDESK_PDF_FONT"))
	if err != nil {
		t.Skip(err)
	}
	r, err := NewRenderer(main, WithBodyFont(MinchoFontPath))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(letterSource)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := r.Render(context.Background(), doc, sampleMeta(false))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(pdf, []byte("/FontFile2")); n != 2 {
		t.Errorf("%d embedded fonts, want 2 (Gothic and Mincho)", n)
	}
	checkAllText(t, doc, contentLines(pdfText(t, pdf), sampleMeta(false)))
}
