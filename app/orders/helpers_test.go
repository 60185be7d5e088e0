package orders_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/orders"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

type env struct {
	t      testing.TB
	clk    *clocktest.Clock
	st     *store.Store
	auth   *auth.Service
	cases  *cases.Service
	svc    *orders.Service
	p      *auth.Principal
	caseID int64
}

// newEnv is a fresh database with a manager of org-a and one case.
func newEnv(t testing.TB) *env {
	t.Helper()
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	a := apptest.Auth(t, st, clk)
	cs, _ := apptest.Cases(st, clk)
	e := &env{t: t, clk: clk, st: st, auth: a, cases: cs, svc: orders.NewService(st, clk, cs)}
	e.p = apptest.Principal(t, a, "mgr@a.example", "org-a", auth.RoleManager)
	e.caseID = apptest.NewCase(t, cs, clk, e.p)
	return e
}

// start uploads data.
func (e *env) start(data string, opts orders.ImportOptions) (orders.Import, error) {
	return e.svc.Start(context.Background(), e.p, e.caseID, "orders.csv", strings.NewReader(data), opts)
}

// importCSV uploads data and runs the job, returning the finished import.
func (e *env) importCSV(data string, opts orders.ImportOptions) orders.Import {
	e.t.Helper()
	imp, err := e.start(data, opts)
	if err != nil {
		e.t.Fatalf("start: %v", err)
	}
	return e.run(imp.ID)
}

func (e *env) run(id int64) orders.Import {
	e.t.Helper()
	ctx := context.Background()
	if err := e.svc.Run(ctx, id); err != nil {
		e.t.Fatalf("run: %v", err)
	}
	imp, err := e.svc.Get(ctx, e.p, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return imp
}

// orders returns the case's orders by order number.
func (e *env) orders() map[string]orders.Order {
	e.t.Helper()
	list, total, err := e.svc.List(context.Background(), e.p, e.caseID, orders.MaxPage, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	if int(total) != len(list) {
		e.t.Fatalf("total %d, listed %d", total, len(list))
	}
	out := map[string]orders.Order{}
	for _, o := range list {
		out[o.OrderNo] = o
	}
	return out
}

func (e *env) count(sql string, args ...any) int64 {
	e.t.Helper()
	var n int64
	// pgx directly: GORM would read a "?" in an argument (a regular
	// expression) as a placeholder.
	if err := e.st.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// fieldError returns err's error on field.
func fieldError(t *testing.T, err error, field string) apperr.FieldError {
	t.Helper()
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error on %q, got %v", field, err)
	}
	for _, f := range ve.Fields {
		if f.Field == field {
			return f
		}
	}
	t.Fatalf("want a validation error on %q, got %v", field, ve)
	return apperr.FieldError{}
}

// sjis encodes s as Shift_JIS (CP932), as EC-CUBE writes its exports.
func sjis(t testing.TB, s string) string {
	t.Helper()
	out, err := japanese.ShiftJIS.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encode Shift_JIS: %v", err)
	}
	return out
}

// csvText joins rows into CSV lines with sep (each cell as given).
func csvText(sep string, rows ...[]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ","))
		b.WriteString(sep)
	}
	return b.String()
}

// newEnvSameDB is a principal of another organisation in e's database.
func newEnvSameDB(e *env, email, org string) *auth.Principal {
	return apptest.Principal(e.t, e.auth, email, org, auth.RoleManager)
}
