package people_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/people"
)

// benchRows is the size of the generated file: BREACHDESK_BENCH_ROWS, or
// 200,000 rows (about 24 MB).
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("BREACHDESK_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

// genCSV writes a people CSV of n rows as it is read, so that the file is
// never in the benchmark's memory.
type genCSV struct {
	n, i int
	buf  bytes.Buffer
}

func newGenCSV(n int) *genCSV {
	g := &genCSV{n: n}
	g.buf.WriteString("氏名,メールアドレス,郵便番号,住所,電話番号,顧客ID\n")
	return g
}

func (g *genCSV) Read(p []byte) (int, error) {
	for g.buf.Len() < len(p) && g.i < g.n {
		i := g.i
		fmt.Fprintf(&g.buf, "山田 太郎%d,user%d@example.jp,%03d-%04d,東京都千代田区丸の内%d-%d-%d,03-%04d-%04d,C%08d\n",
			i, i, i%1000, i%10000, i%9+1, i%20+1, i%30+1, i%10000, (i*7)%10000, i)
		g.i++
	}
	if g.buf.Len() == 0 {
		return 0, io.EOF
	}
	return g.buf.Read(p)
}

// resetPeakRSS lets VmHWM measure one benchmark (Linux; ignored elsewhere).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func peakRSSMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkImport uploads and imports a generated file end to end: decode,
// PAN guard, storage, validation, merge and COPY.
func BenchmarkImport(b *testing.B) {
	e := newEnv(b)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	n := benchRows()
	ctx := context.Background()
	resetPeakRSS()
	var upload, run time.Duration
	for b.Loop() {
		caseID := e.newCase(p)
		t0 := clock.Start()
		imp, err := e.svc.Start(ctx, p, caseID, "bench.csv", newGenCSV(n), people.Options{})
		if err != nil {
			b.Fatal(err)
		}
		uploaded := t0.Elapsed()
		t1 := clock.Start()
		if err := e.svc.Run(ctx, imp.ID); err != nil {
			b.Fatal(err)
		}
		upload, run = upload+uploaded, run+t1.Elapsed()
		if imp, _ = e.svc.Get(ctx, p, imp.ID); imp.RowsImported != int64(n) {
			b.Fatalf("imported %d of %d rows", imp.RowsImported, n)
		}
	}
	total := (upload + run).Seconds() / float64(b.N)
	b.ReportMetric(float64(n)/total, "rows/s")
	b.ReportMetric(upload.Seconds()/float64(b.N), "upload-s")
	b.ReportMetric(run.Seconds()/float64(b.N), "run-s")
	b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
}

// copyGenerated loads the generated rows with a plain pgx CopyFrom; extra
// columns are set to the same value in every row.
func copyGenerated(b *testing.B, e *env, n int, table string, fixed []string, values []any) {
	b.Helper()
	ctx := context.Background()
	cr := csv.NewReader(bufio.NewReader(newGenCSV(n)))
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil {
		b.Fatal(err)
	}
	row := append(make([]any, 6), values...)
	var readErr error
	copied, err := e.st.Pool.CopyFrom(ctx, pgx.Identifier{table}, append([]string{"name", "email", "postal_code", "address", "phone", "customer_id"}, fixed...),
		pgx.CopyFromFunc(func() ([]any, error) {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return nil, nil
			}
			if err != nil {
				readErr = err
				return nil, err
			}
			for i := range 6 {
				row[i] = rec[i]
			}
			return row, nil
		}))
	if err != nil || readErr != nil || copied != int64(n) {
		b.Fatalf("copied %d of %d: %v %v", copied, n, err, readErr)
	}
}

// BenchmarkCopyIntoPeople is the same plain CopyFrom into the people table
// itself, with its indexes and its case check: the floor for an import.
func BenchmarkCopyIntoPeople(b *testing.B) {
	e := newEnv(b)
	p := e.principal("mgr@a.example", "org-a", auth.RoleManager)
	n := benchRows()
	resetPeakRSS()
	var elapsed time.Duration
	for b.Loop() {
		caseID := e.newCase(p)
		t0 := clock.Start()
		copyGenerated(b, e, n, "people", []string{"organisation_id", "case_id"}, []any{p.OrgID(), caseID})
		elapsed += t0.Elapsed()
	}
	b.ReportMetric(float64(n)/(elapsed.Seconds()/float64(b.N)), "rows/s")
	b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
}

// BenchmarkCopyBaseline reads the same generated file with encoding/csv
// and loads it with a plain pgx CopyFrom into a bare table: the speed the
// import is compared with.
func BenchmarkCopyBaseline(b *testing.B) {
	e := newEnv(b)
	n := benchRows()
	ctx := context.Background()
	if _, err := e.st.Pool.Exec(ctx, `CREATE TABLE bench_people (name text, email text, postal_code text, address text, phone text, customer_id text)`); err != nil {
		b.Fatal(err)
	}
	resetPeakRSS()
	var elapsed time.Duration
	for b.Loop() {
		if _, err := e.st.Pool.Exec(ctx, `TRUNCATE bench_people`); err != nil {
			b.Fatal(err)
		}
		t0 := clock.Start()
		copyGenerated(b, e, n, "bench_people", nil, nil)
		elapsed += t0.Elapsed()
	}
	b.ReportMetric(float64(n)/(elapsed.Seconds()/float64(b.N)), "rows/s")
	b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
}
