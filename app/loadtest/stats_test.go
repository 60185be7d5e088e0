package loadtest

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

func TestPercentileIsNearestRank(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		out := make([]time.Duration, len(n))
		for i, v := range n {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1 // 1..100 ms
	}
	for _, c := range []struct {
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 50, 7 * time.Millisecond},
		{ms(7), 99, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), 50, 2 * time.Millisecond}, // rank ceil(2) = 2
		{ms(1, 2, 3, 4), 51, 3 * time.Millisecond}, // rank ceil(2.04) = 3
		{ms(1, 2, 3, 4), 100, 4 * time.Millisecond},
		{ms(1, 2, 3, 4), 0, 1 * time.Millisecond}, // rank clamped to 1
		{ms(hundred...), 50, 50 * time.Millisecond},
		{ms(hundred...), 95, 95 * time.Millisecond},
		{ms(hundred...), 99, 99 * time.Millisecond},
		{ms(hundred...), 99.5, 100 * time.Millisecond},
	} {
		if got := Percentile(c.sorted, c.p); got != c.want {
			t.Errorf("Percentile(%d values, %g) = %v, want %v", len(c.sorted), c.p, got, c.want)
		}
	}
}

func TestSummariseSortsAndTakesMax(t *testing.T) {
	d := []time.Duration{9, 1, 5, 3, 7}
	s := summarise(d)
	if s.Requests != 5 || s.P50 != 5 || s.P95 != 9 || s.P99 != 9 || s.Max != 9 {
		t.Fatalf("summarise = %+v", s)
	}
}

func TestMemoryGrowthComparesFirstAndLastMinute(t *testing.T) {
	mb := float64(1 << 20)
	var samples []MemSample
	samples = append(samples, MemSample{At: -time.Nanosecond, RSS: 10 * mb, HeapInuse: 1 * mb, Goroutines: 5}) // baseline: in neither window
	// Ten minutes, a sample every 10 s, RSS rising 1 MB a minute from 100 MB.
	for at := time.Duration(0); at <= 10*time.Minute; at += 10 * time.Second {
		m := at.Minutes()
		samples = append(samples, MemSample{At: at, RSS: (100 + m) * mb, HeapInuse: 50 * mb, Goroutines: 40})
	}
	rep := MemoryGrowth(samples, 10*time.Minute)
	if rep.Window != time.Minute {
		t.Fatalf("window %v", rep.Window)
	}
	// First minute: samples at 0..60 s, mean 0.5 min → 100.5 MB; last: 540..600 s → 109.5 MB.
	if !near(rep.RSS.First, 100.5*mb) || !near(rep.RSS.Last, 109.5*mb) || !near(rep.RSS.Delta, 9*mb) || !near(rep.RSS.Max, 110*mb) {
		t.Errorf("RSS growth %+v", rep.RSS)
	}
	if rep.RSS.Before != 10*mb || rep.Goroutines.Before != 5 {
		t.Errorf("baseline: RSS %+v goroutines %+v", rep.RSS, rep.Goroutines)
	}
	if !near(rep.RSS.Percent, 100*9/100.5) {
		t.Errorf("RSS percent %g", rep.RSS.Percent)
	}
	if rep.HeapInuse.Delta != 0 || rep.HeapInuse.Percent != 0 || rep.Goroutines.First != 40 {
		t.Errorf("flat figures: heap %+v goroutines %+v", rep.HeapInuse, rep.Goroutines)
	}

	// A run shorter than two minutes compares its halves, which never overlap.
	short := []MemSample{{At: 0, HeapInuse: 10}, {At: 20 * time.Second, HeapInuse: 20}, {At: 40 * time.Second, HeapInuse: 30}, {At: 60 * time.Second, HeapInuse: 40}}
	rep = MemoryGrowth(short, time.Minute)
	if rep.Window != 30*time.Second || rep.HeapInuse.First != 15 || rep.HeapInuse.Last != 35 || rep.HeapInuse.Percent != 100*20.0/15 {
		t.Errorf("short run: window %v heap %+v", rep.Window, rep.HeapInuse)
	}

	// No samples (no /metrics) is all zeros, not a division by zero.
	if rep := MemoryGrowth(nil, time.Minute); rep.RSS != (Growth{}) {
		t.Errorf("no samples: %+v", rep.RSS)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestParseMemory(t *testing.T) {
	text := `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 42
go_memstats_heap_inuse_bytes 2.5165824e+07
go_memstats_heap_inuse_bytes_total_not_this 1
breachdesk_http_requests_total{method="GET",route="/",status="200"} 3
process_resident_memory_bytes 8.4217856e+07
`
	s, err := parseMemory(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if s.Goroutines != 42 || s.HeapInuse != 25165824 || s.RSS != 84217856 {
		t.Fatalf("parsed %+v", s)
	}
	if _, err := parseMemory(strings.NewReader("something_else 1\n")); err == nil || !strings.Contains(err.Error(), "go_memstats_heap_inuse_bytes") {
		t.Fatalf("a page without the Go metrics: %v", err)
	}
	if _, err := parseMemory(strings.NewReader("go_goroutines many\n")); err == nil {
		t.Fatal("a value that is not a number was accepted")
	}
}

func TestRecorderCountsErrorsAndKeepsFewExamples(t *testing.T) {
	r := newRecorder()
	for i := range 10 {
		r.add("list_cases", time.Duration(i+1)*time.Millisecond, nil)
	}
	for range 5 {
		r.add("add_task", time.Millisecond, &Example{Op: "add_task", Status: "500"})
	}
	r.add("add_task", time.Millisecond, &Example{Op: "add_task", Status: "network"})
	r.addJob("import_job", 3*time.Second, &Example{Op: "import_job", Status: "job failed"})
	durs, nerr := r.takeInterval()
	if len(durs) != 16 || nerr != 7 {
		t.Fatalf("interval: %d durations (jobs excluded), %d errors", len(durs), nerr)
	}
	if durs, nerr := r.takeInterval(); len(durs) != 0 || nerr != 0 {
		t.Fatal("interval not reset")
	}
	ops, errs := r.snapshot()
	if len(ops) != 3 || ops[0].Op != "add_task" || ops[0].Errors != 6 || ops[1].Op != "list_cases" || ops[1].P95 != 10*time.Millisecond || ops[2].Op != "import_job" || !ops[2].Job {
		t.Fatalf("ops %+v", ops)
	}
	if len(errs) != 3 || errs[0].Status != "500" || errs[0].Count != 5 || len(errs[0].Examples) != maxExamples {
		t.Fatalf("errors %+v", errs)
	}
	if n := len(r.requestDurations()); n != 16 {
		t.Fatalf("request durations: %d, want the 16 requests without the job", n)
	}
}

func TestReportText(t *testing.T) {
	rep := &Report{URL: "http://x", Clients: 2, Elapsed: time.Minute, MaxErrorRate: 0.01, Operations: 100, Failures: 2, ErrorRate: 0.02,
		Ops:    []OpStats{{Op: "list_cases", Requests: 99, Errors: 1, P50: time.Millisecond}, {Op: "import_job", Job: true, Requests: 1, Errors: 1}},
		Total:  OpStats{Op: "total", Requests: 99, Errors: 1},
		Errors: []ErrorClass{{Status: "500", Count: 2, Examples: []Example{{Op: "list_cases", Method: "GET", Path: "/api/v1/cases", Detail: "boom"}}}},
		Memory: MemoryGrowth([]MemSample{{At: 0, RSS: 1 << 20}, {At: time.Minute, RSS: 2 << 20}}, time.Minute)}
	var b bytes.Buffer
	rep.WriteText(&b)
	for _, want := range []string{"list_cases", "import_job", "2 of 100 operations failed", "2.00%", "FAILED", "GET /api/v1/cases boom", "+1.0 MB (+100.0%)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
	if !rep.Failed() {
		t.Error("2% errors over a 1% limit did not fail")
	}
}
