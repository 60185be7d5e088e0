package oversight_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/oversight"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

// The counts follow the dashboard's rules: closed cases count for
// nothing; submitted, waived and no-longer-applicable obligations are not
// overdue; a target time counts when there is no due time.
func TestOrganisationsCounts(t *testing.T) {
	t.Parallel()
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	ctx := context.Background()
	db := st.DB
	now := clk.Now()
	org := func(slug, name string) int64 {
		var id int64
		if err := db.Raw(`INSERT INTO organisations (slug, name) VALUES (?, ?) RETURNING id`, slug, name).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		return id
	}
	kase := func(orgID int64, ref string, closed bool) int64 {
		var closedAt *time.Time
		if closed {
			closedAt = &now
		}
		var id int64
		if err := db.Raw(`INSERT INTO cases (organisation_id, reference, title, aware_at, incident_type, playbook, playbook_version, closed_at)
			VALUES (?, ?, 'x', ?, 'other', 'generic-personal-data', 1, ?) RETURNING id`, orgID, ref, now.AddDate(0, 0, -40), closedAt).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		return id
	}
	n := 0
	obligation := func(orgID, caseID int64, status string, applicable bool, due, target *time.Time) {
		n++
		var submittedAt *time.Time
		if status == "submitted" {
			submittedAt = &now
		}
		if err := db.Exec(`INSERT INTO obligations (organisation_id, case_id, rule_id, jurisdiction, computed, status, applicable, due_at, target_at, submitted_at, waive_reason)
			VALUES (?, ?, ?, 'JP', '{}', ?, ?, ?, ?, ?, 'reason')`, orgID, caseID, "rule."+string(rune('a'+n)), status, applicable, due, target, submittedAt).Error; err != nil {
			t.Fatal(err)
		}
	}
	past, future := now.Add(-time.Hour), now.Add(24*time.Hour)

	a := org("org-a", "Alpha")
	a1 := kase(a, "INC-1", false)
	obligation(a, a1, "pending", true, &past, nil)     // overdue
	obligation(a, a1, "approved", true, nil, &past)    // overdue by its target
	obligation(a, a1, "submitted", true, &past, nil)   // done
	obligation(a, a1, "waived", true, &past, nil)      // waived
	obligation(a, a1, "pending", false, &past, nil)    // no longer applies
	obligation(a, a1, "drafted", true, &future, &past) // the due time wins: not overdue
	obligation(a, a1, "pending", true, nil, nil)       // no deadline at all
	a2 := kase(a, "INC-2", true)
	obligation(a, a2, "pending", true, &past, nil) // its case is closed
	kase(a, "INC-3", false)
	b := org("org-b", "Beta")
	kase(b, "INC-1", true)
	org("org-c", "Gamma")

	op := &auth.Principal{User: auth.User{ID: 1, IsOperator: true}}
	got, err := oversight.Organisations(ctx, st, op, now)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int64{"org-a": {2, 2}, "org-b": {0, 0}, "org-c": {0, 0}}
	if len(got) != 3 || got[0].Slug != "org-a" || got[1].Slug != "org-b" || got[2].Slug != "org-c" {
		t.Fatalf("organisations: %+v", got)
	}
	for _, o := range got {
		if w := want[o.Slug]; o.OpenCases != w[0] || o.OverdueObligations != w[1] || o.Name == "" || o.ID == 0 {
			t.Errorf("%s: open %d overdue %d, want %v (%+v)", o.Slug, o.OpenCases, o.OverdueObligations, w, o.Organisation)
		}
	}

	owner := &auth.Principal{User: auth.User{ID: 2}, Organisation: auth.Organisation{ID: a}, Role: auth.RoleOwner}
	if _, err := oversight.Organisations(ctx, st, owner, now); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("a tenant owner: %v", err)
	}
}
