package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
)

// The leak period is entered on the new-case form and the case's edit
// form, in the organisation's zone, and shown on the case page; a period
// that ends before it starts is refused next to the field, and nothing is
// saved.
func TestLeakPeriodInTheForms(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	alice := h.user("alice@a.example", "org-a", auth.RoleOwner)
	p := h.principalIn(alice, "org-a", auth.RoleOwner)
	c := h.client()
	c.login("alice@a.example")
	c.post("/settings/language", url.Values{"language": {"ja"}})
	form := url.Values{"title": {"Skimming"}, "aware_at": {"2026-11-20T10:00"}, "incident_type": {"card_skimming"},
		"playbook": {"jp-card-leak"}, "severity": {"high"}, "occurred_from": {"2026-10-01T09:12"}, "occurred_to": {"2026-09-30T18:40"}}
	r := c.post("/cases", form)
	if page := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="occurred_to-error">発生期間の開始より前になっています`) {
		t.Fatalf("a period ending before it starts: %d, want 422 with the error next to occurred_to", r.StatusCode)
	}
	form.Set("occurred_to", "2026-11-19T18:40")
	r = c.post("/cases", form)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create with a period: %d %s", r.StatusCode, body(t, r))
	}
	casePath := r.Header.Get("Location")
	var id int64
	fmt.Sscanf(casePath, "/cases/%d", &id)
	cs, err := h.cases.Get(t.Context(), p, id)
	if err != nil {
		t.Fatal(err)
	}
	tokyo := time.FixedZone("JST", 9*3600)
	if cs.OccurredFrom == nil || !cs.OccurredFrom.Equal(time.Date(2026, 10, 1, 9, 12, 0, 0, tokyo)) ||
		cs.OccurredTo == nil || !cs.OccurredTo.Equal(time.Date(2026, 11, 19, 18, 40, 0, 0, tokyo)) {
		t.Fatalf("stored period %v – %v, want 2026-10-01 09:12 – 2026-11-19 18:40 JST", cs.OccurredFrom, cs.OccurredTo)
	}
	page := body(t, c.do("GET", casePath, nil))
	if !strings.Contains(page, "漏えい等の対象期間") || !strings.Contains(page, `value="2026-10-01T09:12"`) {
		t.Fatal("the case page neither shows the period nor offers it for editing")
	}
	r = c.post(casePath+"/update", url.Values{"occurred_from": {"2026-10-02T00:00"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit the period: %d %s", r.StatusCode, body(t, r))
	}
	cs, _ = h.cases.Get(t.Context(), p, id)
	if !cs.OccurredFrom.Equal(time.Date(2026, 10, 2, 0, 0, 0, 0, tokyo)) || !cs.OccurredTo.Equal(time.Date(2026, 11, 19, 18, 40, 0, 0, tokyo)) {
		t.Fatalf("after editing the start: %v – %v", cs.OccurredFrom, cs.OccurredTo)
	}
}
