package pdf

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	lpdf "github.com/ledongthuc/pdf"
)

// pdfInfo runs poppler's pdfinfo on out and returns its fields; anything
// pdfinfo says on stderr (a broken cross-reference table) fails the test.
func pdfInfo(t *testing.T, out []byte) map[string]string {
	t.Helper()
	bin := requireTool(t, "pdfinfo")
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, out, 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "-enc", "UTF-8", in)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("pdfinfo: %v\n%s", err, stderr.String())
	}
	fields := map[string]string{}
	for _, ln := range strings.Split(stdout.String(), "\n") {
		if k, v, ok := strings.Cut(ln, ":"); ok {
			fields[k] = strings.TrimSpace(v)
		}
	}
	return fields
}

// pdfLang reads /Lang from the catalog with an independent PDF parser,
// which also has to follow the cross-reference table withLang moved.
func pdfLang(t *testing.T, out []byte) string {
	t.Helper()
	r, err := lpdf.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Fatalf("PDF does not parse: %v", err)
	}
	if r.NumPage() < 1 {
		t.Fatal("no pages")
	}
	return r.Trailer().Key("Root").Key("Lang").Text()
}

// Generated PDFs say what they are (title, author, subject, creator) and
// in which language, for readers' document properties, document
// management systems and screen readers; and embed only the glyphs they
// use, not the whole Japanese font.
func TestPDFMetadataLanguageAndFontSubset(t *testing.T) {
	t.Parallel()
	doc, err := sampleDoc()
	if err != nil {
		t.Fatal(err)
	}
	meta := sampleMeta(false)
	out := render(t, doc, meta)
	info := pdfInfo(t, out)
	for k, want := range map[string]string{"Title": meta.Title, "Author": meta.Organisation, "Subject": meta.Reference, "Creator": "BreachDesk"} {
		if info[k] != want {
			t.Errorf("%s = %q, want %q", k, info[k], want)
		}
	}
	if got := pdfLang(t, out); got != "ja" {
		t.Errorf("/Lang = %q, want ja", got)
	}

	// Without an organisation the author is BreachDesk; English letters
	// say en.
	en := sampleMeta(false)
	en.Organisation, en.Lang, en.Title = "", "en", "Notice of a personal data breach"
	letters, err := testRenderer(t).RenderLetters(context.Background(), []Letter{{PostalCode: "100-0001", Address: "1-1 Chiyoda", Name: "Hanako Yamada", Reference: "L-1", Doc: doc}}, en)
	if err != nil {
		t.Fatal(err)
	}
	info = pdfInfo(t, letters)
	if info["Author"] != "BreachDesk" || info["Title"] != en.Title || info["Subject"] != en.Reference {
		t.Errorf("letters metadata %v", info)
	}
	if got := pdfLang(t, letters); got != "en" {
		t.Errorf("letters /Lang = %q, want en", got)
	}

	// The font is subset: the PDF is a small fraction of the TrueType file.
	fi, err := os.Stat(testRenderer(t).main.path)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(out))*10 > fi.Size() {
		t.Errorf("PDF of %d bytes against a %d-byte font %s: the font is not subset", len(out), fi.Size(), testRenderer(t).main.path)
	}
	t.Logf("PDF %d bytes, font %s %d bytes", len(out), testRenderer(t).main.path, fi.Size())
}

// withLang refuses a layout it does not know rather than write a broken
// cross-reference table.
func TestWithLangRefusesAnUnexpectedLayout(t *testing.T) {
	t.Parallel()
	if _, err := withLang([]byte("%PDF-1.3\nno catalog here\nstartxref\n9\n%%EOF\n"), "ja"); err == nil {
		t.Error("a PDF without gofpdf's catalog must be refused, not corrupted")
	}
}
