package scoping_test

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/orders"
	"github.com/breachdesk/breachdesk/app/scoping"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

type env struct {
	t      testing.TB
	clk    *clocktest.Clock
	st     *store.Store
	auth   *auth.Service
	cases  *cases.Service
	as     *assessment.Service
	svc    *scoping.Service
	owner  *auth.Principal
	legal  *auth.Principal
	viewer *auth.Principal
	other  *auth.Principal
	caseID int64
}

func newEnv(t testing.TB) *env {
	t.Helper()
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	a := apptest.Auth(t, st, clk)
	cs, as := apptest.Cases(st, clk)
	e := &env{t: t, clk: clk, st: st, auth: a, cases: cs, as: as, svc: scoping.NewService(st, clk, cs, as),
		owner:  apptest.Principal(t, a, "owner@shop.example", "shop", auth.RoleOwner),
		legal:  apptest.Principal(t, a, "legal@shop.example", "shop", auth.RoleLegal),
		viewer: apptest.Principal(t, a, "viewer@shop.example", "shop", auth.RoleViewer),
		other:  apptest.Principal(t, a, "owner@other.example", "other", auth.RoleOwner)}
	e.caseID = apptest.NewCase(t, cs, clk, e.owner)
	return e
}

var tokyo = func() *time.Location {
	l, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return l
}()

// jst reads a Japanese wall time, "2026-10-01 09:12" (or with seconds).
func jst(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, tokyo)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02 15:04:05", s, tokyo)
	}
	if err != nil {
		panic(err)
	}
	return t
}

// ord is one order of a test; at is JST wall time.
type ord struct {
	no, at, method                    string
	card                              bool
	brand, last4                      string
	cid, email, name, postal, address string
}

const cardPay = "クレジットカード決済"

// card is a card order on the card path.
func card(no, at, cid, email, name, address string) ord {
	return ord{no: no, at: at, method: cardPay, card: true, brand: "visa", last4: "1111", cid: cid, email: email, name: name, postal: "100-0001", address: address}
}

// addOrders inserts orders directly, with the keys app/orders computes.
func (e *env) addOrders(os ...ord) {
	e.t.Helper()
	for _, o := range os {
		err := e.st.DB.Exec(`INSERT INTO orders (organisation_id, case_id, order_no, ordered_at, payment_method, card_payment, card_brand, card_last4,
			customer_id, email, name, postal_code, address, email_key, name_address_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.owner.OrgID(), e.caseID, o.no, jst(o.at), o.method, o.card, o.brand, o.last4, o.cid, o.email, o.name, o.postal, o.address,
			orders.EmailKey(o.email), orders.NameAddressKey(o.name, o.postal, o.address)).Error
		if err != nil {
			e.t.Fatal(err)
		}
	}
}

// window is a window over the card path capturing card data and names.
func window(start, end, confidence string, paths ...string) scoping.Window {
	return scoping.Window{Start: jst(start), End: jst(end), Paths: paths, Source: "pfi_report", Confidence: confidence,
		DataItems: []obligations.DataItem{obligations.ItemCardNumber, obligations.ItemCardExpiry, obligations.ItemSecurityCode, obligations.ItemName}}
}

// setWindows adds windows to the case.
func (e *env) setWindows(ws ...scoping.Window) scoping.WindowVersion {
	e.t.Helper()
	cur, err := e.svc.Windows(context.Background(), e.owner, e.caseID)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, w := range ws {
		if cur, err = e.svc.SaveWindow(context.Background(), e.owner, e.caseID, cur.Version, w); err != nil {
			e.t.Fatal(err)
		}
	}
	return cur
}

// scope asks for a run and computes it as its job would.
func (e *env) scope() scoping.Run {
	e.t.Helper()
	ctx := context.Background()
	r, err := e.svc.Scope(ctx, e.owner, e.caseID)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.Run(ctx, r.ID); err != nil {
		e.t.Fatal(err)
	}
	if r, err = e.svc.GetRun(ctx, e.owner, r.ID); err != nil {
		e.t.Fatal(err)
	}
	if r.Status != scoping.StatusDone {
		e.t.Fatalf("run %d is %s after its job: %s", r.ID, r.Status, r.Error)
	}
	return r
}

// groups returns the run's persons as their order numbers ("A,B"),
// with the status, sorted: "confirmed:A,B".
func (e *env) groups(r scoping.Run) []string {
	e.t.Helper()
	ctx := context.Background()
	ps, _, err := e.svc.Persons(ctx, e.owner, r.ID, "", scoping.MaxPage, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		os, err := e.svc.PersonOrders(ctx, e.owner, r.ID, p.PersonNo)
		if err != nil {
			e.t.Fatal(err)
		}
		var nos []string
		for _, o := range os {
			nos = append(nos, o.OrderNo)
		}
		sort.Strings(nos)
		out = append(out, p.Status+":"+strings.Join(nos, ","))
	}
	sort.Strings(out)
	return out
}

func (e *env) count(sql string, args ...any) int64 {
	e.t.Helper()
	return apptest.Count(e.t, e.st, sql, args...)
}

// fields returns the fields a validation error names.
func fields(err error) []string {
	var v *apperr.ValidationError
	if !errors.As(err, &v) {
		return nil
	}
	var out []string
	for _, f := range v.Fields {
		if !slices.Contains(out, f.Field) {
			out = append(out, f.Field)
		}
	}
	sort.Strings(out)
	return out
}

type (
	assessmentObligation = assessment.Obligation
	obligationsCardBrand = obligations.CardBrand
)
