package letters_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/config"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
	"github.com/breachdesk/breachdesk/workflows"
)

type env struct {
	t        testing.TB
	clk      *clocktest.Clock
	st       *store.Store
	auth     *auth.Service
	cases    *cases.Service
	as       *assessment.Service
	drafts   *drafts.Service
	renderer *pdf.Renderer
	owner    auth.Principal
	legal    auth.Principal
	other    auth.Principal
	caseID   int64
	letterID int64 // the approved customer letter
}

// newEnv makes a case with an approved Japanese customer letter.
func newEnv(t testing.TB) *env {
	t.Helper()
	r := apptest.Renderer(t)
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	a := apptest.Auth(t, st, clk)
	ctx := context.Background()
	principal := func(email, org string, role auth.Role) auth.Principal {
		return *apptest.Principal(t, a, email, org, role)
	}
	e := &env{t: t, clk: clk, st: st, auth: a, renderer: r, owner: principal("owner@shop.example", "shop", auth.RoleOwner),
		legal: principal("legal@shop.example", "shop", auth.RoleLegal), other: principal("owner@other.example", "other", auth.RoleOwner)}
	st.DB.Exec(`UPDATE organisations SET legal_name = '株式会社テストショップ', contact_desk = 'お客様窓口 0120-000-000' WHERE slug = 'shop'`)
	var as *assessment.Service
	e.cases, as = apptest.Cases(st, clk)
	e.as = as
	e.drafts = drafts.NewService(st, clk, e.cases, as, r)
	c, err := e.cases.Create(ctx, &e.owner, cases.NewCase{Title: "決済画面の改ざん", AwareAt: clk.Now().Add(-48 * time.Hour), IncidentType: "card_skimming"})
	if err != nil {
		t.Fatal(err)
	}
	e.caseID = c.Case.ID
	e.letterID = e.approvedLetter("ja", map[string]string{"summary": "決済画面が改ざんされ、カード情報が窃取されたおそれがあります。"})
	return e
}

// approvedLetter generates, renders and approves a customer letter.
func (e *env) approvedLetter(lang string, fields map[string]string) int64 {
	e.t.Helper()
	ctx := context.Background()
	d, err := e.drafts.Generate(ctx, &e.owner, e.caseID, string(documents.CustomerLetterSample), lang, fields)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.st.InTx(ctx, func(tx *store.Tx) error { return e.drafts.RenderInTx(ctx, tx, d.ID) }); err != nil {
		e.t.Fatal(err)
	}
	if d, err = e.drafts.Get(ctx, &e.legal, d.ID); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.drafts.Approve(ctx, &e.legal, d.ID, d.ContentHash()); err != nil {
		e.t.Fatal(err)
	}
	return d.ID
}

// addPeople inserts n persons: every one has a name and postal address;
// those with i%withoutEmail == 0 (when withoutEmail > 0) have no e-mail.
func (e *env) addPeople(n, withoutEmail int) {
	e.t.Helper()
	err := e.st.DB.Exec(`INSERT INTO people (organisation_id, case_id, customer_id, name, email, postal_code, address)
		SELECT ?, ?, 'C' || i, '山田 太郎' || i,
			CASE WHEN ? > 0 AND i % ? = 0 THEN '' ELSE 'user' || i || '@example.jp' END,
			'100-0005', '東京都千代田区丸の内一丁目' || i || '番地'
		FROM generate_series(1, ?) AS i`, e.owner.OrgID(), e.caseID, withoutEmail, max(withoutEmail, 1), n).Error
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.st.DB.Raw(sql, args...).Scan(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

// service builds the letters service sending to srv (nil: no SMTP).
func (e *env) service(srv *mailtest.Server, o letters.Options) *letters.Service {
	e.t.Helper()
	o.Renderer = e.renderer
	if srv != nil {
		d, err := mail.NewSMTP(srv.URL, "株式会社テストショップ <notice@shop.example>")
		if err != nil {
			e.t.Fatal(err)
		}
		o.Dialer = d
	}
	return letters.NewService(e.st, e.clk, e.cases, e.as, o)
}

// work runs River workers with the letters service until the test ends.
func (e *env) work(svc *letters.Service) {
	e.t.Helper()
	d := apptest.Workers(e.t, e.st, e.clk, e.auth)
	d.Drafts, d.Letters, d.LetterRetryBase, d.LetterWorkers = e.drafts, svc, 100*time.Millisecond, config.DefaultLetterWorkers()
	c, err := workflows.NewClient(d)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := c.Start(ctx); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		workflows.Stop(c, 5*time.Second)
		cancel()
	})
}

// waitDone polls until the batch is done.
func (e *env) waitDone(svc *letters.Service, id int64, timeout time.Duration) letters.Counts {
	e.t.Helper()
	waited := clock.Start()
	for {
		b, c, err := svc.Progress(context.Background(), &e.owner, id)
		if err != nil {
			e.t.Fatal(err)
		}
		if b.Status == "done" {
			return c
		}
		if waited.Elapsed() > timeout {
			e.t.Fatalf("batch %d not done after %s: %+v", id, timeout, c)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// decodeBody returns the text part of a raw message, decoded.
func decodeBody(t testing.TB, raw []byte) string {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(m.Body)
	switch strings.ToLower(m.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body, _ = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
	case "base64":
		body, _ = base64.StdEncoding.DecodeString(strings.ReplaceAll(string(body), "\r\n", ""))
	}
	return string(body)
}
