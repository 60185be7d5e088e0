package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/calendar"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
)

// newCalendar is the calendar service the harnesses give the server.
func newCalendar(t testing.TB, st *store.Store, clk clock.Clock, cs *cases.Service) *calendar.Service {
	t.Helper()
	s, err := calendar.NewService(st, clk, cs, "http://localhost:8080")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// icsEvent is one VEVENT as Python's icalendar read it.
type icsEvent struct {
	UID, Summary, Description, Status, Start, End, Modified, Stamp string
	Sequence                                                       int
}

// parseICS reads a feed with an independent parser, Debian's
// python3-icalendar, run by the system Python: it unfolds the lines and
// unescapes the texts itself, so a fault in how the feed is written
// (folding, escaping, a date's form) shows here and not only in
// golang-ical's own round trip. CI installs the package (.ci/run); a
// machine without it skips, unless CI is set.
func parseICS(t *testing.T, body string) []icsEvent {
	t.Helper()
	const script = `
import icalendar, json, sys
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
assert cal.name == 'VCALENDAR' and str(cal['VERSION']) == '2.0', 'not an iCalendar 2.0 object'
out = []
for ev in cal.walk('VEVENT'):
    out.append({
        'UID': str(ev['UID']), 'Summary': str(ev['SUMMARY']), 'Description': str(ev.get('DESCRIPTION', '')),
        'Status': str(ev.get('STATUS', '')), 'Start': ev['DTSTART'].dt.isoformat(), 'End': ev['DTEND'].dt.isoformat(),
        'Modified': ev['LAST-MODIFIED'].dt.isoformat(), 'Stamp': ev['DTSTAMP'].dt.isoformat(), 'Sequence': int(ev['SEQUENCE']),
    })
json.dump(out, sys.stdout)
`
	if err := exec.Command("/usr/bin/python3", "-c", "import icalendar").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("/usr/bin/python3 cannot import icalendar (apt-get install python3-icalendar): %v", err)
		}
		t.Skipf("/usr/bin/python3 cannot import icalendar (apt-get install python3-icalendar): %v", err)
	}
	cmd := exec.Command("/usr/bin/python3", "-c", script)
	cmd.Stdin = strings.NewReader(body)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("icalendar could not read the feed: %v\n%s\n%s", err, stderr, body)
	}
	var evs []icsEvent
	if err := json.Unmarshal(out, &evs); err != nil {
		t.Fatal(err)
	}
	// What the parser does not check: RFC 5545's line length and endings.
	for i, line := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(line) > 75 || strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d is %d octets or has a bare line break: %q", i+1, len(line), line)
		}
	}
	return evs
}

// eventFor is the one event whose summary has title, or fails.
func eventFor(t *testing.T, evs []icsEvent, title string) icsEvent {
	t.Helper()
	var found []icsEvent
	for _, e := range evs {
		if strings.Contains(e.Summary, title) {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one event titled %q, got %d in %+v", title, len(found), evs)
	}
	return found[0]
}

var secretURL = regexp.MustCompile(`<code class="secret">(http://localhost:8080(/calendar/bdc_[a-z2-7]+\.ics))</code>`)

// feedPath is the path of the feed URL a page shows once.
func feedPath(t *testing.T, page string) string {
	t.Helper()
	m := secretURL.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the page shows no feed URL:\n%s", page)
	}
	return m[2]
}

// fetchFeed gets a feed as a calendar client does: no cookies.
func fetchFeed(h *harness, path string) (*http.Response, string) {
	h.t.Helper()
	r := h.client().do("GET", path, nil)
	return r, body(h.t, r)
}

// ppcFacts are assessment facts (card numbers leaked, 1,200 persons in
// Japan) that call for both PPC reports; purpose says whether the leak
// was done for an unlawful purpose, which makes the final report's period
// 60 days instead of 30.
func ppcFacts(purpose bool) url.Values {
	return url.Values{"data_items": {"card_number", "name"}, "persons_affected": {"1200"}, "residents": {"JP=1200"}, "sensitive": {"false"},
		"high_level_encryption": {"false"}, "entrusted_processor": {"false"}, "unauthorized_purpose": {fmt.Sprint(purpose)}, "data_being_entered": {"false"},
		"card_brands": {"visa"}}
}

// A user's feed, made on the settings page, carries the PPC reports of
// the organisation's open case at their dates, as an independent parser
// reads them: aware on Friday 2026-11-20 (JST, day 1), the preliminary
// report's window runs from the end of day 3 to the end of day 5, and the
// final report is due at the end of day 30, Saturday 2026-12-19, moved to
// Monday 2026-12-21. Saving the same facts again changes nothing; facts
// that make the final report's period 60 days move it to 2027-01-18 and
// raise its SEQUENCE, and the preliminary report keeps its own. A submitted
// report is marked. An unchanged feed answers 304 to its ETag.
func TestCalendarFeedCarriesThePPCDeadlines(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("lee@a.example", "org-a", auth.RoleOwner)
	c := h.client()
	c.login("lee@a.example")
	c.post("/settings/language", url.Values{"language": {"en"}})
	r := c.post("/cases", url.Values{"title": {"Skimmer; on the checkout, page 2"}, "aware_at": {"2026-11-20T10:00"}, "incident_type": {"card_skimming"},
		"playbook": {"jp-card-leak"}, "severity": {"high"}})
	casePath := r.Header.Get("Location")
	if r := c.post(casePath+"/assessment", ppcFacts(false)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("assessment: %d %s", r.StatusCode, body(t, r))
	}
	var ref string
	h.st.DB.Raw(`SELECT reference FROM cases`).Scan(&ref)
	var prelimID, finalID int64
	h.st.DB.Raw(`SELECT id FROM obligations WHERE rule_id = 'jp.appi.ppc.preliminary'`).Scan(&prelimID)
	h.st.DB.Raw(`SELECT id FROM obligations WHERE rule_id = 'jp.appi.ppc.final'`).Scan(&finalID)

	r = c.post("/settings/calendar", nil)
	page := body(t, r)
	if r.StatusCode != http.StatusOK || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d %q", r.StatusCode, r.Header.Get("Cache-Control"))
	}
	path := feedPath(t, page)
	if again := body(t, c.do("GET", "/settings", nil)); strings.Contains(again, path) || !strings.Contains(again, "/settings/calendar/revoke") {
		t.Error("the settings page should show the feed as live, and its URL never again")
	}
	var stored int64
	h.st.DB.Raw(`SELECT count(*) FROM calendar_feeds WHERE token_hash = sha256(convert_to(?, 'UTF8')) AND length(prefix) = 10`, strings.TrimSuffix(path[len("/calendar/"):], ".ics")).Scan(&stored)
	if stored != 1 {
		t.Error("the feed is not stored as its secret's SHA-256 with a short prefix")
	}

	resp, feed := fetchFeed(h, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("feed: %d %s", resp.StatusCode, feed)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
		t.Errorf("Cache-Control %q", cc)
	}
	if len(resp.Cookies()) > 0 {
		t.Errorf("the feed sets cookies: %v", resp.Cookies())
	}
	etag := resp.Header.Get("ETag")
	evs := parseICS(t, feed)
	prelim := eventFor(t, evs, "Preliminary report to the PPC")
	final := eventFor(t, evs, "Final report to the PPC")
	if prelim.Start != "2026-11-22T14:59:59+00:00" || prelim.End != "2026-11-24T14:59:59+00:00" {
		t.Errorf("preliminary report: %s – %s, want the window from the end of 2026-11-22 to the end of 2026-11-24 JST", prelim.Start, prelim.End)
	}
	if final.End != "2026-12-21T14:59:59+00:00" {
		t.Errorf("final report due %s, want the end of 2026-12-21 JST", final.End)
	}
	if want := fmt.Sprintf("obligation-%d@localhost", finalID); final.UID != want {
		t.Errorf("UID %q, want %q", final.UID, want)
	}
	if !strings.Contains(final.Summary, "("+ref+")") || final.Status != "CONFIRMED" {
		t.Errorf("final report: %+v", final)
	}
	for _, want := range []string{"Skimmer; on the checkout, page 2", "Due: 2026-12-21 23:59 JST", "Basis: ", "Art. 26"} {
		if !strings.Contains(final.Description, want) {
			t.Errorf("the final report's description lacks %q:\n%s", want, final.Description)
		}
	}
	if !strings.Contains(prelim.Description, "Window: from 2026-11-22 23:59 JST to 2026-11-24 23:59 JST") {
		t.Errorf("the preliminary report's description lacks its window:\n%s", prelim.Description)
	}
	if stamp := formsToday.UTC().Format("2006-01-02T15:04"); !strings.HasPrefix(final.Stamp, stamp) {
		t.Errorf("DTSTAMP %s, want the clock's %s", final.Stamp, stamp)
	}
	c2 := h.client()
	c2.headers = map[string]string{"If-None-Match": etag}
	if r := c2.do("GET", path, nil); r.StatusCode != http.StatusNotModified {
		t.Errorf("unchanged feed with its ETag: %d", r.StatusCode)
	}

	// The same facts again: every obligation is rewritten, none moves.
	h.clk.Advance(time.Hour)
	c.post(casePath+"/assessment", ppcFacts(false))
	_, feed = fetchFeed(h, path)
	if got := eventFor(t, parseICS(t, feed), "Final report to the PPC"); got.Sequence != final.Sequence || got.Modified != final.Modified {
		t.Errorf("unchanged facts changed the event: %+v", got)
	}

	// Facts that move the final report.
	h.clk.Advance(time.Hour)
	if r := c.post(casePath+"/assessment", ppcFacts(true)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("assessment: %d", r.StatusCode)
	}
	resp, feed = fetchFeed(h, path)
	if resp.Header.Get("ETag") == etag {
		t.Error("the ETag did not change with the feed")
	}
	evs = parseICS(t, feed)
	moved := eventFor(t, evs, "Final report to the PPC")
	if moved.End != "2027-01-18T14:59:59+00:00" || moved.Sequence != final.Sequence+1 || moved.Modified == final.Modified || moved.UID != final.UID {
		t.Errorf("after the facts changed the final report is %+v, want due 2027-01-18 JST, SEQUENCE %d, a new LAST-MODIFIED, the same UID", moved, final.Sequence+1)
	}
	if p := eventFor(t, evs, "Preliminary report to the PPC"); p.Sequence != prelim.Sequence || p.End != prelim.End || p.Modified != prelim.Modified {
		t.Errorf("the preliminary report did not move but changed: %+v", p)
	}

	// Submitted: marked, and a new revision.
	p := h.principalIn(mustUser(t, h, "lee@a.example"), "org-a", auth.RoleOwner)
	if _, err := h.as.Submit(context.Background(), p, finalID, assessment.Submission{RecipientReference: "PPC-1"}); err != nil {
		t.Fatal(err)
	}
	_, feed = fetchFeed(h, path)
	done := eventFor(t, parseICS(t, feed), "Final report to the PPC")
	if !strings.HasPrefix(done.Summary, "[Submitted] ") || done.Sequence != moved.Sequence+1 || !strings.Contains(done.Description, "Submitted: ") {
		t.Errorf("a submitted report: %+v", done)
	}
	if want := fmt.Sprintf("obligation-%d@localhost", prelimID); prelim.UID != want {
		t.Errorf("UID %q, want %q", prelim.UID, want)
	}
}

func mustUser(t *testing.T, h *harness, email string) auth.User {
	t.Helper()
	u, err := h.auth.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// A feed shows its own organisation only; a case feed only its case, made
// and revoked by owner, manager or legal on the case page. A revoked or
// unknown secret answers 404, as does the feed of someone who left the
// organisation. A card number that reached a case title by another way
// than the forms still never leaves through a feed. Making and revoking
// are in the audit log. The Japanese feed names the reports in Japanese.
func TestCalendarFeedsStayInTheirOrganisationAndCase(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("lee@a.example", "org-a", auth.RoleOwner)
	h.user("rick@a.example", "org-a", auth.RoleResponder)
	h.user("bob@b.example", "org-b", auth.RoleOwner)
	newCase := func(c *client, title string) (string, string) {
		r := c.post("/cases", url.Values{"title": {title}, "aware_at": {"2026-11-20T10:00"}, "incident_type": {"card_skimming"}, "playbook": {"jp-card-leak"}, "severity": {"high"}})
		casePath := r.Header.Get("Location")
		if r := c.post(casePath+"/assessment", ppcFacts(false)); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("assessment: %d %s", r.StatusCode, body(t, r))
		}
		var ref string
		h.st.DB.Raw(`SELECT reference FROM cases WHERE id = ?`, strings.TrimPrefix(casePath, "/cases/")).Scan(&ref)
		return casePath, ref
	}
	lee, bob, rick := h.client(), h.client(), h.client()
	lee.login("lee@a.example")
	bob.login("bob@b.example")
	rick.login("rick@a.example")
	caseA, refA := newCase(lee, "Skimmer A")
	caseA2, refA2 := newCase(lee, "Second A")
	caseB, refB := newCase(bob, "Skimmer B")
	const pan = "4111111111111111"
	if err := h.st.DB.Exec(`UPDATE cases SET title = 'Card 4111 1111 1111 1111 and ' || ? WHERE reference = ?`, pan, refA).Error; err != nil {
		t.Fatal(err)
	}

	userPath := feedPath(t, body(t, lee.post("/settings/calendar", nil)))
	_, feed := fetchFeed(h, userPath)
	evs := parseICS(t, feed)
	uidsOf := func(caseRef, org string) []string {
		var ids []int64
		h.st.DB.Raw(`SELECT o.id FROM obligations o JOIN cases c ON c.id = o.case_id JOIN organisations g ON g.id = c.organisation_id
			WHERE c.reference = ? AND g.slug = ? AND o.applicable AND (o.due_at IS NOT NULL OR o.target_at IS NOT NULL)`, caseRef, org).Scan(&ids)
		if len(ids) == 0 {
			t.Fatalf("no obligations of %s in %s", caseRef, org)
		}
		var out []string
		for _, id := range ids {
			out = append(out, fmt.Sprintf("UID:obligation-%d@localhost\r\n", id))
		}
		return out
	}
	has := func(feed string, uids []string) (all, any bool) {
		all = true
		for _, u := range uids {
			in := strings.Contains(feed, u)
			all, any = all && in, any || in
		}
		return all, any
	}
	if _, any := has(feed, uidsOf(refB, "org-b")); any || strings.Contains(feed, "Skimmer B") {
		t.Error("org-b's case is in an org-a user's feed")
	}
	allA, _ := has(feed, uidsOf(refA, "org-a"))
	allA2, _ := has(feed, uidsOf(refA2, "org-a"))
	if !allA || !allA2 || len(evs) == 0 {
		t.Error("the user's feed lacks one of the organisation's open cases")
	}
	if strings.Contains(strings.ReplaceAll(feed, "\r\n ", ""), pan) || strings.Contains(feed, "4111 1111 1111 1111") {
		t.Error("a card number left through the feed")
	}
	eventFor(t, evs, "個人情報保護委員会への確報（"+refA+"）") // lee reads Japanese (the default)

	// The case feed: the case's obligations only.
	if r := rick.post(caseA+"/calendar", nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("a responder made a case feed: %d", r.StatusCode)
	}
	if r := bob.post(caseA+"/calendar", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("org-b made a feed of org-a's case: %d", r.StatusCode)
	}
	r := lee.post(caseA+"/calendar", nil)
	page := body(t, r)
	casePath := feedPath(t, page)
	_, feed = fetchFeed(h, casePath)
	parseICS(t, feed)
	allA, _ = has(feed, uidsOf(refA, "org-a"))
	_, anyA2 := has(feed, uidsOf(refA2, "org-a"))
	_, anyB := has(feed, uidsOf(refB, "org-b"))
	if !allA || anyA2 || anyB {
		t.Errorf("the case feed of %s shows another case:\n%s", refA, feed)
	}
	var feedID int64
	h.st.DB.Raw(`SELECT id FROM calendar_feeds WHERE case_id IS NOT NULL`).Scan(&feedID)
	if r := bob.post(caseB+"/calendar/revoke", url.Values{"feed": {fmt.Sprint(feedID)}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("org-b revoked org-a's feed through its own case: %d", r.StatusCode)
	}
	if r := lee.post(caseA2+"/calendar/revoke", url.Values{"feed": {fmt.Sprint(feedID)}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("a feed revoked through another case: %d", r.StatusCode)
	}
	if r, _ := fetchFeed(h, casePath); r.StatusCode != http.StatusOK {
		t.Fatalf("the case feed stopped: %d", r.StatusCode)
	}
	if r := lee.post(caseA+"/calendar/revoke", url.Values{"feed": {fmt.Sprint(feedID)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke the case feed: %d %s", r.StatusCode, body(t, r))
	}
	if r, _ := fetchFeed(h, casePath); r.StatusCode != http.StatusNotFound {
		t.Errorf("a revoked case feed: %d", r.StatusCode)
	}
	// A maker moved to a role that does not answer for the reports loses
	// the case feed (not the organisation's one).
	case2Path := feedPath(t, body(t, lee.post(caseA2+"/calendar", nil)))
	if r, _ := fetchFeed(h, case2Path); r.StatusCode != http.StatusOK {
		t.Fatalf("the second case feed: %d", r.StatusCode)
	}
	setRole := func(role auth.Role) {
		h.st.DB.Exec(`UPDATE memberships SET role = ? WHERE user_id = (SELECT id FROM users WHERE email = 'lee@a.example')`, role)
	}
	setRole(auth.RoleResponder)
	if r, _ := fetchFeed(h, case2Path); r.StatusCode != http.StatusNotFound {
		t.Errorf("the case feed of a maker now a responder: %d", r.StatusCode)
	}
	if r, _ := fetchFeed(h, userPath); r.StatusCode != http.StatusOK {
		t.Errorf("the organisation feed of a maker now a responder: %d", r.StatusCode)
	}
	setRole(auth.RoleOwner)

	// Revoked, unknown, and a maker who left.
	if r := lee.post("/settings/calendar/revoke", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	if r, _ := fetchFeed(h, userPath); r.StatusCode != http.StatusNotFound {
		t.Errorf("a revoked feed: %d", r.StatusCode)
	}
	for _, p := range []string{"/calendar/bdc_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.ics", "/calendar/x.ics", "/calendar/" + strings.Repeat("a", 300) + ".ics"} {
		if r, _ := fetchFeed(h, p); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, r.StatusCode)
		}
	}
	bobPath := feedPath(t, body(t, bob.post("/settings/calendar", nil)))
	if r, _ := fetchFeed(h, bobPath); r.StatusCode != http.StatusOK {
		t.Fatalf("bob's feed: %d", r.StatusCode)
	}
	h.st.DB.Exec(`DELETE FROM memberships WHERE user_id = (SELECT id FROM users WHERE email = 'bob@b.example')`)
	if r, _ := fetchFeed(h, bobPath); r.StatusCode != http.StatusNotFound {
		t.Errorf("the feed of a user no longer a member: %d", r.StatusCode)
	}

	var created, revoked int64
	h.st.DB.Raw(`SELECT count(*) FROM audit_log WHERE action = 'calendar_feed.create'`).Scan(&created)
	h.st.DB.Raw(`SELECT count(*) FROM audit_log WHERE action = 'calendar_feed.revoke'`).Scan(&revoked)
	if created != 4 || revoked != 2 {
		t.Errorf("audit: %d created, %d revoked; want 4 and 2", created, revoked)
	}
}
