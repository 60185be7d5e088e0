package main_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/people"
)

// csvRows generates an affected-person list of n rows as it is read,
// with every 1,000th row invalid (bad e-mail) and a card number in a memo
// column on every 100th.
type csvRows struct {
	n, i int
	buf  strings.Builder
	rd   *strings.Reader
}

func (g *csvRows) Read(p []byte) (int, error) {
	for (g.rd == nil || g.rd.Len() == 0) && g.i <= g.n {
		g.buf.Reset()
		if g.i == 0 {
			g.buf.WriteString("氏名,メールアドレス,郵便番号,住所,メモ\n")
		}
		for k := 0; k < 1000 && g.i < g.n; k++ {
			g.i++
			email := fmt.Sprintf("user%d@example.jp", g.i)
			if g.i%1000 == 0 {
				email = "not-an-address"
			}
			memo := ""
			if g.i%100 == 0 {
				memo = "card 4111 1111 1111 1111"
			}
			fmt.Fprintf(&g.buf, "氏名%d,%s,100-0001,東京都千代田区%d,%s\n", g.i, email, g.i, memo)
		}
		if g.i == g.n {
			g.i++
		}
		g.rd = strings.NewReader(g.buf.String())
	}
	if g.rd == nil || g.rd.Len() == 0 {
		return 0, io.EOF
	}
	return g.rd.Read(p)
}

// Killing the worker at random moments of a large import and restarting
// it finishes the import with every valid row once and every invalid row
// reported (`make faulttest` repeats it).
func TestCrashDuringImportLosesAndDuplicatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	t.Parallel()
	e := newCrashEnv(t, 0)
	// Large enough that the job runs for seconds: the kill must find it
	// running (the import loads about 100k rows/s here).
	const n = 400_000
	svc := people.NewService(e.st, e.clk, e.cases)
	imp, err := svc.Start(context.Background(), &e.owner, e.caseID, "big.csv", &csvRows{n: n}, people.Options{Mapping: map[string]string{"メモ": "extra"}})
	if err != nil {
		t.Fatal(err)
	}
	if imp.RowsTotal != n || imp.PansMasked != n/100 {
		t.Fatalf("upload: %d rows, %d masked", imp.RowsTotal, imp.PansMasked)
	}
	done := func() bool {
		var status string
		e.st.DB.Raw(`SELECT status FROM imports WHERE id = ?`, imp.ID).Scan(&status)
		return status == people.StatusDone
	}
	restarts := e.runUntil(done, func(w *worker, restarts int) {
		if restarts >= 2 {
			return
		}
		for {
			var rowsDone int64
			e.st.DB.Raw(`SELECT rows_done FROM imports WHERE id = ?`, imp.ID).Scan(&rowsDone)
			if rowsDone > 0 || restarts > 0 {
				break
			}
			select {
			case <-w.done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
		time.Sleep(time.Duration(rand.IntN(500)) * time.Millisecond)
		w.kill()
	})
	if restarts < 1 {
		t.Fatal("the worker was never killed")
	}
	// The import job was interrupted and taken up again.
	var attempts int
	e.st.DB.Raw(`SELECT coalesce(max(attempt), 0) FROM river_job WHERE kind = 'import_people'`).Scan(&attempts)
	if attempts < 2 {
		t.Fatalf("the import job ran %d time(s): no kill interrupted it, the test proved nothing", attempts)
	}
	t.Logf("%d kills; the import job ran %d times", restarts, attempts)
	got, err := svc.Get(context.Background(), &e.owner, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.RowsImported != n-n/1000 || got.RowsInvalid != n/1000 || got.RowsTotal != got.RowsImported+got.RowsInvalid {
		t.Fatalf("import after %d kills: %+v", restarts, got)
	}
	var persons, distinct int64
	e.st.DB.Raw(`SELECT count(*), count(DISTINCT email) FROM people WHERE case_id = ?`, e.caseID).Row().Scan(&persons, &distinct)
	if persons != n-n/1000 || distinct != persons {
		t.Fatalf("%d persons, %d distinct e-mails; want %d once each", persons, distinct, n-n/1000)
	}
}
