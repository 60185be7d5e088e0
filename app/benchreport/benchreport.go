// Package benchreport collects benchmark figures from the packages that
// measure them (`make bench`) into one Markdown table and one JSON file,
// each figure the median of several runs next to its baseline measured in
// the same run.
package benchreport

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Enabled reports whether `make bench` asked for the report; the report
// tests skip otherwise so that `make test` stays fast.
func Enabled() bool { return os.Getenv("BREACHDESK_BENCH") != "" }

// Runs is how many times each measurement is repeated.
const Runs = 5

// Median runs f Runs times, interleaved with the other measurements of the
// same figure by the caller, and returns the median.
func Median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// PerSecond is the rate of a benchmark result (operations per second).
func PerSecond(r testing.BenchmarkResult) float64 {
	if r.T <= 0 {
		return 0
	}
	return float64(r.N) / r.T.Seconds()
}

var mu sync.Mutex

// Record merges figures into the JSON file named by BREACHDESK_BENCH_OUT
// (default bench-results.json at the repository root) and prints them as
// Markdown rows. Several test binaries write in turn (go test runs
// packages one after another when -p 1), so it reads, merges and writes.
func Record(t testing.TB, section string, figures map[string]float64, notes string) {
	t.Helper()
	RecordRuns(t, section, Runs, figures, notes)
}

// RecordRuns is Record for figures that are the median of runs runs (the
// long end-to-end measurements repeat fewer times).
func RecordRuns(t testing.TB, section string, runs int, figures map[string]float64, notes string) {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	out := os.Getenv("BREACHDESK_BENCH_OUT")
	if out == "" {
		out = filepath.Join(repoRoot(), "bench-results.json")
	}
	all := map[string]any{}
	if b, err := os.ReadFile(out); err == nil {
		_ = json.Unmarshal(b, &all)
	}
	all["cores"] = runtime.NumCPU()
	keys := make([]string, 0, len(figures))
	for k := range figures {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var md strings.Builder
	fmt.Fprintf(&md, "\n### %s (median of %d runs, %d cores)\n\n| figure | value |\n|---|---|\n", section, runs, runtime.NumCPU())
	for _, k := range keys {
		all[k] = figures[k]
		fmt.Fprintf(&md, "| %s | %.3f |\n", k, figures[k])
	}
	if notes != "" {
		fmt.Fprintf(&md, "\n%s\n", notes)
	}
	b, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	// The Markdown report sits next to the JSON (bench-results.md).
	mdPath := strings.TrimSuffix(out, filepath.Ext(out)) + ".md"
	f, err := os.OpenFile(mdPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(md.String()); err != nil {
		t.Fatal(err)
	}
	fmt.Print(md.String())
}

// repoRoot finds the directory holding go.mod, from the test's directory.
func repoRoot() string {
	dir, _ := os.Getwd()
	for d := dir; d != "/" && d != "."; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	return dir
}
