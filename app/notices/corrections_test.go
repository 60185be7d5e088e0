package notices_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/notices"
)

func errCode(err error) string {
	var ve *apperr.ValidationError
	var e *apperr.Error
	switch {
	case errors.As(err, &ve) && len(ve.Fields) > 0:
		return ve.Fields[0].Field + ":" + ve.Fields[0].Code
	case errors.As(err, &e):
		return e.Field + ":" + e.Code
	}
	return ""
}

// casesOn is another case service on the fixture's database, for what
// the notices service does not do (open and void cases).
func (fx fixture) casesOn(t *testing.T) *cases.Service {
	t.Helper()
	cs, _ := apptest.Cases(fx.st, clocktest.New(t))
	return cs
}

// The public address of a notice can be corrected until the notice is
// first published, under the create rules; a slug in use is a conflict
// on the field; once published, the address never changes, even after
// the notice is taken down.
func TestNoticeSlugIsCorrectedUntilPublished(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	other, err := fx.casesOn(t).Create(ctx, &fx.owner, cases.NewCase{Title: "other", AwareAt: clocktest.New(t).Now().Add(-time.Hour), IncidentType: "other"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := fx.ns.Create(ctx, &fx.owner, other.Case.ID, "taken-slug"); err != nil {
		t.Fatal(err)
	}
	for slug, want := range map[string]string{
		"":              "slug:validation.required",
		"x":             "slug:validation.notice_slug",
		"-leading-dash": "slug:validation.notice_slug",
		"shop/../admin": "slug:validation.notice_slug",
		"taken-slug":    "slug:conflict.notice_slug_taken",
	} {
		if _, err := fx.ns.SetSlug(ctx, &fx.manager, fx.noticeID, slug); errCode(err) != want {
			t.Errorf("slug %q: %v, want %s", slug, err, want)
		}
	}
	n, err := fx.ns.SetSlug(ctx, &fx.manager, fx.noticeID, "  Shop-Notice-2026 ")
	if err != nil || n.Slug != "shop-notice-2026" {
		t.Fatalf("slug corrected: %+v %v", n, err)
	}
	if n, _ := fx.ns.Get(ctx, &fx.owner, fx.noticeID); n.Slug != "shop-notice-2026" {
		t.Fatalf("stored slug %q", n.Slug)
	}
	if got := apptest.Count(t, fx.st, `SELECT count(*) FROM timeline_entries WHERE case_id = ? AND action = 'notice.slug' AND message_code = 'timeline.notice_slug_changed'`, fx.caseID); got != 1 {
		t.Fatalf("%d timeline entries for the new address, want 1", got)
	}
	if got := apptest.Count(t, fx.st, `SELECT count(*) FROM audit_log WHERE action = 'notice.slug' AND target_id = ?`, fmt.Sprint(n.ID)); got != 1 {
		t.Fatalf("%d audit entries for the new address, want 1", got)
	}

	fx.approveBoth(t)
	if _, err := fx.ns.Publish(ctx, &fx.manager, fx.noticeID); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.ns.SetSlug(ctx, &fx.manager, fx.noticeID, "shop-notice-2027"); errCode(err) != ":conflict.notice_slug_published" {
		t.Fatalf("slug of a published notice: %v", err)
	}
	if err := fx.ns.Unpublish(ctx, &fx.owner, fx.noticeID); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.ns.SetSlug(ctx, &fx.manager, fx.noticeID, "shop-notice-2027"); errCode(err) != ":conflict.notice_slug_published" {
		t.Fatalf("slug of a notice published once: %v", err)
	}
}

// A measure is edited (optional fields cleared too) and removed at any
// time, on the timeline and in the audit log; a published version keeps
// the measures it was approved with.
func TestMeasuresAreEditedAndRemoved(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	rv, err := fx.ns.Review(ctx, &fx.manager, fx.noticeID)
	if err != nil || len(rv.Live) != 1 {
		t.Fatalf("live measures: %v %v", rv.Live, err)
	}
	waf := rv.Live[0]
	date := time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC)
	m, err := fx.ns.SaveMeasure(ctx, &fx.manager, fx.caseID, waf.ID, notices.MeasureInput{TargetDate: &date, OwnerID: &fx.owner.User.ID})
	if err != nil || m.TargetDate == nil || m.OwnerID == nil {
		t.Fatalf("date and owner: %+v %v", m, err)
	}
	title := "WAF の導入と監視"
	m, err = fx.ns.SaveMeasure(ctx, &fx.manager, fx.caseID, waf.ID, notices.MeasureInput{TitleJA: &title, Clear: []string{"target_date", "owner_id"}})
	if err != nil || m.TargetDate != nil || m.OwnerID != nil || m.TitleJA != title {
		t.Fatalf("edited measure: %+v %v", m, err)
	}
	if _, err := fx.ns.SaveMeasure(ctx, &fx.manager, fx.caseID, waf.ID, notices.MeasureInput{Clear: []string{"status"}}); errCode(err) != "clear:validation.one_of" {
		t.Fatalf("clearing a required field: %v", err)
	}

	fx.approveBoth(t)
	if _, err := fx.ns.Publish(ctx, &fx.manager, fx.noticeID); err != nil {
		t.Fatal(err)
	}
	other, err := fx.casesOn(t).Create(ctx, &fx.owner, cases.NewCase{Title: "other", AwareAt: clocktest.New(t).Now().Add(-time.Hour), IncidentType: "other"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.ns.DeleteMeasure(ctx, &fx.manager, other.Case.ID, waf.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("removing a measure through another case: %v", err)
	}
	gone, err := fx.ns.DeleteMeasure(ctx, &fx.manager, fx.caseID, waf.ID)
	if err != nil || gone.TitleJA != title {
		t.Fatalf("removed: %+v %v", gone, err)
	}
	if _, err := fx.ns.DeleteMeasure(ctx, &fx.manager, fx.caseID, waf.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("removing it twice: %v", err)
	}
	if got := apptest.Count(t, fx.st, `SELECT count(*) FROM prevention_measures WHERE id = ?`, waf.ID); got != 0 {
		t.Fatal("the measure is still stored")
	}
	if got := apptest.Count(t, fx.st, `SELECT count(*) FROM timeline_entries WHERE case_id = ? AND action = 'measure.delete'`, fx.caseID); got != 1 {
		t.Fatalf("%d timeline entries for the removal, want 1", got)
	}
	if got := apptest.Count(t, fx.st, `SELECT count(*) FROM audit_log WHERE action = 'measure.delete' AND target_id = ?`, fmt.Sprint(waf.ID)); got != 1 {
		t.Fatalf("%d audit entries for the removal, want 1", got)
	}
	pub, err := fx.public(t, 0)
	if err != nil || len(pub.Measures) != 1 || pub.Measures[0].TitleJA != title {
		t.Fatalf("the published version lost its measure: %+v %v", pub.Measures, err)
	}
	if rv, _ := fx.ns.Review(ctx, &fx.manager, fx.noticeID); !rv.MeasuresChanged {
		t.Fatal("the editor does not say the live measures differ from the published ones")
	}
}

// The notice of a voided case is frozen with it: its text, address,
// measures and publication are refused, even with both approvals given
// before the void.
func TestVoidedCaseNoticeTakesNoChange(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	fx.approveBoth(t)
	if _, err := fx.casesOn(t).Void(ctx, &fx.owner, fx.caseID, "test incident"); err != nil {
		t.Fatal(err)
	}
	rv, err := fx.ns.Review(ctx, &fx.manager, fx.noticeID)
	if err != nil {
		t.Fatalf("the notice of a voided case is not readable: %v", err)
	}
	title := "new"
	for name, change := range map[string]func() error{
		"publish": func() error { _, err := fx.ns.Publish(ctx, &fx.manager, fx.noticeID); return err },
		"save": func() error {
			_, err := fx.ns.Save(ctx, &fx.manager, fx.noticeID, notices.Input{TitleJA: "x"})
			return err
		},
		"slug": func() error { _, err := fx.ns.SetSlug(ctx, &fx.manager, fx.noticeID, "new-slug"); return err },
		"measure": func() error {
			_, err := fx.ns.SaveMeasure(ctx, &fx.manager, fx.caseID, 0, notices.MeasureInput{TitleJA: &title})
			return err
		},
		"edit": func() error {
			_, err := fx.ns.SaveMeasure(ctx, &fx.manager, fx.caseID, rv.Live[0].ID, notices.MeasureInput{TitleJA: &title})
			return err
		},
		"remove":   func() error { _, err := fx.ns.DeleteMeasure(ctx, &fx.manager, fx.caseID, rv.Live[0].ID); return err },
		"a notice": func() error { _, _, err := fx.ns.Create(ctx, &fx.manager, fx.caseID, "second-notice"); return err },
	} {
		if code := errCode(change()); code != ":conflict.case_voided" {
			t.Errorf("%s on a voided case's notice: %q", name, code)
		}
	}
	if _, err := fx.public(t, 0); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("a voided case's notice went public: %v", err)
	}
}
