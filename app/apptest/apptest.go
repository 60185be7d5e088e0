// Package apptest holds what the services' tests set up alike: the auth
// service on a test database, the case and assessment services, the
// workers' services, users acting in organisations, a case to work on and
// the PDF renderer. It is imported by tests only.
package apptest

import (
	"context"
	"crypto/tls"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/notifications"
	"github.com/breachdesk/breachdesk/app/orders"
	"github.com/breachdesk/breachdesk/app/people"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/webhooks"
	"github.com/breachdesk/breachdesk/workflows"
)

// Password is every test user's password.
const Password = "correct horse battery"

// Auth returns the auth service on st with password hashing cheap enough
// for tests, on clk, which should be st's.
func Auth(t testing.TB, st *store.Store, clk clock.Clock) *auth.Service {
	t.Helper()
	a, err := auth.NewService(st, clk, auth.Options{SecretKey: make([]byte, 32), Argon2: auth.Argon2Params{Time: 1, Memory: 1024, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Cases returns the case service and the assessment service on st,
// wired as cmd/breachdesk wires them: the deadlines bookkeeping first,
// then the two services that share it.
func Cases(st *store.Store, clk clock.Clock) (*cases.Service, *assessment.Service) {
	deadlines := assessment.NewDeadlines(st, clk)
	cs := cases.NewService(st, clk, deadlines)
	return cs, assessment.NewService(st, clk, cs, deadlines)
}

// Workers are the services a working River client needs on st, each
// made fresh with test settings (the letters service without an SMTP
// server, notifications e-mailed to none). Tests replace the ones they
// look at.
func Workers(t testing.TB, st *store.Store, clk clock.Clock, a *auth.Service) workflows.Deps {
	t.Helper()
	r := Renderer(t)
	deadlines := assessment.NewDeadlines(st, clk)
	cs := cases.NewService(st, clk, deadlines)
	as := assessment.NewService(st, clk, cs, deadlines)
	noSMTP, err := mail.NewSMTP("", "BreachDesk <noreply@example.invalid>")
	if err != nil {
		t.Fatal(err)
	}
	return workflows.Deps{Store: st, Clock: clk, Auth: a, Deadlines: deadlines, Emailer: notifications.NewEmailer(st, clk, noSMTP, "http://breachdesk.invalid"),
		Drafts: drafts.NewService(st, clk, cs, as, r), People: people.NewService(st, clk, cs), Letters: letters.NewService(st, clk, cs, as, letters.Options{Renderer: r}),
		Webhooks: Webhooks(t, st, clk, nil), Orders: orders.NewService(st, clk, cs)}
}

// Webhooks is the webhooks service of tests: endpoints on loopback are
// allowed (the receivers run on 127.0.0.1) and tlsCfg, when given,
// trusts the receiver's certificate. Every instance seals secrets with
// the same key, so one made for a web server and one made for workers
// read each other's endpoints.
func Webhooks(t testing.TB, st *store.Store, clk clock.Clock, tlsCfg *tls.Config) *webhooks.Service {
	t.Helper()
	s, err := webhooks.NewService(st, clk, webhooks.Options{SecretKey: make([]byte, 32), AllowLoopback: true, TLS: tlsCfg, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Principal creates a user named "Name of <email>" with role in org (the
// organisation is created when new) and returns the user acting there.
func Principal(t testing.TB, a *auth.Service, email, org string, role auth.Role) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := a.CreateUser(ctx, auth.NewUser{Email: email, Name: "Name of " + email, Password: Password, OrgSlug: org, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	o, err := a.OrganisationBySlug(ctx, org)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{User: u, Organisation: o, Role: role}
}

// NewCase opens a card-skimming case, aware an hour before clk's now, in
// p's organisation. It is opened as an owner would: whatever p's role, the
// test wants a case to work on.
func NewCase(t testing.TB, cs *cases.Service, clk clock.Clock, p *auth.Principal) int64 {
	t.Helper()
	opener := *p
	opener.Role = auth.RoleOwner
	c, err := cs.Create(context.Background(), &opener, cases.NewCase{Title: "Skimmer on checkout", AwareAt: clk.Now().Add(-time.Hour), IncidentType: "card_skimming"})
	if err != nil {
		t.Fatal(err)
	}
	return c.Case.ID
}

// Count runs a query of one number.
func Count(t testing.TB, st *store.Store, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := st.DB.Raw(sql, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

var renderer = sync.OnceValues(func() (*pdf.Renderer, error) {
	font, err := pdf.FindFont(os.Getenv("BREACHDESK_PDF_FONT"))
	if err != nil {
		return nil, err
	}
	return pdf.NewRenderer(font)
})

// Renderer is the PDF renderer with the machine's Japanese font, made
// once per test binary. Without a font the test is skipped, except under
// CI (.ci/run installs the fonts), where it fails.
func Renderer(t testing.TB) *pdf.Renderer {
	t.Helper()
	r, err := renderer()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return r
}

// PDFText is the text of a PDF as pdftotext (poppler-utils) extracts it.
// Without pdftotext the test is skipped, except under CI (.ci/run
// installs it), where it fails.
func PDFText(t testing.TB, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext missing (poppler-utils)")
		}
		t.Skip("pdftotext missing")
	}
	in := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
