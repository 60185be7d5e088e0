package obligations

import (
	"strings"
	"testing"
	"time"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	before := Compute(mustFacts(t, fx("2026-12-01T10:00:00+09:00", `"data_items":["card_number"],"high_level_encryption":false`)), at)
	after := Compute(mustFacts(t, fx("2026-12-01T10:00:00+09:00", `"data_items":["card_number"],"high_level_encryption":false,"unauthorized_purpose":true`)), at)
	changes := Diff(before, after)
	var en []string
	for _, c := range changes {
		en = append(en, c.Text.EN)
		if c.Text.JA == "" {
			t.Errorf("change without Japanese text: %+v", c)
		}
	}
	all := strings.Join(en, "\n")
	for _, want := range []string{
		"Final report to the PPC: due moved from 2027-01-04 to 2027-01-29",
		"Police consultation: no longer provisional",
		"Review resolved: ",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in\n%s", want, all)
		}
	}
	// Adding EU residents adds GDPR; removing the card data removes reports.
	eu := Compute(mustFacts(t, fx("2026-12-01T10:00:00+09:00", `"data_items":["card_number"],"high_level_encryption":false,"unauthorized_purpose":true,"residents":{"JP":5,"EU":2},"eu_risk":"risk"`)), at)
	added := Diff(after, eu)
	if !hasChange(added, ChangeAdded, "eu.gdpr.art33", "Lead supervisory authority: added (due 2026-12-04 10:00 +09:00)") {
		t.Errorf("no GDPR added change in %+v", added)
	}
	removed := Diff(eu, after)
	if !hasChange(removed, ChangeRemoved, "eu.gdpr.art33", "Lead supervisory authority: no longer required") {
		t.Errorf("no GDPR removed change in %+v", removed)
	}
	// Recomputing the same facts later changes nothing (computed_at and
	// overdue are volatile and ignored).
	later := Compute(mustFacts(t, fx("2026-12-01T10:00:00+09:00", `"data_items":["card_number"],"high_level_encryption":false`)), at.AddDate(1, 0, 0))
	if d := Diff(before, later); len(d) != 0 {
		t.Errorf("same facts gave changes: %+v", d)
	}
	// Deterministic order.
	if a, b := Diff(before, eu), Diff(before, eu); len(a) != len(b) || a[0] != b[0] || a[len(a)-1] != b[len(b)-1] {
		t.Error("Diff order is not deterministic")
	}
}

func hasChange(cs []Change, kind ChangeKind, rule, text string) bool {
	for _, c := range cs {
		if c.Kind == kind && c.RuleID == rule && strings.HasPrefix(c.Text.EN, text) {
			return true
		}
	}
	return false
}

// A change names the rule by its title in both languages, never by its key,
// and every title given is for a rule in the table.
func TestChangesNameRulesByTitle(t *testing.T) {
	t.Parallel()
	for id := range titles {
		if _, ok := RuleByID(id); !ok {
			t.Errorf("title for unknown rule %s", id)
		}
	}
	at := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	before := Compute(mustFacts(t, fx("2026-12-01T10:00:00+09:00", `"data_items":["card_number"],"high_level_encryption":false`)), at)
	after := Compute(mustFacts(t, fx("2026-12-01T10:00:00+09:00", `"data_items":["card_number"],"high_level_encryption":false,"unauthorized_purpose":true`)), at)
	for _, c := range Diff(before, after) {
		for _, text := range []string{c.Text.JA, c.Text.EN} {
			if c.RuleID != "" && strings.Contains(text, c.RuleID) || strings.Contains(text, "_UNKNOWN") {
				t.Errorf("change text shows an engine key: %q", text)
			}
		}
	}
}
