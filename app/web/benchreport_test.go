package web_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/benchreport"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
)

// TestBenchReport measures the dashboard and the case page under 16
// concurrent clients over real HTTP, with 1,000 cases and 100,000 persons
// in the database, against /healthz — a static handler on the same server
// and middleware — as the baseline, interleaved (`make bench`).
func TestBenchReport(t *testing.T) {
	if !benchreport.Enabled() {
		t.Skip("set BREACHDESK_BENCH=1 (make bench)")
	}
	h := newHarness(t)
	u := h.user("owner@a.example", "org-a", auth.RoleOwner)
	ctx := context.Background()
	org, _ := h.auth.OrganisationBySlug(ctx, "org-a")
	p := auth.Principal{User: u, Organisation: org, Role: auth.RoleOwner}
	facts, err := assessment.ParseFacts([]byte(`{"data_items":["card_number","security_code","name","email"],"persons_affected":10000,"residents":{"JP":9800,"EU":200},"card_brands":["visa","mastercard","jcb"],"unauthorized_purpose":true}`))
	if err != nil {
		t.Fatal(err)
	}
	var heavy int64
	for i := range 1000 {
		c, err := h.cases.Create(ctx, &p, cases.NewCase{Title: fmt.Sprintf("Incident %d: skimmer on checkout", i), AwareAt: h.clk.Now().Add(-time.Duration(i%40) * 24 * time.Hour), IncidentType: "card_skimming"})
		if err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			if _, _, err := h.as.Save(ctx, &p, c.Case.ID, facts, ""); err != nil {
				t.Fatal(err)
			}
		}
		if i%100 == 0 {
			h.st.DB.Exec(`INSERT INTO people (organisation_id, case_id, name, email, postal_code, address)
				SELECT ?, ?, '氏名' || g, 'p' || g || '.' || ? || '@example.jp', '100-0001', '東京都千代田区' || g FROM generate_series(1, 10000) g`, org.ID, c.Case.ID, c.Case.ID)
		}
		if i == 0 {
			heavy = c.Case.ID
		}
	}
	// A live database has planner statistics: autovacuum takes them
	// within a minute of a bulk load. Without them, PostgreSQL guesses
	// every table small and reads the case's tasks by ANDing bitmaps of
	// the case index and the organisation's 21,000 tasks, ten times the
	// work of reading the case's own.
	if err := h.st.DB.Exec("ANALYZE").Error; err != nil {
		t.Fatal(err)
	}
	browser := h.client()
	browser.login("owner@a.example")
	var cookie []string
	for k, v := range browser.cookies {
		cookie = append(cookie, k+"="+v)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go h.srv.App().Listener(ln)
	defer h.srv.App().Shutdown()
	base := "http://" + ln.Addr().String()
	targets := []struct{ key, path string }{{"dashboard", "/"}, {"case_page", fmt.Sprintf("/cases/%d", heavy)}, {"static", "/healthz"}}
	pct := map[string][][]float64{} // key → [p50s, p95s, p99s]
	rps := map[string][]float64{}
	for range benchreport.Runs {
		for _, tg := range targets {
			lat, n, dur := load(t, base+tg.path, strings.Join(cookie, "; "), 16, 4*time.Second)
			if pct[tg.key] == nil {
				pct[tg.key] = make([][]float64, 3)
			}
			for i, q := range []float64{0.50, 0.95, 0.99} {
				pct[tg.key][i] = append(pct[tg.key][i], lat[int(q*float64(len(lat)-1))])
			}
			rps[tg.key] = append(rps[tg.key], float64(n)/dur.Seconds())
		}
	}
	fig := map[string]float64{}
	for _, tg := range targets {
		for i, name := range []string{"p50", "p95", "p99"} {
			fig[tg.key+"_"+name+"_ms"] = benchreport.Median(pct[tg.key][i])
		}
		fig[tg.key+"_req_per_s"] = benchreport.Median(rps[tg.key])
	}
	benchreport.Record(t, "HTTP under 16 concurrent clients (1,000 cases, 100,000 persons)", fig,
		"Each target is loaded for 4 s by 16 keep-alive clients over real HTTP on this machine (clients and server share its cores); percentiles per run, median of runs. "+
			"The case page is a case with an assessment, its obligations, tasks, timeline and 10,000 persons. The database is analysed after seeding, as autovacuum would do. "+
			"Baseline: /healthz, a static JSON handler behind the same middleware.")
}

// load runs clients concurrent GETs of url for d and returns the sorted
// latencies in milliseconds, the number of requests and the time taken.
func load(t *testing.T, url, cookie string, clients int, d time.Duration) ([]float64, int, time.Duration) {
	t.Helper()
	var mu sync.Mutex
	var all []float64
	var wg sync.WaitGroup
	running := clock.Start()
	t0 := clock.Start()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: 30 * time.Second}
			var mine []float64
			for running.Elapsed() < d {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Cookie", cookie)
				s := clock.Start()
				resp, err := c.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("%s: %d", url, resp.StatusCode)
					return
				}
				mine = append(mine, float64(s.Elapsed().Microseconds())/1000)
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := t0.Elapsed()
	sort.Float64s(all)
	if len(all) == 0 {
		t.Fatal("no requests completed")
	}
	return all, len(all), elapsed
}
