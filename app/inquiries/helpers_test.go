package inquiries_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/inquiries"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
	"github.com/breachdesk/breachdesk/workflows"
)

type env struct {
	t    *testing.T
	st   *store.Store
	auth *auth.Service
	cs   *cases.Service
	svc  *inquiries.Service
}

// newEnv is a fresh database with the service; withPDF loads the font
// (skipping the test where none is installed outside CI).
func newEnv(t *testing.T, withPDF bool) *env {
	t.Helper()
	st := storetest.New(t)
	a, err := auth.NewService(st, auth.Options{SecretKey: make([]byte, 32), Argon2: auth.Argon2Params{Time: 1, Memory: 1024, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	// Opening a case enqueues its deadline reminders.
	if _, err := workflows.NewClient(workflows.Deps{Store: st, Auth: a}, workflows.InsertOnly); err != nil {
		t.Fatal(err)
	}
	var r *documents.Renderer
	if withPDF {
		font, err := documents.FindFont(os.Getenv("BREACHDESK_PDF_FONT"))
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal(err)
			}
			t.Skip(err)
		}
		if r, err = documents.NewRenderer(font); err != nil {
			t.Fatal(err)
		}
	}
	cs := cases.NewService(st)
	return &env{t: t, st: st, auth: a, cs: cs, svc: inquiries.NewService(st, cs, assessment.NewService(st, cs), r)}
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

// newCase opens a case in p's organisation (as its owner: only managers
// open cases, whatever role p has).
func (e *env) newCase(p *auth.Principal) int64 {
	e.t.Helper()
	opener := *p
	opener.Role = auth.RoleOwner
	c, _, err := e.cs.Create(context.Background(), &opener, cases.NewCase{Title: "Skimmer on checkout", AwareAt: time.Now().Add(-time.Hour), IncidentType: "card_skimming"})
	if err != nil {
		e.t.Fatal(err)
	}
	return c.ID
}

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

func (e *env) count(sql string, args ...any) int64 {
	e.t.Helper()
	var n int64
	if err := e.st.DB.Raw(sql, args...).Scan(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

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

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext missing (poppler-utils)")
		}
		t.Skip("pdftotext missing")
	}
	in := filepath.Join(t.TempDir(), "faq.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func ptr[T any](v T) *T { return &v }
