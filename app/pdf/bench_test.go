package pdf

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jung-kurt/gofpdf"
)

// The two benchmarks render the same one-page Japanese letter, so that
// letters/s of our renderer can be compared with gofpdf's own MultiCell
// layout (which is faster but drops a kanji at every wrap). Both parse the
// font once per document, which dominates either way.

func BenchmarkRenderLetter(b *testing.B) {
	r := testRenderer(b)
	doc, err := Parse(letterSource)
	if err != nil {
		b.Fatal(err)
	}
	meta := sampleMeta(false)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(context.Background(), doc, meta); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}

func BenchmarkGofpdfBaseline(b *testing.B) {
	path, err := FindFont(os.Getenv("BREACHDESK_PDF_FONT"))
	if err != nil {
		b.Skip(err)
	}
	font, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	doc, err := Parse(letterSource)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		pdf := gofpdf.New("P", "mm", "A4", "")
		pdf.SetMargins(20, 24, 20)
		pdf.AddUTF8FontFromBytes("jp", "", font)
		pdf.AddPage()
		for _, blk := range doc.Blocks {
			switch blk.Kind {
			case KindTitle:
				pdf.SetFont("jp", "", 16)
				pdf.MultiCell(0, 8.2, blk.Text, "", "C", false)
			case KindHeading:
				pdf.SetFont("jp", "", 13)
				pdf.MultiCell(0, 6.7, blk.Text, "B", "L", false)
			case KindParagraph:
				pdf.SetFont("jp", "", 10.5)
				pdf.MultiCell(0, 6.3, blk.Text, "", "L", false)
			case KindList:
				pdf.SetFont("jp", "", 10.5)
				for _, it := range blk.Items {
					pdf.MultiCell(0, 6.3, "• "+it, "", "L", false)
				}
			case KindKV:
				pdf.SetFont("jp", "", 10)
				for _, row := range blk.Rows {
					pdf.MultiCell(0, 5.5, row.Key+"："+row.Value, "1", "L", false)
				}
			case KindSignature:
				pdf.SetFont("jp", "", 10.5)
				pdf.MultiCell(0, 6.3, strings.Join(blk.Lines, "\n"), "", "R", false)
			}
		}
		var buf bytes.Buffer
		if err := pdf.Output(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}
