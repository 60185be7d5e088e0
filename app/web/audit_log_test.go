package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
)

// auditLogRow is one row of the audit log page's table, as shown.
type auditLogRow struct {
	Seq                         string
	Time, Actor, Action, Target string
}

var auditRowPattern = regexp.MustCompile(`<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>(.*?)</td><td>[^<]*</td></tr>`)

// auditLogRows reads the rows of the log page's table.
func auditLogRows(page string) []auditLogRow {
	var out []auditLogRow
	for _, m := range auditRowPattern.FindAllStringSubmatch(page, -1) {
		out = append(out, auditLogRow{Seq: m[1], Time: m[2], Actor: html.UnescapeString(m[3]), Action: html.UnescapeString(m[4]), Target: html.UnescapeString(m[5])})
	}
	return out
}

// actions are the rows' action labels, each once, sorted.
func actions(rows []auditLogRow) []string {
	var out []string
	for _, r := range rows {
		if !slices.Contains(out, r.Action) {
			out = append(out, r.Action)
		}
	}
	slices.Sort(out)
	return out
}

// auditLogWorld is two organisations with audit rows written at known
// times by known actors.
type auditLogWorld struct {
	h                  *harness
	alice, bob, carol  auth.User
	mallory            auth.User
	caseID             int64
	orgA, orgB         int64
	alicePage, bobPage *client
}

var jst = time.FixedZone("JST", 9*3600)

func newAuditLogWorld(t *testing.T) *auditLogWorld {
	t.Helper()
	h := newHarnessAt(t, clocktest.At(time.Date(2026, 11, 19, 9, 0, 0, 0, jst)))
	w := &auditLogWorld{h: h}
	w.alice = h.user("alice@a.example", "org-a", auth.RoleOwner)
	w.bob = h.user("bob@a.example", "org-a", auth.RoleLegal)
	w.carol = h.user("carol@a.example", "org-a", auth.RoleResponder)
	w.mallory = h.user("mallory@b.example", "org-b", auth.RoleOwner)
	ctx := context.Background()
	pa := h.principalIn(w.alice, "org-a", auth.RoleOwner)
	w.orgA, w.orgB = pa.OrgID(), h.principalIn(w.mallory, "org-b", auth.RoleOwner).OrgID()

	record := func(at time.Time, who *auth.User, org int64, action, targetType, targetID string) {
		t.Helper()
		h.clk.Set(at)
		actx := ctx
		if who != nil {
			actx = audit.WithActor(ctx, audit.Actor{UserID: who.ID, Label: who.Email, IP: "192.0.2.7"})
		}
		if err := h.st.InTx(actx, func(tx *store.Tx) error {
			return audit.Record(actx, tx, audit.Entry{OrganisationID: org, Action: action, TargetType: targetType, TargetID: targetID})
		}); err != nil {
			t.Fatal(err)
		}
	}
	// A real case, whose row links to its page.
	h.clk.Set(time.Date(2026, 11, 20, 12, 0, 0, 0, jst))
	c, err := h.cases.Create(audit.WithActor(ctx, pa.Actor("192.0.2.1")), pa, cases.NewCase{Title: "Audit log case",
		AwareAt: time.Date(2026, 11, 18, 9, 0, 0, 0, jst), IncidentType: "unauthorized_access"})
	if err != nil {
		t.Fatal(err)
	}
	w.caseID = c.Case.ID
	// 08:00 in Tokyo on the 21st is the 20th in UTC: a date filter read
	// in UTC would put it on the wrong day.
	record(time.Date(2026, 11, 21, 8, 0, 0, 0, jst), &w.bob, w.orgA, "notice.approve", "notice", "77")
	record(time.Date(2026, 11, 21, 9, 0, 0, 0, jst), &w.mallory, w.orgB, "notice.approve", "notice", "78")
	record(time.Date(2026, 11, 21, 9, 5, 0, 0, jst), &w.mallory, w.orgB, "document.approve", "document", "4242")
	record(time.Date(2026, 11, 22, 9, 0, 0, 0, jst), nil, w.orgA, "people.import.done", "import", "5005")
	record(time.Date(2026, 11, 22, 10, 0, 0, 0, jst), &w.alice, w.orgA, "document.approve", "document", "9")
	record(time.Date(2026, 11, 22, 10, 1, 0, 0, jst), &w.alice, w.orgA, "document.export", "document", "9")
	record(time.Date(2026, 11, 22, 10, 2, 0, 0, jst), &w.alice, w.orgA, "faq.add", "faq_entry", "3")
	record(time.Date(2026, 11, 22, 10, 3, 0, 0, jst), &w.alice, w.orgA, "mystery.code", "case", fmt.Sprint(w.caseID))
	h.clk.Set(formsToday)
	w.alicePage = h.client()
	w.alicePage.login(w.alice.Email)
	w.bobPage = h.client()
	w.bobPage.login(w.bob.Email)
	return w
}

// get fetches an audit log page as c and reads its rows.
func (w *auditLogWorld) get(t *testing.T, c *client, query string) (int, string, []auditLogRow) {
	t.Helper()
	r := c.do("GET", "/audit"+query, nil)
	page := body(t, r)
	return r.StatusCode, page, auditLogRows(page)
}

// The log page narrows by actor, action (a code or a family), target and
// dates in the organisation's zone; shows labels, not codes; links
// targets that have a page; and never shows another organisation's rows.
func TestAuditLogFilters(t *testing.T) {
	t.Parallel()
	w := newAuditLogWorld(t)
	c := w.alicePage

	status, page, all := w.get(t, c, "")
	if status != http.StatusOK {
		t.Fatalf("GET /audit: %d\n%.500s", status, page)
	}
	for _, want := range []string{"公表文を承認", "文書を承認", "文書をダウンロード", "対象者リストの取込が完了", "案件を作成", "ログイン", "mystery.code"} {
		if !slices.Contains(actions(all), want) {
			t.Errorf("no row labelled %q: %v", want, actions(all))
		}
	}
	for _, r := range all {
		if strings.Contains(r.Action, "notice.approve") || strings.Contains(r.Action, "document.approve") {
			t.Errorf("row %s shows the code %q instead of its label", r.Seq, r.Action)
		}
	}
	// Another organisation: not in the rows, not among the actors.
	for _, leak := range []string{"mallory@b.example", "4242", "公表文 78", "/notice-drafts/78"} {
		if strings.Contains(page, leak) {
			t.Errorf("the page shows org-b's %q", leak)
		}
	}

	// Links: a case, a document, a member; not an FAQ entry, which has no
	// page of its own.
	for _, link := range []string{fmt.Sprintf(`<a href="/cases/%d">案件 %d</a>`, w.caseID, w.caseID), `<a href="/documents/9">文書 9</a>`,
		fmt.Sprintf(`<a href="/admin/users/%d">`, w.alice.ID)} {
		if !strings.Contains(page, link) {
			t.Errorf("no link %s", link)
		}
	}
	if strings.Contains(page, `href="/faq`) || !strings.Contains(page, "<td>FAQ 3</td>") {
		t.Errorf("the FAQ entry's target is linked or missing")
	}

	// English labels.
	_, _, en := w.get(t, c, "?lang=en")
	if !slices.Contains(actions(en), "Public notice approved") || !slices.Contains(actions(en), "Document downloaded") {
		t.Errorf("English labels missing: %v", actions(en))
	}
	c.do("GET", "/audit?lang=ja", nil)

	for _, tc := range []struct {
		query string
		want  []string // the action labels of the rows, sorted
		check func(auditLogRow) bool
	}{
		{query: "?actor=" + fmt.Sprint(w.bob.ID), want: []string{"ログイン", "公表文を承認"},
			check: func(r auditLogRow) bool { return r.Actor == w.bob.Email }},
		{query: "?actor=system", check: func(r auditLogRow) bool { return r.Actor == "system" }},
		{query: "?action=notice.approve", want: []string{"公表文を承認"}},
		{query: "?action=" + url.QueryEscape("document.*"), want: []string{"文書をダウンロード", "文書を承認"}},
		{query: "?target_type=document&target_id=9", want: []string{"文書をダウンロード", "文書を承認"}},
		{query: "?target_type=notice", want: []string{"公表文を承認"}},
		{query: "?target_id=5005", want: []string{"対象者リストの取込が完了"}},
		{query: "?from=2026-11-21&to=2026-11-21", want: []string{"公表文を承認"}},
		{query: "?to=2026-11-20", check: func(r auditLogRow) bool { return r.Time < "2026-11-21" }},
		{query: "?from=2026-11-22&to=2026-11-22&actor=" + fmt.Sprint(w.alice.ID), want: []string{"FAQを追加", "mystery.code", "文書をダウンロード", "文書を承認"}},
	} {
		status, page, rows := w.get(t, c, tc.query)
		if status != http.StatusOK {
			t.Errorf("%s: %d\n%.300s", tc.query, status, page)
			continue
		}
		if len(rows) == 0 || len(rows) >= len(all) {
			t.Errorf("%s: %d rows of %d: the filter does not narrow", tc.query, len(rows), len(all))
		}
		if tc.want != nil && !slices.Equal(actions(rows), tc.want) {
			t.Errorf("%s: rows %v, want %v", tc.query, actions(rows), tc.want)
		}
		for _, r := range rows {
			if tc.check != nil && !tc.check(r) {
				t.Errorf("%s: row %+v does not match", tc.query, r)
			}
		}
	}

	// The actor filter: bob's login and approval, as the form keeps it.
	_, page, _ = w.get(t, c, fmt.Sprintf("?actor=%d&action=notice.approve&target_type=notice&target_id=77&from=2026-11-01&to=2026-11-30", w.bob.ID))
	for _, kept := range []string{fmt.Sprintf(`<option value="%d" selected>`, w.bob.ID), `<option value="notice.approve" selected>`,
		`<option value="notice" selected>`, `name="target_id" value="77"`, `name="from" value="2026-11-01"`, `name="to" value="2026-11-30"`,
		`id="audit-filter"`, `id="audit-export" href="/audit/export?action=notice.approve&amp;actor=` + fmt.Sprint(w.bob.ID)} {
		if !strings.Contains(page, kept) {
			t.Errorf("the filtered page lacks %s", kept)
		}
	}
}

// Paging goes back in pages of 100 and keeps the filter.
func TestAuditLogPagesKeepTheFilter(t *testing.T) {
	t.Parallel()
	w := newAuditLogWorld(t)
	ctx := audit.WithActor(context.Background(), w.h.principalIn(w.alice, "org-a", auth.RoleOwner).Actor("192.0.2.1"))
	if err := w.h.st.InTx(ctx, func(tx *store.Tx) error {
		for i := range 105 {
			if err := audit.Record(ctx, tx, audit.Entry{OrganisationID: w.orgA, Action: "task.comment", TargetType: "task", TargetID: fmt.Sprint(i + 1)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, page, rows := w.get(t, w.alicePage, "?action=task.comment")
	if len(rows) != 100 || !slices.Equal(actions(rows), []string{"タスクにコメント"}) {
		t.Fatalf("first page: %d rows %v", len(rows), actions(rows))
	}
	m := regexp.MustCompile(`<a href="(/audit\?[^"]+)" id="audit-older"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no link to older rows")
	}
	older := html.UnescapeString(m[1])
	if !strings.Contains(older, "action=task.comment") || !strings.Contains(older, "before="+rows[99].Seq) {
		t.Errorf("older link %s drops the filter or the place", older)
	}
	_, page, rows = w.get(t, w.alicePage, strings.TrimPrefix(older, "/audit"))
	if len(rows) != 5 || !slices.Equal(actions(rows), []string{"タスクにコメント"}) {
		t.Errorf("second page: %d rows %v", len(rows), actions(rows))
	}
	if strings.Contains(page, `id="audit-older"`) {
		t.Error("the last page links to older rows")
	}
}

// The export is the filtered rows as CSV for Excel, in the organisation's
// zone; it is itself in the log, with its filter; the chain still holds.
func TestAuditLogExport(t *testing.T) {
	t.Parallel()
	w := newAuditLogWorld(t)
	r := w.alicePage.do("GET", "/audit/export?action=notice.approve&lang=en", nil)
	data := body(t, r)
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %s %s\n%.300s", r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"), data)
	}
	if !strings.HasPrefix(data, "\ufeff") {
		t.Error("no byte-order mark: Excel would read the file as Shift_JIS")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(data, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"time", "actor", "action", "action_label", "target_type", "target_id", "ip", "details"},
		{"2026-11-21T08:00:00+09:00", "bob@a.example", "notice.approve", "Public notice approved", "notice", "77", "192.0.2.7", "{}"},
	}
	if !slices.EqualFunc(recs, want, slices.Equal) {
		t.Errorf("export:\n%q\nwant\n%q", recs, want)
	}

	// The export's own row: by alice, with the filter.
	var rows []audit.Row
	w.h.st.DB.Where("action = ?", "audit.export").Find(&rows)
	if len(rows) != 1 || rows[0].OrganisationID == nil || *rows[0].OrganisationID != w.orgA || rows[0].Actor != w.alice.Email {
		t.Fatalf("export rows: %+v", rows)
	}
	var details struct {
		Filter map[string]string
		Rows   int
	}
	if err := json.Unmarshal([]byte(rows[0].Details), &details); err != nil {
		t.Fatal(err)
	}
	if details.Filter["action"] != "notice.approve" || details.Rows != 1 {
		t.Errorf("export row details: %s", rows[0].Details)
	}
	// ... and shown on the page, labelled.
	if _, _, shown := w.get(t, w.alicePage, "?action=audit.export&lang=ja"); len(shown) != 1 || shown[0].Action != "監査ログをCSV出力" {
		t.Errorf("the export's row on the page: %+v", shown)
	}

	// Everything: org-a's rows only, in Japanese for a Japanese reader.
	data = body(t, w.alicePage.do("GET", "/audit/export?lang=ja", nil))
	for _, leak := range []string{"mallory@b.example", "4242"} {
		if strings.Contains(data, leak) {
			t.Errorf("the export holds org-b's %q", leak)
		}
	}
	for _, want := range []string{"日時,実行者,操作コード", "document.export,文書をダウンロード,document,9", "mystery.code,mystery.code,case"} {
		if !strings.Contains(data, want) {
			t.Errorf("the export lacks %q", want)
		}
	}

	n, problem, err := audit.Verify(context.Background(), w.h.st)
	if err != nil || problem != nil || n == 0 {
		t.Errorf("chain after exports: %d rows, %v, %v", n, problem, err)
	}
}

// Only the roles that read the log (WriteDocuments) may see or export it.
func TestAuditLogIsForItsReaders(t *testing.T) {
	t.Parallel()
	w := newAuditLogWorld(t)
	carol := w.h.client()
	carol.login(w.carol.Email)
	for _, path := range []string{"/audit", "/audit/export"} {
		if r := carol.do("GET", path, nil); r.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s as a responder: %d", path, r.StatusCode)
		}
	}
	if r := w.bobPage.do("GET", "/audit/export", nil); r.StatusCode != http.StatusOK {
		t.Errorf("GET /audit/export as legal: %d", r.StatusCode)
	}
	var n int64
	w.h.st.DB.Model(&audit.Row{}).Where("action = ? AND actor = ?", "audit.export", w.carol.Email).Count(&n)
	if n != 0 {
		t.Errorf("a refused export was recorded %d times", n)
	}
}

// Bad filter input is refused with 422 naming the field, on the page and
// the export, never a 500; nothing is exported.
func TestAuditLogRefusesBadFilters(t *testing.T) {
	t.Parallel()
	w := newAuditLogWorld(t)
	huge := strings.Repeat("x", 2000)
	for _, tc := range []struct{ query, field string }{
		{"from=2026-13-45", "from"},
		{"to=2026-02-30", "to"},
		{"from=0001-01-01", "from"},
		{"from=2026-11-22&to=2026-11-21", "to"},
		{"actor=987654321", "actor"},
		{"actor=" + fmt.Sprint(w.mallory.ID), "actor"},
		{"actor=alice", "actor"},
		{"actor=" + huge, "actor"},
		{"action=" + huge, "action"},
		{"action=" + url.QueryEscape("notice.approve' OR 1=1 --"), "action"},
		{"action=" + url.QueryEscape("%"), "action"},
		{"target_type=" + huge, "target_type"},
		{"target_type=Case", "target_type"},
		{"target_id=" + huge, "target_id"},
		{"target_id=a%00b", "target_id"},
		{"target_id=%ff%fe", "target_id"},
		{"before=abc", "before"},
		{"before=-5", "before"},
	} {
		r := w.alicePage.do("GET", "/audit?"+tc.query, nil)
		page := body(t, r)
		short := tc.query[:min(len(tc.query), 40)]
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("GET /audit?%s: %d, want 422", short, r.StatusCode)
			continue
		}
		if !strings.Contains(page, "<code>"+tc.field+"</code>") {
			t.Errorf("GET /audit?%s does not name the field %s", short, tc.field)
		}
		if len(auditLogRows(page)) != 0 {
			t.Errorf("GET /audit?%s shows rows", short)
		}
		if tc.field == "before" {
			continue // the export is of every matching row: it takes no place to page from
		}
		r = w.alicePage.do("GET", "/audit/export?"+tc.query, nil)
		page = body(t, r)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.field) {
			t.Errorf("GET /audit/export?%s: %d, want 422 naming %s", short, r.StatusCode, tc.field)
		}
	}
	var n int64
	w.h.st.DB.Model(&audit.Row{}).Where("action = ?", "audit.export").Count(&n)
	if n != 0 {
		t.Errorf("refused exports were recorded %d times", n)
	}
	// Unknown but well-formed values are a filter that matches nothing.
	if status, page, rows := w.get(t, w.alicePage, "?action=nobody.did_this&target_type=spaceship"); status != http.StatusOK || len(rows) != 0 {
		t.Errorf("an unknown action: %d, %d rows\n%.300s", status, len(rows), page)
	}
}
