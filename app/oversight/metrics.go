package oversight

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/store"
)

// ScrapeTimeout bounds the database work of one scrape: Prometheus asks
// every 15–60 s, and a slow database must cost it a missing sample, not a
// pile of queries waiting behind each other.
const ScrapeTimeout = 2 * time.Second

// DueSoon is how far ahead breachdesk_obligations_due_soon looks: the
// 24 hours in which a deadline can still be met if someone acts now.
const DueSoon = 24 * time.Hour

// riverStates are every state a River job can be in, so each queue shows
// a zero rather than no sample when a state empties (an alert on
// "discarded > 0" must see it go back to 0).
var riverStates = []string{"available", "cancelled", "completed", "discarded", "pending", "retryable", "running", "scheduled"}

// maxQueues bounds the queue label: queues are named in code, a handful;
// a database holding more is answered with the first ones only.
const maxQueues = 50

// WorkCollector is a Prometheus collector of the work BreachDesk does
// rather than of its HTTP traffic: River's jobs, the deadlines across all
// organisations, letters and imports. It reads the database on each
// scrape (with ScrapeTimeout) and keeps nothing, so several processes
// scraped at once report the same numbers. It is the operator's view: no
// organisation appears in a label (their number is unbounded and their
// names are the operator's to see on the oversight page, not a scraper's).
type WorkCollector struct {
	st  *store.Store
	now func() time.Time

	up, jobs, jobsErrored, overdue, dueSoon, letters, imports *prometheus.Desc
}

// NewWorkCollector returns the collector; register it on the registry
// /metrics serves.
func NewWorkCollector(st *store.Store, clk clock.Clock) *WorkCollector {
	if st == nil || clk == nil {
		panic("oversight.NewWorkCollector: the store and clock are required")
	}
	d := prometheus.NewDesc
	return &WorkCollector{
		st: st, now: clk.Now,
		up: d("breachdesk_work_scrape_success",
			"1 when the work metrics were read from the database on this scrape, 0 when the reading failed or timed out (the work families are then absent).", nil, nil),
		jobs: d("breachdesk_river_jobs",
			"Background jobs in River's table by queue and state (completed and discarded jobs are kept until River prunes them).", []string{"queue", "state"}, nil),
		jobsErrored: d("breachdesk_river_jobs_errored",
			"Unfinished background jobs whose last attempt failed and that River will try again, by queue.", []string{"queue"}, nil),
		overdue: d("breachdesk_obligations_overdue",
			"Open obligations of open cases, across all organisations, whose deadline (legal due time, else the organisation's target) has passed.", nil, nil),
		dueSoon: d("breachdesk_obligations_due_soon",
			"Open obligations of open cases, across all organisations, whose deadline falls within the next 24 hours.", nil, nil),
		letters: d("breachdesk_letters",
			"Letters to affected persons waiting to be sent (pending) or given up on (failed), in batches running or finished within the last 24 hours.", []string{"state"}, nil),
		imports: d("breachdesk_imports",
			"CSV imports of affected persons waiting for a worker (queued) or being loaded (running).", []string{"state"}, nil),
	}
}

// Describe sends the descriptors of every family.
func (w *WorkCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{w.up, w.jobs, w.jobsErrored, w.overdue, w.dueSoon, w.letters, w.imports} {
		ch <- d
	}
}

// Collect reads the counts. A failure is logged and reported as
// breachdesk_work_scrape_success 0 rather than as a scrape error, so the
// HTTP and process metrics of the same scrape still arrive.
func (w *WorkCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), ScrapeTimeout)
	defer cancel()
	var out []prometheus.Metric
	err := w.st.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The server stops a statement the context's deadline would only
		// abandon on our side.
		if err := tx.Exec(`SET LOCAL statement_timeout = 2000`).Error; err != nil {
			return err
		}
		var err error
		out, err = w.read(tx)
		return err
	}, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		slog.Warn("work metrics: reading the database failed", "err", err)
		ch <- prometheus.MustNewConstMetric(w.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(w.up, prometheus.GaugeValue, 1)
	for _, m := range out {
		ch <- m
	}
}

// read runs the bounded queries: each is a GROUP BY over few groups, on
// rows an index or a small table narrows.
func (w *WorkCollector) read(tx *gorm.DB) ([]prometheus.Metric, error) {
	var out []prometheus.Metric
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		out = append(out, prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...))
	}

	var jobs []struct {
		Queue   string
		State   string
		N       int64
		Errored int64
	}
	if err := tx.Raw(`SELECT queue, state::text AS state, count(*) AS n,
			count(*) FILTER (WHERE state IN ('available', 'retryable', 'scheduled', 'running') AND cardinality(errors) > 0) AS errored
		FROM river_job GROUP BY queue, state ORDER BY queue, state LIMIT ?`, maxQueues*len(riverStates)).Scan(&jobs).Error; err != nil {
		return nil, err
	}
	counts, errored := map[string]map[string]int64{}, map[string]int64{}
	var queues []string
	for _, j := range jobs {
		if counts[j.Queue] == nil {
			if len(queues) == maxQueues {
				continue
			}
			queues = append(queues, j.Queue)
			counts[j.Queue] = map[string]int64{}
		}
		counts[j.Queue][j.State] += j.N
		errored[j.Queue] += j.Errored
	}
	for _, q := range queues {
		for _, s := range riverStates {
			gauge(w.jobs, float64(counts[q][s]), q, s)
		}
		gauge(w.jobsErrored, float64(errored[q]), q)
	}

	now := w.now()
	var ob struct{ Overdue, DueSoon int64 }
	if err := tx.Raw(`SELECT count(*) FILTER (WHERE COALESCE(o.due_at, o.target_at) < @now) AS overdue,
			count(*) FILTER (WHERE COALESCE(o.due_at, o.target_at) >= @now AND COALESCE(o.due_at, o.target_at) < @soon) AS due_soon
		FROM obligations o JOIN cases c ON c.id = o.case_id AND c.organisation_id = o.organisation_id
		WHERE o.applicable AND o.status IN ('pending', 'drafted', 'approved')
			AND c.closed_at IS NULL AND c.voided_at IS NULL AND NOT c.drill
			AND COALESCE(o.due_at, o.target_at) < @soon`,
		map[string]any{"now": now, "soon": now.Add(DueSoon)}).Scan(&ob).Error; err != nil {
		return nil, err
	}
	gauge(w.overdue, float64(ob.Overdue))
	gauge(w.dueSoon, float64(ob.DueSoon))

	// Letters are counted in batches running or just finished: a batch's
	// letters can number in the hundreds of thousands, and a failed letter
	// of last month is history, not something to page about.
	var letters struct{ Pending, Failed int64 }
	if err := tx.Raw(`SELECT count(*) FILTER (WHERE l.state = 'pending') AS pending, count(*) FILTER (WHERE l.state = 'failed') AS failed
		FROM letter_batches b JOIN letters l ON l.batch_id = b.id
		WHERE (b.status = 'running' OR b.finished_at >= ?) AND l.state IN ('pending', 'failed')`, now.Add(-24*time.Hour)).Scan(&letters).Error; err != nil {
		return nil, err
	}
	gauge(w.letters, float64(letters.Pending), "pending")
	gauge(w.letters, float64(letters.Failed), "failed")

	var imports struct{ Queued, Running int64 }
	if err := tx.Raw(`SELECT count(*) FILTER (WHERE status = 'queued') AS queued, count(*) FILTER (WHERE status = 'running') AS running
		FROM imports WHERE status IN ('queued', 'running')`).Scan(&imports).Error; err != nil {
		return nil, err
	}
	gauge(w.imports, float64(imports.Queued), "queued")
	gauge(w.imports, float64(imports.Running), "running")
	return out, nil
}
