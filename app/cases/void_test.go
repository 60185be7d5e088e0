package cases_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
)

// CaseVoided records the cases whose reminders the case service asked to
// cancel.
func (f *obligationsFake) CaseVoided(_ context.Context, _ *store.Tx, c cases.Case) error {
	f.voided = append(f.voided, c.ID)
	return nil
}

func conflictCode(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) && errors.Is(err, apperr.ErrConflict) {
		return e.Code
	}
	return ""
}

func fieldCode(err error, field string) string {
	var ve *apperr.ValidationError
	if errors.As(err, &ve) {
		return ve.For(field)
	}
	return ""
}

// A void needs a reason and the right to manage cases; it tells the
// bookkeeping (which cancels the reminders) in its transaction, takes the
// case out of List and Count, and every later change is refused with
// conflict.case_voided while the case stays readable.
func TestVoidWithdrawsACase(t *testing.T) {
	t.Parallel()
	st, _, ps, clk := setup(t)
	fake := &obligationsFake{}
	svc := cases.NewService(st, clk, fake)
	ctx := context.Background()
	owner, viewer := ps["owner@a.example"], ps["viewer@a.example"]
	created, err := svc.Create(ctx, &owner, cases.NewCase{Title: "Test incident", AwareAt: clk.Now().Add(-time.Hour), IncidentType: "other"})
	if err != nil {
		t.Fatal(err)
	}
	id := created.Case.ID
	task, err := svc.AddTask(ctx, &owner, id, cases.NewTask{Title: "Check the logs"})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := svc.Void(ctx, &owner, id, "  "); fieldCode(err, "reason") != "validation.void_reason_required" {
		t.Fatalf("void without a reason: %v", err)
	}
	if _, err := svc.Void(ctx, &owner, id, strings.Repeat("あ", 2001)); fieldCode(err, "reason") != "validation.max_chars" {
		t.Fatalf("void with a reason of 2,001 characters: %v", err)
	}
	if _, err := svc.Void(ctx, &viewer, id, "opened by mistake"); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("void by a viewer: %v", err)
	}
	other := ps["owner@b.example"]
	if _, err := svc.Void(ctx, &other, id, "opened by mistake"); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("void by another organisation: %v", err)
	}
	if len(fake.voided) != 0 {
		t.Fatalf("refused voids reached the bookkeeping: %v", fake.voided)
	}

	voided, err := svc.Void(ctx, &owner, id, "Opened by mistake during training; card 4111 1111 1111 1111")
	if err != nil {
		t.Fatal(err)
	}
	if voided.VoidedAt == nil || voided.VoidedBy == nil || *voided.VoidedBy != owner.User.ID || strings.Contains(voided.VoidReason, "4111 1111") {
		t.Fatalf("voided case: %+v", voided)
	}
	if len(fake.voided) != 1 || fake.voided[0] != id {
		t.Fatalf("bookkeeping told of voided cases %v, want [%d]", fake.voided, id)
	}
	got, err := svc.Get(ctx, &owner, id)
	if err != nil || !got.Voided() || got.VoidReason != voided.VoidReason {
		t.Fatalf("the voided case is not readable as voided: %+v %v", got, err)
	}

	list, err := svc.List(ctx, &owner, cases.ListFilter{IncludeClosed: true})
	if err != nil || len(list) != 0 {
		t.Fatalf("List shows a voided case: %v %v", list, err)
	}
	if n, err := svc.Count(ctx, &owner, cases.ListFilter{IncludeClosed: true}); err != nil || n != 0 {
		t.Fatalf("Count counts a voided case: %d %v", n, err)
	}
	if list, err := svc.List(ctx, &owner, cases.ListFilter{IncludeVoided: true}); err != nil || len(list) != 1 {
		t.Fatalf("List with IncludeVoided: %v %v", list, err)
	}

	title, status := "Renamed", "done"
	for name, change := range map[string]func() error{
		"update":  func() error { _, err := svc.Update(ctx, &owner, id, cases.Patch{Title: &title}); return err },
		"advance": func() error { _, err := svc.Advance(ctx, &owner, id, cases.PhaseContainment, "skip"); return err },
		"reopen":  func() error { _, err := svc.Reopen(ctx, &owner, id, "again"); return err },
		"add task": func() error {
			_, err := svc.AddTask(ctx, &owner, id, cases.NewTask{Title: "More"})
			return err
		},
		"update task": func() error {
			_, err := svc.UpdateTask(ctx, &owner, task.ID, cases.TaskPatch{Status: &status})
			return err
		},
		"comment":    func() error { _, err := svc.AddComment(ctx, &owner, task.ID, "note"); return err },
		"void again": func() error { _, err := svc.Void(ctx, &owner, id, "twice"); return err },
	} {
		if code := conflictCode(change()); code != "conflict.case_voided" {
			t.Errorf("%s on a voided case: code %q, want conflict.case_voided", name, code)
		}
	}
}

// A case whose public notice is online cannot be voided: the notice would
// lose its case without a word. Unpublished, it can.
func TestVoidRefusedWhileNoticePublished(t *testing.T) {
	t.Parallel()
	st, svc, ps, clk := setup(t)
	ctx := context.Background()
	owner := ps["owner@a.example"]
	created, err := svc.Create(ctx, &owner, cases.NewCase{Title: "Leak", AwareAt: clk.Now().Add(-time.Hour), IncidentType: "other"})
	if err != nil {
		t.Fatal(err)
	}
	id := created.Case.ID
	if err := st.DB.Exec(`INSERT INTO notices (organisation_id, case_id, slug, status, published_version) VALUES (?, ?, 'org-a-leak', 'published', 1)`,
		owner.OrgID(), id).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Void(ctx, &owner, id, "mistake"); conflictCode(err) != "conflict.case_void_notice_published" {
		t.Fatalf("void with a published notice: %v", err)
	}
	if got, _ := svc.Get(ctx, &owner, id); got.Voided() {
		t.Fatal("the refused void was stored")
	}
	if err := st.DB.Exec(`UPDATE notices SET status = 'unpublished' WHERE case_id = ?`, id).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Void(ctx, &owner, id, "mistake"); err != nil {
		t.Fatalf("void once the notice is unpublished: %v", err)
	}
}

// An awareness date before the amended APPI's reporting duty (1 April
// 2022) or more than two years back is saved only when confirmed, on
// opening and on moving it; a recent one needs nothing, and editing
// other fields of a case whose old date was confirmed asks again for
// nothing.
func TestOldAwarenessDateNeedsConfirmation(t *testing.T) {
	t.Parallel()
	tokyo := time.FixedZone("JST", 9*3600)
	_, svc, ps, _ := setupAt(t, clocktest.At(time.Date(2026, 11, 25, 12, 0, 0, 0, tokyo)))
	ctx := context.Background()
	owner := ps["owner@a.example"]
	open := func(aware time.Time, confirm bool) (cases.Saved, error) {
		return svc.Create(ctx, &owner, cases.NewCase{Title: "x", AwareAt: aware, IncidentType: "other", ConfirmOldAwareAt: confirm})
	}
	for _, aware := range []time.Time{
		time.Date(1999, 5, 1, 10, 0, 0, 0, tokyo),
		time.Date(2022, 3, 31, 23, 59, 0, 0, tokyo), // the day before the duty began
		time.Date(2024, 11, 24, 10, 0, 0, 0, tokyo), // two years and a day ago
	} {
		if _, err := open(aware, false); fieldCode(err, "aware_at") != "validation.aware_at_confirm" {
			t.Errorf("aware %s unconfirmed: %v", aware, err)
		}
		if _, err := open(aware, true); err != nil {
			t.Errorf("aware %s confirmed: %v", aware, err)
		}
	}
	recent, err := open(time.Date(2026, 11, 20, 10, 0, 0, 0, tokyo), false)
	if err != nil {
		t.Fatalf("a recent awareness date: %v", err)
	}
	old := time.Date(1999, 5, 1, 10, 0, 0, 0, tokyo)
	if _, err := svc.Update(ctx, &owner, recent.Case.ID, cases.Patch{AwareAt: &old}); fieldCode(err, "aware_at") != "validation.aware_at_confirm" {
		t.Fatalf("moving aware_at to 1999 unconfirmed: %v", err)
	}
	if _, err := svc.Update(ctx, &owner, recent.Case.ID, cases.Patch{AwareAt: &old, ConfirmOldAwareAt: true}); err != nil {
		t.Fatalf("moving aware_at to 1999 confirmed: %v", err)
	}
	title := "Renamed"
	if _, err := svc.Update(ctx, &owner, recent.Case.ID, cases.Patch{Title: &title, AwareAt: &old}); err != nil {
		t.Fatalf("renaming a case whose old date was confirmed: %v", err)
	}
}

func TestOldAwareAtBoundaries(t *testing.T) {
	t.Parallel()
	tokyo := time.FixedZone("JST", 9*3600)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, tokyo)
	for _, tc := range []struct {
		aware time.Time
		want  bool
	}{
		{time.Time{}, false}, // missing: another error says so
		{time.Date(2022, 3, 31, 23, 59, 59, 0, tokyo), true},
		{time.Date(2022, 4, 1, 0, 0, 0, 0, tokyo), true}, // more than two years before now
		{time.Date(2024, 11, 25, 11, 59, 0, 0, tokyo), true},
		{time.Date(2024, 11, 25, 12, 0, 0, 0, tokyo), false},
		{time.Date(2026, 11, 20, 10, 0, 0, 0, tokyo), false},
	} {
		if got := cases.OldAwareAt(tc.aware, now); got != tc.want {
			t.Errorf("OldAwareAt(%s) = %v, want %v", tc.aware, got, tc.want)
		}
	}
	// Within two years of a "today" in 2023, the duty's first day is fine.
	if cases.OldAwareAt(time.Date(2022, 4, 1, 0, 0, 0, 0, tokyo), time.Date(2023, 6, 1, 0, 0, 0, 0, tokyo)) {
		t.Error("1 April 2022 seen from June 2023 needs no confirmation")
	}
}
