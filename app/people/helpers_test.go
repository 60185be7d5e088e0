package people_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/people"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
	"github.com/breachdesk/breachdesk/workflows"
)

type env struct {
	t     testing.TB
	st    *store.Store
	url   string
	auth  *auth.Service
	cases *cases.Service
	svc   *people.Service
}

func newEnv(t testing.TB) *env {
	t.Helper()
	st, url := storetest.NewWithURL(t)
	a, err := auth.NewService(st, auth.Options{SecretKey: make([]byte, 32), Argon2: auth.Argon2Params{Time: 1, Memory: 1024, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := workflows.NewClient(workflows.Deps{Store: st, Auth: a}, workflows.InsertOnly); err != nil {
		t.Fatal(err)
	}
	cs := cases.NewService(st)
	return &env{t: t, st: st, url: url, auth: a, cases: cs, svc: people.NewService(st, cs)}
}

// principal creates a user with role in org (created when new).
func (e *env) principal(email, org string, role auth.Role) *auth.Principal {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.auth.CreateUser(ctx, auth.NewUser{Email: email, Name: "Name of " + email, Password: "correct horse battery", OrgSlug: org, Role: role})
	if err != nil {
		e.t.Fatal(err)
	}
	o, err := e.auth.OrganisationBySlug(ctx, org)
	if err != nil {
		e.t.Fatal(err)
	}
	return &auth.Principal{User: u, Organisation: o, Role: role}
}

func (e *env) newCase(p *auth.Principal) int64 {
	e.t.Helper()
	c, _, err := e.cases.Create(context.Background(), p, cases.NewCase{Title: "Skimmer on checkout", AwareAt: time.Now().Add(-time.Hour), IncidentType: "card_skimming"})
	if err != nil {
		e.t.Fatal(err)
	}
	return c.ID
}

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

func fieldError(t *testing.T, err error, field string) string {
	t.Helper()
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error on %q, got %v", field, err)
	}
	r := ve.For(field)
	if r == "" {
		t.Fatalf("want a validation error on %q, got %v", field, ve)
	}
	return r
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
