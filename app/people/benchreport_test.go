package people_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/breachdesk/breachdesk/app/benchreport"
)

// TestBenchReport measures the import of a generated 1,000,000-row CSV
// end to end (upload, PAN guard, validation, merge, COPY) against a plain
// COPY of the same rows into a bare table, interleaved in the same run,
// and the import's peak memory (`make bench`). BREACHDESK_BENCH_ROWS
// changes the size.
func TestBenchReport(t *testing.T) {
	if !benchreport.Enabled() {
		t.Skip("set BREACHDESK_BENCH=1 (make bench)")
	}
	if os.Getenv("BREACHDESK_BENCH_ROWS") == "" {
		t.Setenv("BREACHDESK_BENCH_ROWS", "1000000")
	}
	runs := 3
	if n, err := strconv.Atoi(os.Getenv("BREACHDESK_BENCH_IMPORT_RUNS")); err == nil && n > 0 {
		runs = n
	}
	var ours, copies, intoPeople, rss []float64
	for range runs {
		r := testing.Benchmark(BenchmarkImport)
		if r.N == 0 {
			t.Fatal("import benchmark failed")
		}
		ours = append(ours, r.Extra["rows/s"])
		rss = append(rss, r.Extra["peak-RSS-MiB"])
		c := testing.Benchmark(BenchmarkCopyBaseline)
		if c.N == 0 {
			t.Fatal("COPY benchmark failed")
		}
		copies = append(copies, c.Extra["rows/s"])
		ip := testing.Benchmark(BenchmarkCopyIntoPeople)
		if ip.N == 0 {
			t.Fatal("COPY into people benchmark failed")
		}
		intoPeople = append(intoPeople, ip.Extra["rows/s"])
	}
	o, c, ip := benchreport.Median(ours), benchreport.Median(copies), benchreport.Median(intoPeople)
	peak := 0.0
	for _, x := range rss {
		peak = max(peak, x)
	}
	rows, _ := strconv.Atoi(os.Getenv("BREACHDESK_BENCH_ROWS"))
	benchreport.RecordRuns(t, "Import of the affected-person CSV", runs, map[string]float64{
		"import_rows_per_s":                     o,
		"import_copy_rows_per_s":                c,
		"import_ratio_vs_copy":                  o / c,
		"import_peak_rss_mib":                   peak,
		"import_rows":                           float64(rows),
		"import_copy_into_people_rows_per_s":    ip,
		"import_copy_into_people_ratio_vs_copy": ip / c,
		"import_ratio_vs_copy_into_people":      o / ip,
	}, "Ours: upload (encoding detection, PAN guard on every cell, masked file stored) plus the import job (validation, merge by e-mail/customer id, COPY in chunks). "+
		"Baseline: encoding/csv + pgx CopyFrom of the same generated rows into a bare table. Peak RSS is the test process's VmHWM during the import (the largest of the runs). "+
		"For scale, the same plain CopyFrom into the people table itself (its primary key, case, e-mail and customer-id indexes and the case check, which search and merging need) "+
		"is import_copy_into_people_*: no import into that table can beat it.")
}
