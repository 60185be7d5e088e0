package loadtest

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// maxExamples is how many failures are kept per error class: enough to see
// what went wrong without a 30-minute run holding thousands of bodies.
const maxExamples = 3

// Example is one failed operation, kept to show what an error looked like.
type Example struct {
	Op     string `json:"op"`
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// OpStats are one operation's figures over the whole run.
type OpStats struct {
	Op       string        `json:"op"`
	Job      bool          `json:"job,omitempty"` // a background job, submit to done: not an HTTP request
	Requests int           `json:"requests"`
	Errors   int           `json:"errors"`
	P50      time.Duration `json:"p50_ns"`
	P95      time.Duration `json:"p95_ns"`
	P99      time.Duration `json:"p99_ns"`
	Max      time.Duration `json:"max_ns"`
}

// ErrorClass counts the failures with one status (an HTTP code, or a word
// such as "network", "timeout" or "job failed" for failures without one).
type ErrorClass struct {
	Status   string    `json:"status"`
	Count    int       `json:"count"`
	Examples []Example `json:"examples"`
}

// recorder collects every operation's outcome. Latencies are kept exactly
// (8 bytes each; a 30-minute run at 100 operations a second is ~1.5 MB)
// so that the percentiles need no bucketing assumptions.
type recorder struct {
	mu       sync.Mutex
	ops      map[string]*opRecord
	errors   map[string]*ErrorClass
	interval []time.Duration // all operations since the last progress line
	intErr   int
}

type opRecord struct {
	durs   []time.Duration
	errors int
	job    bool
}

func newRecorder() *recorder {
	return &recorder{ops: map[string]*opRecord{}, errors: map[string]*ErrorClass{}}
}

// add records one HTTP request's outcome; ex is nil on success.
func (r *recorder) add(op string, d time.Duration, ex *Example) { r.record(op, false, d, ex) }

// addJob records a background job's outcome, d from submitting it to
// seeing it finished. Jobs count towards the errors but stay out of the
// request latencies, which they would swamp.
func (r *recorder) addJob(op string, d time.Duration, ex *Example) { r.record(op, true, d, ex) }

func (r *recorder) record(op string, job bool, d time.Duration, ex *Example) {
	r.mu.Lock()
	defer r.mu.Unlock()
	o := r.ops[op]
	if o == nil {
		o = &opRecord{job: job}
		r.ops[op] = o
	}
	o.durs = append(o.durs, d)
	if !job {
		r.interval = append(r.interval, d)
	}
	if ex == nil {
		return
	}
	o.errors++
	r.intErr++
	ec := r.errors[ex.Status]
	if ec == nil {
		ec = &ErrorClass{Status: ex.Status}
		r.errors[ex.Status] = ec
	}
	ec.Count++
	if len(ec.Examples) < maxExamples {
		ec.Examples = append(ec.Examples, *ex)
	}
}

// takeInterval returns and resets the latencies and error count since the
// previous call, for the progress lines.
func (r *recorder) takeInterval() ([]time.Duration, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, n := r.interval, r.intErr
	r.interval, r.intErr = nil, 0
	return d, n
}

// snapshot summarises every operation, sorted by name, and the error
// classes, most frequent first.
func (r *recorder) snapshot() ([]OpStats, []ErrorClass) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ops := make([]OpStats, 0, len(r.ops))
	for name, o := range r.ops {
		s := summarise(o.durs)
		s.Op, s.Errors, s.Job = name, o.errors, o.job
		ops = append(ops, s)
	}
	// Requests first, then the jobs, each by name.
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Job != ops[j].Job {
			return !ops[i].Job
		}
		return ops[i].Op < ops[j].Op
	})
	errs := make([]ErrorClass, 0, len(r.errors))
	for _, ec := range r.errors {
		c := *ec
		c.Examples = slices.Clone(ec.Examples)
		errs = append(errs, c)
	}
	sort.Slice(errs, func(i, j int) bool {
		if errs[i].Count != errs[j].Count {
			return errs[i].Count > errs[j].Count
		}
		return errs[i].Status < errs[j].Status
	})
	return ops, errs
}

// requestDurations is every request's latency, for the total line.
func (r *recorder) requestDurations() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	var all []time.Duration
	for _, o := range r.ops {
		if !o.job {
			all = append(all, o.durs...)
		}
	}
	return all
}

// summarise computes count and percentiles of durs (which it sorts).
func summarise(durs []time.Duration) OpStats {
	slices.Sort(durs)
	s := OpStats{Requests: len(durs)}
	if len(durs) == 0 {
		return s
	}
	s.P50, s.P95, s.P99 = Percentile(durs, 50), Percentile(durs, 95), Percentile(durs, 99)
	s.Max = durs[len(durs)-1]
	return s
}

// Percentile is the nearest-rank p-th percentile of sorted: the smallest
// value with at least p% of the values at or below it. Nearest rank
// (rather than interpolation) reports a latency some request really had.
// It is 0 for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	return sorted[min(max(rank, 1), n)-1]
}

// MemSample is one reading of the server's /metrics.
type MemSample struct {
	At         time.Duration `json:"at_ns"` // since the load started; negative = before
	RSS        float64       `json:"rss_bytes"`
	HeapInuse  float64       `json:"heap_inuse_bytes"`
	Goroutines float64       `json:"goroutines"`
}

// Growth compares a server figure early in the run with the same figure at
// its end: the means over the first and the last window.
type Growth struct {
	Before  float64 `json:"before"` // the baseline, before the load started (0 when not sampled)
	First   float64 `json:"first"`
	Last    float64 `json:"last"`
	Max     float64 `json:"max"` // during the run
	Delta   float64 `json:"delta"`
	Percent float64 `json:"percent"`
}

// MemoryReport is the server's memory over the run.
type MemoryReport struct {
	Samples    []MemSample   `json:"samples"`
	Window     time.Duration `json:"window_ns"`
	RSS        Growth        `json:"rss"`
	HeapInuse  Growth        `json:"heap_inuse"`
	Goroutines Growth        `json:"goroutines"`
}

// MemoryGrowth compares the first window of the run with the last one. The
// window is a minute, or half the run when it is shorter than two minutes,
// so the two never overlap. Samples taken before the load started (At < 0)
// are the baseline (Before) and belong to neither window nor to Max: a
// fresh server's heap holds its start-up garbage until the first
// collection, which would otherwise pass for the peak under load.
func MemoryGrowth(samples []MemSample, run time.Duration) MemoryReport {
	window := min(time.Minute, run/2)
	rep := MemoryReport{Samples: samples, Window: window}
	var before, during, first, last []MemSample
	for _, s := range samples {
		if s.At < 0 {
			before = append(before, s)
			continue
		}
		during = append(during, s)
		if s.At <= window {
			first = append(first, s)
		}
		if s.At >= run-window {
			last = append(last, s)
		}
	}
	field := []func(MemSample) float64{
		func(s MemSample) float64 { return s.RSS },
		func(s MemSample) float64 { return s.HeapInuse },
		func(s MemSample) float64 { return s.Goroutines },
	}
	out := []*Growth{&rep.RSS, &rep.HeapInuse, &rep.Goroutines}
	for i, f := range field {
		g := out[i]
		g.Before, g.First, g.Last = mean(before, f), mean(first, f), mean(last, f)
		for _, s := range during {
			g.Max = max(g.Max, f(s))
		}
		g.Delta = g.Last - g.First
		if g.First > 0 {
			g.Percent = 100 * g.Delta / g.First
		}
	}
	return rep
}

func mean(xs []MemSample, f func(MemSample) float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var sum float64
	for _, x := range xs {
		sum += f(x)
	}
	return sum / float64(len(xs))
}

// Report is the outcome of a run.
type Report struct {
	URL          string        `json:"url"`
	Clients      int           `json:"clients"`
	Seed         uint64        `json:"seed"`
	Elapsed      time.Duration `json:"elapsed_ns"`
	Ops          []OpStats     `json:"ops"`
	Total        OpStats       `json:"total"`      // the HTTP requests; the jobs are in Ops only
	Operations   int           `json:"operations"` // requests and jobs: the error rate's denominator
	Failures     int           `json:"failures"`   // failed requests and jobs
	Errors       []ErrorClass  `json:"errors"`
	ErrorRate    float64       `json:"error_rate"`
	MaxErrorRate float64       `json:"max_error_rate"`
	Memory       MemoryReport  `json:"memory"`
}

// Failed reports whether the run's error rate is over the limit.
func (r *Report) Failed() bool { return r.ErrorRate > r.MaxErrorRate }

// WriteText prints the report as the tables an engineer reads at the end
// of a run.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "\nBreachDesk load test: %s, %d clients, %s (seed %d)\n\n", r.URL, r.Clients, r.Elapsed.Round(time.Second), r.Seed)
	row := func(o OpStats) {
		fmt.Fprintf(w, "%-18s %9d %7d %9s %9s %9s %9s\n", o.Op, o.Requests, o.Errors, ms(o.P50), ms(o.P95), ms(o.P99), ms(o.Max))
	}
	fmt.Fprintf(w, "%-18s %9s %7s %9s %9s %9s %9s\n", "request", "count", "errors", "p50", "p95", "p99", "max")
	for _, o := range r.Ops {
		if !o.Job {
			row(o)
		}
	}
	fmt.Fprintln(w, strings.Repeat("-", 76))
	row(r.Total)
	fmt.Fprintf(w, "\n%-18s %9s %7s %9s %9s %9s %9s\n", "job (submit→done)", "count", "errors", "p50", "p95", "p99", "max")
	for _, o := range r.Ops {
		if o.Job {
			row(o)
		}
	}
	rps := 0.0
	if r.Elapsed > 0 {
		rps = float64(r.Total.Requests) / r.Elapsed.Seconds()
	}
	verdict := "ok"
	if r.Failed() {
		verdict = "FAILED"
	}
	fmt.Fprintf(w, "\n%.1f requests/s; %d of %d operations failed: error rate %.2f%% (limit %.2f%%): %s\n",
		rps, r.Failures, r.Operations, 100*r.ErrorRate, 100*r.MaxErrorRate, verdict)
	if len(r.Errors) > 0 {
		fmt.Fprintln(w, "\nErrors by status:")
		for _, ec := range r.Errors {
			fmt.Fprintf(w, "  %-12s %d\n", ec.Status, ec.Count)
			for _, ex := range ec.Examples {
				fmt.Fprintf(w, "      %s: %s %s %s\n", ex.Op, ex.Method, ex.Path, ex.Detail)
			}
		}
	}
	m := r.Memory
	if len(m.Samples) == 0 {
		fmt.Fprintln(w, "\nServer memory: no samples (GET /metrics failed; see the errors above)")
		return
	}
	fmt.Fprintf(w, "\nServer memory (GET /metrics, %d samples; first and last %s of the run):\n", len(m.Samples), m.Window.Round(time.Second))
	fmt.Fprintf(w, "  %-12s %12s %12s %12s %12s %18s\n", "", "before load", "first", "last", "max", "growth")
	for _, row := range []struct {
		name string
		g    Growth
		unit func(float64) string
	}{{"RSS", m.RSS, mb}, {"heap in use", m.HeapInuse, mb}, {"goroutines", m.Goroutines, count}} {
		fmt.Fprintf(w, "  %-12s %12s %12s %12s %12s %18s\n", row.name, row.unit(row.g.Before), row.unit(row.g.First), row.unit(row.g.Last), row.unit(row.g.Max),
			fmt.Sprintf("%s (%+.1f%%)", signed(row.unit, row.g.Delta), row.g.Percent))
	}
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
}

func mb(b float64) string    { return fmt.Sprintf("%.1f MB", b/(1<<20)) }
func count(n float64) string { return fmt.Sprintf("%.0f", n) }
func signed(unit func(float64) string, v float64) string {
	if v < 0 {
		return "-" + unit(-v)
	}
	return "+" + unit(v)
}
