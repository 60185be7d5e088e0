package notices_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

// A drill rehearses its public notice up to both approvals; publishing
// is refused with a conflict that says why, nothing goes online, and the
// database refuses it even from a path that forgets to ask. A real case's
// notice, approved the same way, publishes.
func TestDrillNeverPublishes(t *testing.T) {
	t.Parallel()
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	a := apptest.Auth(t, st, clk)
	ctx := context.Background()
	fx := fixture{st: st, owner: *apptest.Principal(t, a, "o@shop.example", "shop", auth.RoleOwner),
		manager: *apptest.Principal(t, a, "m@shop.example", "shop", auth.RoleManager), legal: *apptest.Principal(t, a, "l@shop.example", "shop", auth.RoleLegal)}
	cs, as := apptest.Cases(st, clk)
	fx.ns = notices.NewService(st, clk, cs, as, apptest.Renderer(t))
	publish := func(drill bool, slug string) (fixture, error) {
		t.Helper()
		in := cases.NewCase{Title: "skimmer", AwareAt: clk.Now().Add(-time.Hour), IncidentType: "card_skimming"}
		if drill {
			in.Drill, in.DrillSpeed = true, 360
		}
		c, err := cs.Create(ctx, &fx.owner, in)
		if err != nil {
			t.Fatal(err)
		}
		f := fx
		f.caseID = c.Case.ID
		f.measure(t, 0, "WAF introduced", "planned")
		n, _, err := f.ns.Create(ctx, &f.manager, c.Case.ID, slug)
		if err != nil {
			t.Fatal(err)
		}
		f.noticeID, f.slug = n.ID, n.Slug
		f.save(t, "SAFE")
		f.approveBoth(t)
		_, err = f.ns.Publish(ctx, &f.owner, f.noticeID)
		return f, err
	}
	drill, err := publish(true, "drill-notice")
	var ae *apperr.Error
	if !errors.As(err, &ae) || !errors.Is(err, apperr.ErrConflict) || ae.Code != "conflict.drill_no_publish" {
		t.Fatalf("publishing a drill's notice: %v, want conflict.drill_no_publish", err)
	}
	if _, err := drill.public(t, 0); err == nil {
		t.Fatal("the drill's notice is public")
	}
	if n := apptest.Count(t, st, `SELECT count(*) FROM notice_versions WHERE notice_id = ? AND published_at IS NOT NULL`, drill.noticeID); n != 0 {
		t.Fatalf("%d published versions of the drill's notice", n)
	}
	if err := st.DB.Exec(`UPDATE notices SET status = 'published' WHERE id = ?`, drill.noticeID).Error; err == nil || !strings.Contains(err.Error(), "drill") {
		t.Fatalf("the database published a drill's notice: %v", err)
	}

	real, err := publish(false, "real-notice")
	if err != nil {
		t.Fatalf("a real case's notice: %v", err)
	}
	if _, err := real.public(t, 0); err != nil {
		t.Fatalf("the real case's notice is not public: %v", err)
	}
}
