package scoping_test

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/breachdesk/breachdesk/app/benchreport"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/scoping"
)

// genOrders inserts n generated orders over September to December 2026:
// about n/3 members with a few orders each; three in ten orders are
// guests, a third of them with a member's e-mail, a third with a
// member's name and address (both merge into the member), a third with
// e-mails shared by a few guests. Seven in ten orders are card payments
// on the card path, one in twenty on another card path (Amazon Pay), one
// in twenty does not say how it was paid, the rest are not by card.
func genOrders(e *env, n int) {
	e.t.Helper()
	members := max(n/3, 1)
	err := e.st.DB.Exec(`INSERT INTO orders (organisation_id, case_id, order_no, ordered_at, payment_method, card_payment, card_brand, card_last4,
			customer_id, email, name, postal_code, address, email_key, name_address_key)
		SELECT ?, ?, 'O' || i, timestamptz '2026-09-01 00:00+09' + (i::float8 / ?) * interval '120 days',
			pm, pm IN ('クレジットカード決済', 'Amazon Pay'),
			CASE WHEN pm IN ('クレジットカード決済', 'Amazon Pay') THEN (ARRAY['visa', 'mastercard', 'jcb', 'amex'])[1 + (i / 20) % 4] ELSE '' END,
			CASE WHEN pm IN ('クレジットカード決済', 'Amazon Pay') THEN lpad((i % 10000)::text, 4, '0') ELSE '' END,
			CASE WHEN guest THEN '' ELSE 'M' || c END, email, nm, pc, addr,
			email, CASE WHEN nm = '' OR addr = '' THEN '' ELSE nm || '|' || pc || '|' || addr END
		FROM (SELECT i, c, guest, pm,
				CASE WHEN NOT guest OR i % 10 = 0 THEN 'm' || c || '@example.jp' WHEN i % 10 = 1 THEN 'g' || (i % ?) || '@guest.example' ELSE '' END AS email,
				CASE WHEN i % 10 = 1 THEN 'ゲスト' || i ELSE '顧客' || c END AS nm,
				'100-' || lpad((c % 10000)::text, 4, '0') AS pc,
				CASE WHEN i % 10 = 1 THEN '大阪府' || i ELSE '東京都千代田区' || c || '番地' END AS addr
			FROM (SELECT i, (i::bigint * 7919) % ? AS c, i % 10 < 3 AS guest,
					CASE WHEN i % 20 < 14 THEN 'クレジットカード決済' WHEN i % 20 = 14 THEN 'Amazon Pay' WHEN i % 20 = 15 THEN ''
						WHEN i % 20 < 19 THEN 'コンビニ決済' ELSE '代金引換' END AS pm
				FROM generate_series(1, ?) AS i) g) o`,
		e.owner.OrgID(), e.caseID, n, max(n/5, 1), members, n).Error
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.st.DB.Exec(`ANALYZE orders`).Error; err != nil {
		e.t.Fatal(err)
	}
}

// benchWindows are the example window, confirmed, on the card
// path, and a suspected one on every card path before it.
func benchWindows(e *env) {
	e.setWindows(window("2026-10-01 09:12", "2026-11-30 18:40", scoping.ConfidenceConfirmed, cardPay),
		window("2026-09-15 00:00", "2026-10-05 00:00", scoping.ConfidenceSuspected))
}

// baselineSQL is the plain SQL baseline: the same filter and the same
// transitive merge in one statement, a recursive query over the orders
// that share a key, each order labelled with the smallest order id it
// reaches. It returns the persons confirmed and the upper bound.
const baselineSQL = `WITH RECURSIVE w AS (
	SELECT (t.i - 1)::int AS idx, t.s, t.e, t.conf, string_to_array(t.paths, E'\x1f') AS paths, t.paths = '' AS any_path
	FROM unnest(?::timestamptz[], ?::timestamptz[], ?::bool[], ?::text[]) WITH ORDINALITY AS t(s, e, conf, paths, i)
), m AS MATERIALIZED (
	SELECT o.id, o.customer_id, o.email_key, o.name_address_key,
		bool_or(w.conf AND o.card_payment AND (w.any_path OR o.payment_method = ANY (w.paths))) AS confirmed
	FROM orders o JOIN w ON o.ordered_at >= w.s AND o.ordered_at < w.e + interval '1 minute'
		AND (w.any_path OR o.payment_method = ANY (w.paths) OR o.payment_method = '')
	WHERE o.case_id = ? AND o.organisation_id = ? AND (o.card_payment OR o.payment_method = '')
	GROUP BY o.id
), k AS MATERIALIZED (
	SELECT m.id, v.k FROM m, LATERAL (VALUES ('c:' || m.customer_id, m.customer_id <> ''), ('e:' || m.email_key, m.email_key <> ''),
		('n:' || m.name_address_key, m.name_address_key <> '')) AS v(k, ok) WHERE v.ok
), edge AS MATERIALIZED (
	SELECT DISTINCT a.id AS a, b.id AS b FROM k a JOIN k b ON a.k = b.k AND a.id <> b.id
), reach(id, root) AS (
	SELECT id, id FROM m
	UNION
	SELECT edge.b, reach.root FROM reach JOIN edge ON edge.a = reach.id
)
SELECT count(*) FILTER (WHERE confirmed) AS confirmed, count(*) AS upper
FROM (SELECT p.root, bool_or(m.confirmed) AS confirmed
	FROM (SELECT id, min(root) AS root FROM reach GROUP BY id) p JOIN m ON m.id = p.id GROUP BY p.root) persons`

// baseline runs baselineSQL over the case's current windows.
func baseline(e *env) (confirmed, upper int64) {
	e.t.Helper()
	v, err := e.svc.Windows(context.Background(), e.owner, e.caseID)
	if err != nil {
		e.t.Fatal(err)
	}
	var starts, ends, paths []string
	var conf []bool
	for _, w := range v.Windows {
		starts, ends = append(starts, w.Start.Format(time.RFC3339)), append(ends, w.End.Format(time.RFC3339))
		conf = append(conf, w.Confirmed())
		p := ""
		for i, x := range w.Paths {
			if i > 0 {
				p += "\x1f"
			}
			p += x
		}
		paths = append(paths, p)
	}
	var out struct{ Confirmed, Upper int64 }
	if err := e.st.DB.Raw(baselineSQL, pq.StringArray(starts), pq.StringArray(ends), pq.BoolArray(conf), pq.StringArray(paths),
		e.caseID, e.owner.OrgID()).Scan(&out).Error; err != nil {
		e.t.Fatal(err)
	}
	return out.Confirmed, out.Upper
}

// The scope agrees with the SQL baseline on generated orders, and two
// runs over the same orders give the same persons.
func TestScopeAgreesWithSQLBaseline(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	genOrders(e, 20000)
	benchWindows(e)
	r := e.scope()
	c, u := baseline(e)
	if r.PersonsConfirmed != c || r.PersonsUpperBound != u || c == 0 || u <= c {
		t.Errorf("scope %d confirmed of %d, baseline %d of %d", r.PersonsConfirmed, r.PersonsUpperBound, c, u)
	}
	again := e.scope()
	if n := e.count(`SELECT count(*) FROM (SELECT person_no, key, status FROM scope_persons WHERE run_id = ?
		EXCEPT SELECT person_no, key, status FROM scope_persons WHERE run_id = ?) x`, r.ID, again.ID); n != 0 {
		t.Errorf("%d persons differ between two runs over the same orders", n)
	}
}

// TestBenchReport scopes a million generated orders against the SQL
// baseline, interleaved in the same run, with the scope's peak Go heap
// (`make bench`; BREACHDESK_BENCH_SCOPE_ROWS changes the size).
func TestBenchReport(t *testing.T) {
	if !benchreport.Enabled() {
		t.Skip("set BREACHDESK_BENCH=1 (make bench)")
	}
	rows := 1000000
	if n, err := strconv.Atoi(os.Getenv("BREACHDESK_BENCH_SCOPE_ROWS")); err == nil && n > 0 {
		rows = n
	}
	e := newEnv(t)
	genOrders(e, rows)
	benchWindows(e)
	runs := 3
	var ours, merge, base, heap []float64
	var r scoping.Run
	for range runs {
		stop := sampleHeap()
		began := clock.Start()
		r = e.scope()
		ours = append(ours, began.Elapsed().Seconds())
		heap = append(heap, stop())
		began = clock.Start()
		mc, mu, err := e.svc.MergeOnly(context.Background(), e.owner, e.caseID)
		if err != nil {
			t.Fatal(err)
		}
		merge = append(merge, began.Elapsed().Seconds())
		began = clock.Start()
		c, u := baseline(e)
		base = append(base, began.Elapsed().Seconds())
		if c != r.PersonsConfirmed || u != r.PersonsUpperBound || mc != c || mu != u {
			t.Fatalf("scope %d confirmed of %d, merge alone %d of %d, baseline %d of %d", r.PersonsConfirmed, r.PersonsUpperBound, mc, mu, c, u)
		}
	}
	o, m, b := benchreport.Median(ours), benchreport.Median(merge), benchreport.Median(base)
	peak := 0.0
	for _, h := range heap {
		peak = max(peak, h)
	}
	benchreport.RecordRuns(t, "Scoping of orders into affected persons", runs, map[string]float64{
		"scope_orders":               float64(rows),
		"scope_orders_matched":       float64(r.OrdersMatched),
		"scope_persons":              float64(r.PersonsUpperBound),
		"scope_seconds":              o,
		"scope_baseline_seconds":     b,
		"scope_speedup_vs_sql":       b / o,
		"scope_merge_seconds":        m,
		"scope_merge_speedup_vs_sql": b / m,
		"scope_go_heap_peak_mib":     peak,
	}, "scope_seconds: Scope end to end (filter by window and path, key ranks in SQL, union-find in Go over ints, the run's orders, keys and persons written "+
		"set-based, counts). Baseline: one SQL statement doing the same filter and the same transitive merge (recursive query over orders sharing a key) "+
		"and returning only the two counts; both agree on them in every run. scope_merge_seconds: our filter and merge alone (what the baseline does: "+
		"read, union-find, counts; nothing written). Heap: the largest Go heap seen during a run, above the heap before it.")
}

// sampleHeap watches the Go heap until the returned func is called, which
// returns the peak above the start in MiB.
func sampleHeap() func() float64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				mu.Lock()
				peak = max(peak, m.HeapAlloc)
				mu.Unlock()
			}
		}
	}()
	return func() float64 {
		close(done)
		mu.Lock()
		defer mu.Unlock()
		return float64(max(peak, base)-base) / (1 << 20)
	}
}
