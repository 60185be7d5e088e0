package inquiries_test

import (
	"errors"
	"testing"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/inquiries"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

type env struct {
	t    *testing.T
	clk  *clocktest.Clock
	st   *store.Store
	auth *auth.Service
	cs   *cases.Service
	svc  *inquiries.Service
}

// newEnv is a fresh database with the service. The service needs the
// PDF font (the test is skipped where none is installed, outside CI).
func newEnv(t *testing.T) *env {
	t.Helper()
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	cs, as := apptest.Cases(st, clk)
	return &env{t: t, clk: clk, st: st, auth: apptest.Auth(t, st, clk), cs: cs, svc: inquiries.NewService(st, clk, cs, as, apptest.Renderer(t))}
}

// principal creates a user with role in org (created when new).
func (e *env) principal(email, org string, role auth.Role) *auth.Principal {
	return apptest.Principal(e.t, e.auth, email, org, role)
}

// newCase opens a case in p's organisation (as its owner: only managers
// open cases, whatever role p has).
func (e *env) newCase(p *auth.Principal) int64 { return apptest.NewCase(e.t, e.cs, e.clk, p) }

// person adds an affected person to a case directly, as an import would.
func (e *env) person(p *auth.Principal, caseID int64, name, email, phone, customerID string) int64 {
	e.t.Helper()
	var id int64
	err := e.st.DB.Raw(`INSERT INTO people (organisation_id, case_id, name, email, phone, customer_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		p.OrgID(), caseID, name, email, phone, customerID).Scan(&id).Error
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) count(sql string, args ...any) int64 { return apptest.Count(e.t, e.st, sql, args...) }

func fieldError(t *testing.T, err error, field string) string {
	t.Helper()
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error on %q, got %v", field, err)
	}
	r := ve.For(field)
	if r == "" {
		t.Fatalf("validation error does not name %q: %v", field, err)
	}
	return r
}

func ptr[T any](v T) *T { return &v }
