package people_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/benchreport"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/people"
)

// Readings and names of the generated persons: three syllables of family
// name and three of given name, so that a whole reading finds about one
// person in 100,000 and a family name about a hundred, as in a real list.
var (
	benchKata = []rune("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワガギグゲゴザジ")
	benchKanj = []rune("山田川本中村小林佐藤鈴木高橋伊渡辺松井上野原森石清水")
)

// benchPerson is the i-th generated person's reading (katakana, with the
// space), kanji name and phone number.
func benchPerson(i int) (reading, name, phone string) {
	f, g := i%997, (i/997)%101
	k, n := len(benchKata), len(benchKanj)
	reading = string([]rune{benchKata[f%k], benchKata[(f/k)%k], benchKata[(f/7)%k], ' ', benchKata[g%k], benchKata[(g/k+3)%k], 'ウ'})
	name = string([]rune{benchKanj[f%n], benchKanj[(f/n)%n], ' ', benchKanj[g%n], '郎'}) + strconv.Itoa(i)
	return reading, name, fmt.Sprintf("03-%04d-%04d", i/10000, i%10000)
}

// hiragana writes katakana as hiragana, as an agent may type a reading.
func hiragana(s string) string {
	r := []rune(s)
	for i, c := range r {
		if c >= 'ァ' && c <= 'ヶ' {
			r[i] = c - ('ァ' - 'ぁ')
		}
	}
	return string(r)
}

// searchCSVGen writes the n generated persons as a people CSV as it is
// read.
type searchCSVGen struct {
	n, i int
	buf  bytes.Buffer
}

func (g *searchCSVGen) Read(p []byte) (int, error) {
	if g.i == 0 && g.buf.Len() == 0 {
		g.buf.WriteString("氏名,フリガナ,郵便番号,住所,メールアドレス,電話番号,顧客ID\n")
	}
	for g.buf.Len() < len(p) && g.i < g.n {
		i := g.i
		reading, name, phone := benchPerson(i)
		fmt.Fprintf(&g.buf, "%s,%s,%03d-%04d,東京都千代田区丸の内%d-%d-%d 丸の内ビル%d階,user%d@example.jp,%s,C%08d\n",
			name, reading, i%1000, i%10000, i%9+1, i%20+1, i%30+1, i%40+1, i, phone, i)
		g.i++
	}
	if g.buf.Len() == 0 {
		return 0, io.EOF
	}
	return g.buf.Read(p)
}

// TestBenchReportPeopleSearch times the people search at 100,000 persons
// in one case (`make bench`; BREACHDESK_BENCH_SEARCH_ROWS changes the
// size): a reading typed in hiragana and a phone number typed with +81,
// each end to end through the service (permission check, lookup, count,
// first page, audit row) and as the SQL it runs (count and first page),
// against the baseline of the same count and first page done as a plain
// ILIKE over the stored fields with index scans turned off, in the same
// run. The search of part of an address, which is such a scan by design,
// is timed for scale.
func TestBenchReportPeopleSearch(t *testing.T) {
	if !benchreport.Enabled() {
		t.Skip("set BREACHDESK_BENCH=1 (make bench)")
	}
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("BREACHDESK_BENCH_SEARCH_ROWS")); err == nil && v > 0 {
		n = v
	}
	e := newEnv(t)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	caseID := e.newCase(p)
	ctx := context.Background()
	const probes = 40 // searches per run of the fast measures
	t0 := clock.Start()
	imp, err := e.svc.Start(ctx, p, caseID, "bench.csv", &searchCSVGen{n: n}, people.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Run(ctx, imp.ID); err != nil {
		t.Fatal(err)
	}
	if imp, _ = e.svc.Get(ctx, p, imp.ID); imp.RowsImported != int64(n) {
		t.Fatalf("imported %d of %d", imp.RowsImported, n)
	}
	t.Logf("%d persons imported in %v", n, t0.Elapsed())
	// Autovacuum analyses a table within a minute of a bulk load.
	if err := e.st.DB.Exec("ANALYZE people").Error; err != nil {
		t.Fatal(err)
	}

	// The queries of the i-th probe: the person's reading in hiragana
	// without the space, the phone number with +81; for the baseline the
	// same text as stored, which a plain ILIKE needs to find the person.
	target := func(i int) int { return (i*7919 + 12345) % n }
	kanaQ := func(i int) string { r, _, _ := benchPerson(target(i)); return strings.ReplaceAll(hiragana(r), " ", "") }
	phoneQ := func(i int) string {
		_, _, ph := benchPerson(target(i))
		return "+81 " + ph[1:2] + " " + ph[3:7] + " " + ph[8:]
	}
	kanaStored := func(i int) string { r, _, _ := benchPerson(target(i)); return r }
	phoneStored := func(i int) string { _, _, ph := benchPerson(target(i)); return ph }
	addressQ := func(i int) string { return fmt.Sprintf("丸の内ビル%d階", i%40+1) }

	service := func(q func(int) string, wantOne bool) func(int) {
		return func(i int) {
			ps, total, err := e.svc.People(ctx, p, caseID, people.Query{Search: q(i)})
			if err != nil || total == 0 || wantOne && !containsName(ps, target(i)) {
				t.Fatalf("search %q: %d found, %v", q(i), total, err)
			}
		}
	}
	// ours runs the count and the first page of the condition the
	// service chose (worked out before the clock starts), as SQL.
	type condition struct {
		sql  string
		args []any
	}
	ours := func(q func(int) string) func(int) {
		conds := map[int]condition{}
		for r := range benchreport.Runs {
			for j := range probes {
				cond, args, err := people.SearchCondition(ctx, e.svc, p.OrgID(), caseID, q(r*probes+j))
				if err != nil {
					t.Fatal(err)
				}
				conds[r*probes+j] = condition{cond, args}
			}
		}
		return func(i int) { countAndPage(t, e.st.DB, false, p.OrgID(), caseID, conds[i].sql, conds[i].args) }
	}
	seqscan := func(q func(int) string) func(int) {
		return func(i int) {
			like := "%" + q(i) + "%"
			countAndPage(t, e.st.DB, true, p.OrgID(), caseID, `(name ILIKE ? OR name_kana ILIKE ? OR phone ILIKE ? OR address ILIKE ?
				OR postal_code ILIKE ? OR email ILIKE ? OR customer_id ILIKE ?)`, []any{like, like, like, like, like, like, like})
		}
	}
	measures := []struct {
		key   string
		iters int
		f     func(int)
	}{
		{"kana", probes, service(kanaQ, true)},
		{"phone", probes, service(phoneQ, true)},
		{"address", 5, service(addressQ, false)},
		{"kana_query", probes, ours(kanaQ)},
		{"phone_query", probes, ours(phoneQ)},
		{"seqscan_kana", 5, seqscan(kanaStored)},
		{"seqscan_phone", 5, seqscan(phoneStored)},
	}
	// Run r searches for the persons r*probes, r*probes+1, …: each
	// measure looks for the same persons, a different one each time.
	ms := map[string][]float64{}
	for r := range benchreport.Runs {
		for _, m := range measures {
			t1 := clock.Start()
			for j := range m.iters {
				m.f(r*probes + j)
			}
			ms[m.key] = append(ms[m.key], float64(t1.Elapsed())/float64(time.Millisecond)/float64(m.iters))
		}
	}
	med := func(k string) float64 { return benchreport.Median(ms[k]) }
	benchreport.Record(t, fmt.Sprintf("People search in one case of %d persons", n), map[string]float64{
		"people_search_rows":                   float64(n),
		"people_search_kana_ms":                med("kana"),
		"people_search_phone_ms":               med("phone"),
		"people_search_address_ms":             med("address"),
		"people_search_kana_query_ms":          med("kana_query"),
		"people_search_phone_query_ms":         med("phone_query"),
		"people_search_seqscan_kana_ms":        med("seqscan_kana"),
		"people_search_seqscan_phone_ms":       med("seqscan_phone"),
		"people_search_kana_ratio_vs_seqscan":  med("seqscan_kana") / med("kana_query"),
		"people_search_phone_ratio_vs_seqscan": med("seqscan_phone") / med("phone_query"),
		"people_search_kana_e2e_vs_seqscan":    med("seqscan_kana") / med("kana"),
		"people_search_phone_e2e_vs_seqscan":   med("seqscan_phone") / med("phone"),
	}, "One case of generated persons loaded by the import (every person a reading, a phone number, an address). "+
		"*_ms: milliseconds per search. people_search_{kana,phone,address}_ms: People() end to end (permission check, lookup, count, first page of 50, audit row) "+
		"for a whole reading typed in hiragana without the space (about one person), a phone number typed as +81 3 … (one person), and part of an address (a fortieth of the case, a scan by design). "+
		"*_query_ms: the count and first page of the condition the service chose, as SQL. "+
		"Baseline (seqscan_*): the same count and first page as a plain ILIKE '%…%' over the stored fields, with the text as stored (the only way ILIKE finds it), index scans off. "+
		"*_ratio_vs_seqscan: how many times faster than the baseline (baseline time / ours); *_e2e_vs_seqscan the same for the end-to-end time.")
}

// countAndPage runs what a search page reads: the count and the first 50
// persons in id order, with index scans off for the baseline.
func countAndPage(t *testing.T, db *gorm.DB, noIndexes bool, orgID, caseID int64, cond string, args []any) {
	t.Helper()
	err := db.Transaction(func(tx *gorm.DB) error {
		if noIndexes {
			if err := tx.Exec("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexonlyscan = off").Error; err != nil {
				return err
			}
		}
		q := tx.Model(&people.Person{}).Where("case_id = ? AND organisation_id = ?", caseID, orgID).Where(cond, args...)
		var total int64
		if err := q.Count(&total).Error; err != nil {
			return err
		}
		var ps []people.Person
		if err := q.Order("id").Limit(50).Find(&ps).Error; err != nil {
			return err
		}
		if total == 0 {
			return fmt.Errorf("%s finds nobody", cond)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// containsName reports whether the i-th generated person is among ps.
func containsName(ps []people.Person, i int) bool {
	_, name, _ := benchPerson(i)
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}
