package cases_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
	"github.com/breachdesk/breachdesk/app/timeline"
)

func setup(t *testing.T) (*store.Store, *cases.Service, map[string]auth.Principal, *clocktest.Clock) {
	t.Helper()
	return setupAt(t, clocktest.New(t))
}

// setupAt is setup on clk, for tests about particular days.
func setupAt(t *testing.T, clk *clocktest.Clock) (*store.Store, *cases.Service, map[string]auth.Principal, *clocktest.Clock) {
	t.Helper()
	st := storetest.New(t, clk)
	a, err := auth.NewService(st, clk, auth.Options{SecretKey: make([]byte, 32), Argon2: auth.Argon2Params{Time: 1, Memory: 1024, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ps := map[string]auth.Principal{}
	for _, x := range []struct {
		email, org string
		role       auth.Role
	}{{"owner@a.example", "org-a", auth.RoleOwner}, {"viewer@a.example", "org-a", auth.RoleViewer}, {"owner@b.example", "org-b", auth.RoleOwner}} {
		u, err := a.CreateUser(ctx, auth.NewUser{Email: x.email, Name: x.email, Password: "correct horse battery", OrgSlug: x.org, Role: x.role})
		if err != nil {
			t.Fatal(err)
		}
		org, _ := a.OrganisationBySlug(ctx, x.org)
		ps[x.email] = auth.Principal{User: u, Organisation: org, Role: x.role}
	}
	return st, cases.NewService(st, clk, &obligationsFake{}), ps, clk
}

// obligationsFake is the bookkeeping the case service calls back (in the
// application, assessment.Deadlines): it records the calls and reports
// open what the test says.
type obligationsFake struct {
	open    []string
	changed []int64 // the cases whose clock start was reported
	voided  []int64 // the cases whose reminders were to be cancelled
}

func (f *obligationsFake) Open(context.Context, *store.Tx, int64, int64) ([]string, error) {
	return f.open, nil
}

func (f *obligationsFake) AwareAtChanged(_ context.Context, _ *store.Tx, c cases.Case) error {
	f.changed = append(f.changed, c.ID)
	return nil
}

// The case service tells the bookkeeping when a case opens and when its
// clock start moves, and does not close a case it says has obligations
// still open.
func TestCasesCallTheirObligationsBookkeeping(t *testing.T) {
	t.Parallel()
	st, _, ps, clk := setup(t)
	fake := &obligationsFake{}
	svc := cases.NewService(st, clk, fake)
	ctx := context.Background()
	p := ps["owner@a.example"]
	c, err := svc.Create(ctx, &p, cases.NewCase{Title: "Leak", AwareAt: clk.Now().Add(-time.Hour), IncidentType: "other", Playbook: "generic-personal-data"})
	if err != nil {
		t.Fatal(err)
	}
	aware := c.Case.AwareAt.Add(-time.Hour)
	if _, err := svc.Update(ctx, &p, c.Case.ID, cases.Patch{AwareAt: &aware}); err != nil {
		t.Fatal(err)
	}
	if len(fake.changed) != 2 || fake.changed[0] != c.Case.ID || fake.changed[1] != c.Case.ID {
		t.Fatalf("clock start reported for cases %v, want %d on opening and on the move", fake.changed, c.Case.ID)
	}
	fake.open = []string{"jp.appi.ppc.final"}
	_, err = svc.Advance(ctx, &p, c.Case.ID, cases.PhaseClosed, "all done")
	var gate *apperr.Error
	if !errors.As(err, &gate) || gate.Code != "conflict.gate_obligations" || !slices.Equal(gate.Details["open_obligations"].([]string), []string{"jp.appi.ppc.final"}) {
		t.Fatalf("closing with an obligation open: %v", err)
	}
}

func TestReferencesArePerOrganisationAndYear(t *testing.T) {
	t.Parallel()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	_, svc, ps, _ := setupAt(t, clocktest.At(time.Date(2026, 11, 25, 12, 0, 0, 0, tokyo)))
	ctx := context.Background()
	a, b := ps["owner@a.example"], ps["owner@b.example"]
	aware := time.Date(2026, 3, 1, 10, 0, 0, 0, tokyo)
	var refs []string
	for _, p := range []auth.Principal{a, a, b, a} {
		c, err := svc.Create(ctx, &p, cases.NewCase{Title: "x", AwareAt: aware, IncidentType: "other"})
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, c.Case.Reference)
	}
	want := []string{"INC-2026-0001", "INC-2026-0002", "INC-2026-0001", "INC-2026-0003"}
	for i := range want {
		if refs[i] != want[i] {
			t.Fatalf("references %v, want %v", refs, want)
		}
	}
}

func TestPlaybookSeedsTasksInOrder(t *testing.T) {
	t.Parallel()
	_, svc, ps, clk := setup(t)
	ctx := context.Background()
	p := ps["owner@a.example"]
	c, err := svc.Create(ctx, &p, cases.NewCase{Title: "Skimming", AwareAt: clk.Now().Add(-time.Hour), IncidentType: "card_skimming", Playbook: "jp-card-leak"})
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := svc.Tasks(ctx, &p, c.Case.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != len(cases.Playbooks["jp-card-leak"].Tasks) {
		t.Fatalf("%d tasks seeded", len(tasks))
	}
	keys := []string{}
	for _, tk := range tasks {
		keys = append(keys, tk.Key)
	}
	joined := strings.Join(keys, ",")
	for _, seq := range [][2]string{{"contact_acquirer", "suspend_card_payments"}, {"isolate_systems", "preserve_evidence"}, {"preserve_evidence", "rotate_credentials"}, {"engage_pfi", "ppc_final"}, {"publish_notice", "reopen_payments"}} {
		if strings.Index(joined, seq[0]) > strings.Index(joined, seq[1]) {
			t.Errorf("%s must come before %s: %s", seq[0], seq[1], joined)
		}
	}
	if tasks[0].DueAt == nil || tasks[0].Phase != cases.PhaseTriage {
		t.Errorf("first task: %+v", tasks[0])
	}
}

func TestPhaseGates(t *testing.T) {
	t.Parallel()
	st, svc, ps, clk := setup(t)
	ctx := context.Background()
	p := ps["owner@a.example"]
	c, err := svc.Create(ctx, &p, cases.NewCase{Title: "Leak", AwareAt: clk.Now().Add(-time.Hour), IncidentType: "other", Playbook: "generic-personal-data"})
	if err != nil {
		t.Fatal(err)
	}
	// Skipping containment's open tasks needs a reason.
	_, err = svc.Advance(ctx, &p, c.Case.ID, cases.PhaseInvestigation, "")
	var gate *apperr.Error
	if !errors.As(err, &gate) || gate.Code != "conflict.gate_tasks" || len(gate.Details["open_tasks"].([]string)) == 0 || !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("advance past open tasks without reason: %v", err)
	}
	if _, err := svc.Advance(ctx, &p, c.Case.ID, cases.PhaseInvestigation, "PSP asked us to start the investigation first"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Advance(ctx, &p, c.Case.ID, cases.PhaseTriage, ""); err == nil {
		t.Fatal("moving backwards accepted")
	}
	entries, _ := timeline.List(ctx, st, p.OrgID(), c.Case.ID)
	found := false
	for _, e := range entries {
		text := e.Text(func(code string, args ...any) string { return code + fmt.Sprint(args...) }, func(t time.Time) string { return t.String() })
		if e.MessageCode == "timeline.phase_with_open_tasks" && strings.Contains(text, "PSP asked us") {
			found = true
		}
	}
	if !found {
		t.Fatal("the reason is not on the timeline")
	}
	// Skipping a task needs a reason too.
	tasks, _ := svc.Tasks(ctx, &p, c.Case.ID)
	skipped := "skipped"
	if _, err := svc.UpdateTask(ctx, &p, tasks[0].ID, cases.TaskPatch{Status: &skipped}); err == nil {
		t.Fatal("skip without reason accepted")
	}
	reason := "done by the PSP"
	if tk, err := svc.UpdateTask(ctx, &p, tasks[0].ID, cases.TaskPatch{Status: &skipped, SkipReason: &reason}); err != nil || tk.SkipReason != reason {
		t.Fatalf("skip with reason: %v", err)
	}
}

func TestValidationAndCardNumbers(t *testing.T) {
	t.Parallel()
	_, svc, ps, clk := setup(t)
	ctx := context.Background()
	p := ps["owner@a.example"]
	_, err := svc.Create(ctx, &p, cases.NewCase{Title: "card 4111 1111 1111 1111 leaked", AwareAt: clk.Now().Add(time.Hour), IncidentType: "nope", Playbook: "nope"})
	var v *apperr.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("want validation error, got %v", err)
	}
	for _, f := range []string{"title", "aware_at", "incident_type", "playbook"} {
		if v.For(f) == "" {
			t.Errorf("no error for %s: %v", f, v)
		}
	}
	c, err := svc.Create(ctx, &p, cases.NewCase{Title: "Leak", Summary: "Customer read out 5555-5555-5555-4444 on the phone", AwareAt: clk.Now().Add(-time.Minute), IncidentType: "other"})
	if err != nil || c.MaskedCardNumbers != 1 || strings.Contains(c.Case.Summary, "5555-5555") || !strings.Contains(c.Case.Summary, "****4444") {
		t.Fatalf("summary not masked: %q %d %v", c.Case.Summary, c.MaskedCardNumbers, err)
	}
	tasks, _ := svc.Tasks(ctx, &p, c.Case.ID)
	cm, err := svc.AddComment(ctx, &p, tasks[0].ID, "card 4111111111111111")
	if err != nil || cm.MaskedCardNumbers != 1 || strings.Contains(cm.Comment.Body, "4111111111111111") {
		t.Fatalf("comment not masked: %q", cm.Comment.Body)
	}
}

func TestTenancyAndRoles(t *testing.T) {
	t.Parallel()
	_, svc, ps, clk := setup(t)
	ctx := context.Background()
	a, b, viewer := ps["owner@a.example"], ps["owner@b.example"], ps["viewer@a.example"]
	c, err := svc.Create(ctx, &a, cases.NewCase{Title: "A's case", AwareAt: clk.Now().Add(-time.Minute), IncidentType: "other"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Get(ctx, &b, c.Case.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("B reads A's case: %v", err)
	}
	tasks, _ := svc.Tasks(ctx, &a, c.Case.ID)
	done := "done"
	if _, err := svc.UpdateTask(ctx, &b, tasks[0].ID, cases.TaskPatch{Status: &done}); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("B updates A's task: %v", err)
	}
	if _, err := svc.UpdateTask(ctx, &viewer, tasks[0].ID, cases.TaskPatch{Status: &done}); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("viewer updates a task: %v", err)
	}
	if _, err := svc.Create(ctx, &viewer, cases.NewCase{Title: "x", AwareAt: clk.Now(), IncidentType: "other"}); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("viewer creates a case: %v", err)
	}
	bOwner := b.User.ID
	if _, err := svc.Update(ctx, &a, c.Case.ID, cases.Patch{OwnerID: &bOwner}); err == nil {
		t.Fatal("owner from another organisation accepted")
	}
}
