package people_test

import (
	"bytes"
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
	"github.com/breachdesk/breachdesk/app/people"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

type env struct {
	t     testing.TB
	clk   *clocktest.Clock
	st    *store.Store
	url   string
	auth  *auth.Service
	cases *cases.Service
	svc   *people.Service
}

func newEnv(t testing.TB) *env {
	t.Helper()
	clk := clocktest.New(t)
	st, url := storetest.NewWithURL(t, clk)
	a := apptest.Auth(t, st, clk)
	cs, _ := apptest.Cases(st, clk)
	return &env{t: t, clk: clk, st: st, url: url, auth: a, cases: cs, svc: people.NewService(st, clk, cs)}
}

// principal creates a user with role in org (created when new).
func (e *env) principal(email, org string, role auth.Role) *auth.Principal {
	return apptest.Principal(e.t, e.auth, email, org, role)
}

func (e *env) newCase(p *auth.Principal) int64 { return apptest.NewCase(e.t, e.cases, e.clk, p) }

// importCSV uploads data and runs the job, returning the finished import.
func (e *env) importCSV(p *auth.Principal, caseID int64, data string, opts people.Options) people.Import {
	e.t.Helper()
	ctx := context.Background()
	imp, err := e.svc.Start(ctx, p, caseID, "people.csv", strings.NewReader(data), opts)
	if err != nil {
		e.t.Fatalf("start: %v", err)
	}
	if err := e.svc.Run(ctx, imp.ID); err != nil {
		e.t.Fatalf("run: %v", err)
	}
	imp, err = e.svc.Get(ctx, p, imp.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return imp
}

func (e *env) people(p *auth.Principal, caseID int64) []people.Person {
	e.t.Helper()
	ps, total, err := e.svc.People(context.Background(), p, caseID, people.Query{Limit: 500})
	if err != nil {
		e.t.Fatal(err)
	}
	if int(total) != len(ps) {
		e.t.Fatalf("total %d, listed %d", total, len(ps))
	}
	return ps
}

func (e *env) count(sql string, args ...any) int64 {
	e.t.Helper()
	var n int64
	if err := e.st.DB.Raw(sql, args...).Scan(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

func byEmail(ps []people.Person, email string) people.Person {
	for _, p := range ps {
		if p.Email == email {
			return p
		}
	}
	return people.Person{}
}

// fieldError returns err's error on field: its code and arguments.
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

func sjis(t testing.TB, s string) string {
	t.Helper()
	var b bytes.Buffer
	w := japanese.ShiftJIS.NewEncoder().Writer(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatalf("encode Shift_JIS: %v", err)
	}
	return b.String()
}
