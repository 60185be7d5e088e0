package pdf

import (
	"testing"

	"github.com/breachdesk/breachdesk/app/benchreport"
)

// TestBenchReport measures one-page Japanese letters per second through
// our renderer against gofpdf's own MultiCell rendering of the same page,
// interleaved in the same run (`make bench`).
func TestBenchReport(t *testing.T) {
	if !benchreport.Enabled() {
		t.Skip("set BREACHDESK_BENCH=1 (make bench)")
	}
	var ours, raw []float64
	for i := 0; i < benchreport.Runs; i++ {
		ours = append(ours, benchreport.PerSecond(testing.Benchmark(BenchmarkRenderLetter)))
		raw = append(raw, benchreport.PerSecond(testing.Benchmark(BenchmarkGofpdfBaseline)))
	}
	o, r := benchreport.Median(ours), benchreport.Median(raw)
	benchreport.Record(t, "PDF renderer: one-page Japanese letter", map[string]float64{
		"renderer_letters_per_s":   o,
		"gofpdf_letters_per_s":     r,
		"renderer_ratio_vs_gofpdf": o / r,
	}, "Baseline: gofpdf's MultiCell on the same page and font (which drops a kanji at every wrap); both parse the font per document.")
}
