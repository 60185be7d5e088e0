// Package loadtest drives a running BreachDesk server with the mixed use of
// an incident team (`breachdesk loadtest`): virtual users open the
// dashboard and case pages, and through the API create cases, save
// assessments, add tasks, comments and timeline entries, upload evidence,
// import person lists and generate documents, waiting for the background
// jobs like a user watching the progress page. It reports errors, latency
// per operation and the server's memory over time.
//
// A soak of 30 minutes is too long for CI, so this is a command that an
// engineer runs against a staging server; the package's test runs it for a
// few seconds to keep it working.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/breachdesk/breachdesk/app/clock"
)

// Config is what a run needs. The zero values of the optional fields are
// replaced by the defaults documented on each.
type Config struct {
	URL   string // the server, e.g. http://localhost:8080
	Token string // API bearer token; without it the API is used through the browser session
	// MetricsToken is the server's BREACHDESK_METRICS_TOKEN, sent to read
	// /metrics; without it the run has no memory samples.
	MetricsToken string
	Email        string // browser login for page views (with Password)
	Password     string

	Duration     time.Duration // how long the load runs (default 30m)
	Clients      int           // virtual users (default 16)
	Seed         uint64        // makes each virtual user's sequence of operations reproducible
	Think        time.Duration // mean pause between one user's operations (0: none)
	ReportEvery  time.Duration // progress line interval (default 30s)
	SampleEvery  time.Duration // /metrics interval (default 5s)
	Timeout      time.Duration // one request's limit (default 30s)
	PollTimeout  time.Duration // how long an import or a document may take (default 2m)
	MaxErrorRate float64       // Report.Failed above this fraction of operations (0: any error)

	Out io.Writer // progress lines (default io.Discard)

	// Clock dates the cases and timeline entries the users write
	// (aware_at in the past of it): the server's clock, or the real time
	// for a server elsewhere. Required.
	Clock clock.Clock
}

// Validate fills in the defaults and checks the configuration; Run does
// the same, so callers need it only to tell bad usage from a failed run.
func (c *Config) Validate() error {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.Duration, 30*time.Minute)
	def(&c.ReportEvery, 30*time.Second)
	def(&c.SampleEvery, 5*time.Second)
	def(&c.Timeout, 30*time.Second)
	def(&c.PollTimeout, 2*time.Minute)
	if c.Clients == 0 {
		c.Clients = 16
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	if c.Clock == nil {
		return errors.New("loadtest: no clock to date the cases by")
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--url %q: want the server's address such as http://localhost:8080", c.URL)
	}
	c.URL = strings.TrimRight(c.URL, "/")
	switch {
	case c.Token == "" && c.Email == "":
		return errors.New("give --token (API traffic) and/or --email with --password (page views, and API traffic through the session)")
	case c.Email != "" && c.Password == "":
		return errors.New("--email needs --password (or BREACHDESK_LOADTEST_PASSWORD)")
	case c.Clients < 1 || c.Clients > 1000:
		return fmt.Errorf("--clients %d: want 1 to 1000", c.Clients)
	case c.Duration < 0 || c.Think < 0 || c.ReportEvery < 0 || c.SampleEvery < 0 || c.Timeout < 0 || c.PollTimeout < 0:
		return errors.New("durations must not be negative")
	case c.MaxErrorRate < 0 || c.MaxErrorRate > 1:
		return fmt.Errorf("--max-error-rate %g: want a fraction between 0 and 1 (0.01 = 1%%)", c.MaxErrorRate)
	}
	return nil
}

// runner is one run's shared state.
type runner struct {
	cfg       Config
	transport *http.Transport
	rec       *recorder
	pool      pool
	started   bool            // the load has begun (after setup)
	start     clock.Stopwatch // since the load began

	memMu sync.Mutex
	mem   []MemSample
}

// Run sets up the virtual users (logging each in when a login is given),
// runs the mix for cfg.Duration or until ctx ends, and returns the report.
// An error means the run could not start (server unreachable, login or
// token refused); failures during the run are in the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, rec: newRecorder(), transport: &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		MaxIdleConns:        2*cfg.Clients + 4,
		MaxIdleConnsPerHost: 2*cfg.Clients + 4, // every user keeps its connection: no reconnect churn on a 2-core box
		IdleConnTimeout:     90 * time.Second,
	}}
	defer r.transport.CloseIdleConnections()

	users, err := r.setup(ctx)
	if err != nil {
		return nil, err
	}
	r.start, r.started = clock.Start(), true
	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	slog.Info("load test started", "url", cfg.URL, "clients", cfg.Clients, "duration", cfg.Duration, "seed", cfg.Seed)

	var wg sync.WaitGroup
	for _, u := range users {
		wg.Go(func() { u.loop(runCtx) })
	}
	var bg sync.WaitGroup
	bg.Go(func() { r.every(runCtx, cfg.SampleEvery, func() { r.sample(ctx) }) })
	bg.Go(func() { r.every(runCtx, cfg.ReportEvery, r.progress) })
	wg.Wait()
	elapsed := r.start.Elapsed()
	bg.Wait()
	r.sample(ctx) // the end state, after the last request

	rep := &Report{URL: cfg.URL, Clients: cfg.Clients, Seed: cfg.Seed, Elapsed: elapsed, MaxErrorRate: cfg.MaxErrorRate}
	rep.Ops, rep.Errors = r.rec.snapshot()
	rep.Total = summarise(r.rec.requestDurations())
	rep.Total.Op = "total"
	for _, o := range rep.Ops {
		rep.Operations += o.Requests
		rep.Failures += o.Errors
		if !o.Job {
			rep.Total.Errors += o.Errors
		}
	}
	if rep.Operations > 0 {
		rep.ErrorRate = float64(rep.Failures) / float64(rep.Operations)
	}
	r.memMu.Lock()
	rep.Memory = MemoryGrowth(slices.Clone(r.mem), elapsed)
	r.memMu.Unlock()
	return rep, nil
}

// every calls f each interval until the run ends.
func (r *runner) every(ctx context.Context, interval time.Duration, f func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f()
		}
	}
}

// setup checks that the server answers and the credentials work, makes
// the virtual users and fills the pool of cases to work on.
func (r *runner) setup(ctx context.Context) ([]*vu, error) {
	cfg := r.cfg
	plain := &http.Client{Transport: r.transport, Timeout: cfg.Timeout}
	resp, err := plain.Get(cfg.URL + "/readyz")
	if err != nil {
		return nil, fmt.Errorf("cannot reach %s: %w (is `breachdesk serve` running there?)", cfg.URL, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s/readyz answered %d: the server is not ready", cfg.URL, resp.StatusCode)
	}
	// The baseline (At < 0) comes before the logins: each one hashes the
	// password with Argon2 (64 MiB), which would swell the "before" heap.
	r.sample(ctx)
	users := make([]*vu, cfg.Clients)
	for i := range users {
		u := &vu{r: r, id: i, rng: rand.New(rand.NewPCG(cfg.Seed, uint64(i)))}
		u.api = &http.Client{Transport: r.transport, Timeout: cfg.Timeout, CheckRedirect: noRedirects}
		if cfg.Email != "" {
			if err := u.login(ctx); err != nil {
				return nil, fmt.Errorf("virtual user %d: %w", i+1, err)
			}
		}
		users[i] = u
	}
	if cfg.Token != "" {
		if res, err := users[0].call(ctx, "me", "GET", "/api/v1/me", nil, "", http.StatusOK); err != nil {
			if res.status == http.StatusUnauthorized {
				return nil, errors.New("the API token was refused (401): make one with `breachdesk token create --email E --org SLUG --scope write`")
			}
			return nil, fmt.Errorf("GET /api/v1/me with the token: %w", err)
		}
	}
	if err := users[0].fillPool(ctx); err != nil {
		return nil, err
	}
	slog.Info("load test ready", "clients", len(users), "cases", r.pool.size(), "pages", cfg.Email != "")
	return users, nil
}

// sample reads the server's memory from /metrics. Its requests are the
// "occasional GET /metrics" of the mix, recorded like any other.
func (r *runner) sample(ctx context.Context) {
	c := &http.Client{Transport: r.transport, Timeout: r.cfg.Timeout}
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), "GET", r.cfg.URL+"/metrics", nil)
	if err != nil {
		return
	}
	if r.cfg.MetricsToken != "" {
		req.Header.Set("Authorization", "Bearer "+r.cfg.MetricsToken)
	}
	t0 := clock.Start()
	resp, err := c.Do(req)
	if err != nil {
		r.rec.add("metrics", t0.Elapsed(), &Example{Op: "metrics", Method: "GET", Path: "/metrics", Status: errStatus(err), Detail: err.Error()})
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		r.rec.add("metrics", t0.Elapsed(), &Example{Op: "metrics", Method: "GET", Path: "/metrics", Status: fmt.Sprint(resp.StatusCode)})
		return
	}
	s, err := parseMemory(resp.Body)
	d := t0.Elapsed()
	if err != nil {
		r.rec.add("metrics", d, &Example{Op: "metrics", Method: "GET", Path: "/metrics", Status: "bad metrics", Detail: err.Error()})
		return
	}
	r.rec.add("metrics", d, nil)
	if r.started {
		s.At = r.start.Elapsed()
	} else {
		s.At = -time.Nanosecond // before the load
	}
	r.memMu.Lock()
	r.mem = append(r.mem, s)
	r.memMu.Unlock()
}

// progress prints one line about the last interval and the server now.
func (r *runner) progress() {
	durs, nerr := r.rec.takeInterval()
	slices.Sort(durs)
	line := fmt.Sprintf("[%7s] %6d ops (%5.1f/s) %4d errors  p50 %s p95 %s p99 %s", r.start.Elapsed().Round(time.Second),
		len(durs), float64(len(durs))/r.cfg.ReportEvery.Seconds(), nerr, ms(Percentile(durs, 50)), ms(Percentile(durs, 95)), ms(Percentile(durs, 99)))
	r.memMu.Lock()
	if n := len(r.mem); n > 0 {
		m := r.mem[n-1]
		line += fmt.Sprintf("  | server RSS %s, heap %s, %.0f goroutines", mb(m.RSS), mb(m.HeapInuse), m.Goroutines)
	}
	r.memMu.Unlock()
	fmt.Fprintln(r.cfg.Out, line)
}

// pool holds the ids the users pick from: the cases found at the start
// and those created since, and tasks to comment on.
type pool struct {
	mu    sync.Mutex
	cases []int64
	tasks []int64
}

// poolCap bounds each list: the users keep working on recent cases, as a
// team does, and a long run does not grow the generator's memory.
const poolCap = 500

func (p *pool) add(list *[]int64, id int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	*list = append(*list, id)
	if len(*list) > poolCap {
		*list = slices.Delete(*list, 0, len(*list)-poolCap)
	}
}

func (p *pool) pick(rng *rand.Rand, list *[]int64) (int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(*list) == 0 {
		return 0, false
	}
	return (*list)[rng.IntN(len(*list))], true
}

func (p *pool) size() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.cases)
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
