package oversight_test

import (
	"bytes"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/oversight"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

// workFamilies are the families WorkCollector adds.
var workFamilies = []string{"breachdesk_work_scrape_success", "breachdesk_river_jobs", "breachdesk_river_jobs_errored",
	"breachdesk_obligations_overdue", "breachdesk_obligations_due_soon", "breachdesk_letters", "breachdesk_imports"}

// A scrape after an overdue obligation, one due within 24 hours, a
// pending and a failed letter, a running import and River jobs in a few
// states counts each of them, across organisations, and nothing that
// does not belong: a closed case's overdue obligation, a submitted one, a
// letter already sent, a finished import. The families pass promlint,
// the linter `promtool check metrics` runs (and promtool itself when it
// is installed).
func TestWorkCollectorCountsAndLints(t *testing.T) {
	t.Parallel()
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	db := st.DB
	now := clk.Now()
	insert := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := db.Raw(sql+" RETURNING id", args...).Scan(&id).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	org := func(slug string) int64 {
		return insert(`INSERT INTO organisations (slug, name) VALUES (?, ?)`, slug, slug)
	}
	kase := func(orgID int64, ref string, closed bool) int64 {
		var closedAt *time.Time
		if closed {
			closedAt = &now
		}
		return insert(`INSERT INTO cases (organisation_id, reference, title, aware_at, incident_type, playbook, playbook_version, closed_at)
			VALUES (?, ?, 'x', ?, 'other', 'generic-personal-data', 1, ?)`, orgID, ref, now.AddDate(0, 0, -3), closedAt)
	}
	obligation := func(orgID, caseID int64, rule, status string, due time.Time) {
		var submittedAt *time.Time
		if status == "submitted" {
			submittedAt = &now
		}
		insert(`INSERT INTO obligations (organisation_id, case_id, rule_id, jurisdiction, computed, status, due_at, submitted_at)
			VALUES (?, ?, ?, 'JP', '{}', ?, ?, ?)`, orgID, caseID, rule, status, due, submittedAt)
	}

	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(oversight.NewWorkCollector(st, clk))
	scrape := func() map[string]float64 {
		t.Helper()
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, mf := range mfs {
			for _, m := range mf.GetMetric() {
				key := mf.GetName()
				for _, l := range m.GetLabel() {
					key += "|" + l.GetName() + "=" + l.GetValue()
				}
				got[key] = m.GetGauge().GetValue()
			}
		}
		return got
	}

	// An empty database: zeros, not absences.
	empty := scrape()
	for _, k := range []string{"breachdesk_work_scrape_success", "breachdesk_obligations_overdue", "breachdesk_obligations_due_soon",
		"breachdesk_letters|state=pending", "breachdesk_letters|state=failed", "breachdesk_imports|state=running"} {
		v, ok := empty[k]
		if want := map[bool]float64{true: 1, false: 0}[k == "breachdesk_work_scrape_success"]; !ok || v != want {
			t.Errorf("empty database: %s = %v (present %v), want %v", k, v, ok, want)
		}
	}

	a, b := org("org-a"), org("org-b")
	a1, b1 := kase(a, "INC-1", false), kase(b, "INC-1", false)
	obligation(a, a1, "jp.appi.ppc.preliminary", "pending", now.Add(-time.Hour))                     // overdue
	obligation(b, b1, "jp.appi.ppc.preliminary", "drafted", now.Add(-time.Minute))                   // overdue, another organisation
	obligation(a, a1, "jp.appi.ppc.final", "pending", now.Add(23*time.Hour))                         // due within 24 h
	obligation(a, a1, "jp.card.acquirer", "pending", now.Add(25*time.Hour))                          // later
	obligation(b, b1, "jp.appi.ppc.final", "submitted", now.Add(-time.Hour))                         // done
	obligation(a, kase(a, "INC-2", true), "jp.appi.ppc.preliminary", "pending", now.Add(-time.Hour)) // closed case

	doc := insert(`INSERT INTO documents (organisation_id, case_id, kind, lang, version, status) VALUES (?, ?, 'customer_letter', 'ja', 1, 'draft')`, a, a1)
	batch := insert(`INSERT INTO letter_batches (organisation_id, case_id, document_id, lang, channel, selection, chunk_size, status)
		VALUES (?, ?, ?, 'ja', 'email', 'all', 100, 'running')`, a, a1, doc)
	oldBatch := insert(`INSERT INTO letter_batches (organisation_id, case_id, document_id, lang, channel, selection, chunk_size, status, finished_at)
		VALUES (?, ?, ?, 'ja', 'email', 'all', 100, 'done', ?)`, a, a1, doc, now.AddDate(0, 0, -2))
	for i, l := range []struct {
		batch int64
		state string
	}{{batch, "pending"}, {batch, "failed"}, {batch, "sent"}, {oldBatch, "failed"}} {
		person := insert(`INSERT INTO people (organisation_id, case_id, name) VALUES (?, ?, ?)`, a, a1, "person "+string(rune('0'+i)))
		insert(`INSERT INTO letters (organisation_id, batch_id, person_id, chunk, channel, state) VALUES (?, ?, ?, 0, 'email', ?)`, a, l.batch, person, l.state)
	}
	for _, s := range []string{"running", "done", "queued"} {
		insert(`INSERT INTO imports (organisation_id, case_id, filename, encoding, mode, status) VALUES (?, ?, 'people.csv', 'utf-8', 'partial', ?)`, b, b1, s)
	}
	job := func(queue, state string, failed bool) {
		errs := "{}"
		if failed {
			errs = `{"{\"at\": \"2026-01-01T00:00:00Z\", \"attempt\": 1, \"error\": \"smtp 451\"}"}`
		}
		var finalized *time.Time
		if state == "discarded" || state == "completed" {
			finalized = &now
		}
		insert(`INSERT INTO river_job (args, kind, max_attempts, queue, state, errors, attempt, finalized_at) VALUES ('{}', 'test', 5, ?, ?::river_job_state, ?::jsonb[], 1, ?)`,
			queue, state, errs, finalized)
	}
	job("letters", "available", false)
	job("letters", "retryable", true)
	job("letters", "retryable", true)
	job("letters", "discarded", true)
	job("default", "completed", false)

	got := scrape()
	for k, want := range map[string]float64{
		"breachdesk_work_scrape_success":                      1,
		"breachdesk_obligations_overdue":                      2,
		"breachdesk_obligations_due_soon":                     1,
		"breachdesk_letters|state=pending":                    1,
		"breachdesk_letters|state=failed":                     1,
		"breachdesk_imports|state=running":                    1,
		"breachdesk_imports|state=queued":                     1,
		"breachdesk_river_jobs|queue=letters|state=available": 1,
		"breachdesk_river_jobs|queue=letters|state=retryable": 2,
		"breachdesk_river_jobs|queue=letters|state=discarded": 1,
		"breachdesk_river_jobs|queue=letters|state=running":   0,
		"breachdesk_river_jobs|queue=default|state=completed": 1,
		"breachdesk_river_jobs_errored|queue=letters":         2,
		"breachdesk_river_jobs_errored|queue=default":         0,
	} {
		if v, ok := got[k]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", k, v, ok, want)
		}
	}
	for k := range got {
		if strings.Contains(k, "org-") || strings.Contains(k, "organisation") {
			t.Errorf("an organisation in a label: %s", k)
		}
	}

	problems, err := testutil.GatherAndLint(reg, workFamilies...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	if n, err := testutil.GatherAndCount(reg, workFamilies...); err != nil || n < 10 {
		t.Errorf("%d samples (%v): the lint saw too little", n, err)
	}

	// promtool, when this machine has it, reads the text exposition.
	if promtool, err := exec.LookPath("promtool"); err == nil {
		rec := httptest.NewRecorder()
		promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = rec.Body
		if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("promtool check metrics: %v\n%s", err, out)
		}
	} else if os.Getenv("CI") != "" {
		t.Error("promtool not installed: .ci/run installs Debian's prometheus for this check")
	} else {
		t.Log("promtool not installed; promlint (the same linter) ran")
	}
}

// A database that does not answer in time costs the scrape its work
// families, reported as breachdesk_work_scrape_success 0, not the scrape.
func TestWorkCollectorDatabaseDown(t *testing.T) {
	t.Parallel()
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	if err := st.DB.Exec(`ALTER TABLE imports RENAME TO imports_gone`).Error; err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(oversight.NewWorkCollector(st, clk))
	if err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP breachdesk_work_scrape_success 1 when the work metrics were read from the database on this scrape, 0 when the reading failed or timed out (the work families are then absent).
# TYPE breachdesk_work_scrape_success gauge
breachdesk_work_scrape_success 0
`), workFamilies...); err != nil {
		t.Error(err)
	}
}
