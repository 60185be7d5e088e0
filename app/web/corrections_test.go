package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/oversight"
)

// caseIDOf reads the case id from a /cases/{id} address.
func caseIDOf(t *testing.T, path string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.SplitN(path, "#", 2)[0], "/cases/"), 10, 64)
	if err != nil {
		t.Fatalf("case address %q: %v", path, err)
	}
	return id
}

// The issue's case (issue 21, item 3): an incident opened with a 1999
// awareness date. Opening it asks to confirm the date; confirmed, its
// deadlines are decades overdue on the dashboard. Voided with a reason,
// it leaves the dashboard (the overdue deadlines and the list of open
// cases), the operator's counts and the reminders, refuses every change,
// and stays readable with a banner, on its timeline and in the audit log.
func TestVoidedCaseLeavesTheDashboard(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("rita@a.example", "org-a", auth.RoleResponder)
	c := h.client()
	c.login("alice@a.example")

	form := url.Values{"title": {"年の入力ミス"}, "aware_at": {"1999-11-20T10:00"}, "incident_type": {"card_skimming"}, "playbook": {"jp-card-leak"}, "severity": {"high"}}
	r := c.post("/cases", form)
	page := body(t, r)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `name="confirm_old_aware_at"`) || !strings.Contains(page, "2022年4月1日") ||
		!strings.Contains(page, `value="1999-11-20T10:00"`) || !strings.Contains(page, "この日付で正しい") {
		t.Fatalf("a 1999 awareness date unconfirmed: %d\n%s", r.StatusCode, page)
	}
	form.Set("confirm_old_aware_at", "1")
	r = c.post("/cases", form)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a 1999 awareness date confirmed: %d %s", r.StatusCode, body(t, r))
	}
	casePath := r.Header.Get("Location")
	id := caseIDOf(t, casePath)
	var ref string
	h.st.DB.Raw(`SELECT reference FROM cases WHERE id = ?`, id).Scan(&ref)
	dash := body(t, c.do("GET", "/", nil))
	if !strings.Contains(dash, ref) || !strings.Contains(dash, "超過") {
		t.Fatalf("before the void the dashboard should list %s with its overdue deadlines:\n%s", ref, dash)
	}
	scheduled := func() int64 {
		return apptest.Count(t, h.st, `SELECT count(*) FROM reminders r JOIN obligations o ON o.id = r.obligation_id WHERE o.case_id = ? AND r.state = 'scheduled'`, id)
	}
	if scheduled() == 0 {
		t.Fatal("no reminder scheduled for the overdue deadlines")
	}

	// A reason is required; a responder may not void.
	r = c.post(casePath+"/void", url.Values{"reason": {"  "}})
	page = body(t, r)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="void-reason-error"`) || !strings.Contains(page, "取り消す理由を入力してください") {
		t.Fatalf("void without a reason: %d\n%s", r.StatusCode, page)
	}
	rita := h.client()
	rita.login("rita@a.example")
	if r := rita.post(casePath+"/void", url.Values{"reason": {"mine"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("void by a responder: %d", r.StatusCode)
	}
	if !strings.Contains(body(t, rita.do("GET", casePath, nil)), ref) || strings.Contains(body(t, rita.do("GET", casePath, nil)), `id="void-case"`) {
		t.Fatal("a responder sees the void form")
	}

	reason := "年を1999と誤入力。正しい日付で登録し直しました"
	r = c.post(casePath+"/void", url.Values{"reason": {reason}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != casePath+"#voided" {
		t.Fatalf("void: %d %s %s", r.StatusCode, r.Header.Get("Location"), body(t, r))
	}

	dash = body(t, c.do("GET", "/", nil))
	if strings.Contains(dash, ref) || strings.Contains(dash, "超過") || strings.Contains(dash, "dashboard-deadline-chart") {
		t.Fatalf("the voided case is still on the dashboard:\n%s", dash)
	}
	if n := scheduled(); n != 0 {
		t.Fatalf("%d reminders still scheduled", n)
	}
	operator := &auth.Principal{User: auth.User{IsOperator: true}}
	orgs, err := oversight.Organisations(context.Background(), h.st, operator, h.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if o.Slug == "org-a" && (o.OpenCases != 0 || o.OverdueObligations != 0) {
			t.Fatalf("the operator still counts the voided case: %+v", o)
		}
	}

	r = c.do("GET", casePath, nil)
	page = body(t, r)
	if r.StatusCode != http.StatusOK || !strings.Contains(page, `id="voided"`) || !strings.Contains(page, "取り消し済み（理由："+reason+"）") ||
		!strings.Contains(page, "このインシデントを取り消しました") {
		t.Fatalf("the voided case's page: %d\n%s", r.StatusCode, page)
	}
	for _, form := range []string{`id="void-case"`, fmt.Sprintf(`action="/cases/%d/update"`, id), fmt.Sprintf(`action="/cases/%d/phase"`, id), fmt.Sprintf(`action="/cases/%d/documents"`, id)} {
		if strings.Contains(page, form) {
			t.Errorf("the voided case's page offers %s", form)
		}
	}

	assessment := url.Values{"data_items": {"card_number", "name"}, "persons_affected": {"10"}, "residents": {"JP=10"}, "sensitive": {"false"},
		"high_level_encryption": {"false"}, "entrusted_processor": {"false"}, "unauthorized_purpose": {"true"}, "data_being_entered": {"false"}, "card_brands": {"visa"}}
	for what, write := range map[string]struct {
		path string
		form url.Values
	}{
		"update":     {casePath + "/update", url.Values{"title": {"renamed"}, "aware_at": {"2026-11-20T10:00"}}},
		"phase":      {casePath + "/phase", url.Values{"phase": {"containment"}, "reason": {"x"}}},
		"task":       {casePath + "/tasks", url.Values{"title": {"more work"}}},
		"assessment": {casePath + "/assessment", assessment},
		"document":   {casePath + "/documents", url.Values{"kind": {"ppc_preliminary"}, "lang": {"ja"}}},
		"timeline":   {casePath + "/timeline", url.Values{"occurred_at": {"2026-11-20T10:00"}, "summary": {"late note"}}},
		"void again": {casePath + "/void", url.Values{"reason": {"twice"}}},
	} {
		r := c.post(write.path, write.form)
		if page := body(t, r); r.StatusCode != http.StatusConflict || !strings.Contains(page, "取り消し済みのため") {
			t.Errorf("%s on a voided case: %d", what, r.StatusCode)
		}
	}
	var task int64
	h.st.DB.Raw(`SELECT id FROM tasks WHERE case_id = ? ORDER BY id LIMIT 1`, id).Scan(&task)
	if r := c.post(fmt.Sprintf("/tasks/%d", task), url.Values{"status": {"done"}}); r.StatusCode != http.StatusConflict {
		t.Errorf("task update on a voided case: %d", r.StatusCode)
	}
	if n := apptest.Count(t, h.st, `SELECT count(*) FROM tasks WHERE case_id = ? AND status = 'done'`, id); n != 0 {
		t.Errorf("%d tasks changed on the voided case", n)
	}

	if n := apptest.Count(t, h.st, `SELECT count(*) FROM audit_log WHERE action = 'case.void' AND target_id = ? AND details::jsonb->>'reason' = ?`, strconv.FormatInt(id, 10), reason); n != 1 {
		t.Fatalf("%d audit entries for the void, want 1", n)
	}
	if n := apptest.Count(t, h.st, `SELECT count(*) FROM timeline_entries WHERE case_id = ? AND action = 'case.void' AND message_code = 'timeline.case_voided'`, id); n != 1 {
		t.Fatalf("%d timeline entries for the void, want 1", n)
	}
}

// A case whose public notice is online is not voided: the user is told to
// take the notice down first; nor while its letters are being sent. Once
// both are over the void goes through.
func TestVoidRefusedWhileNoticePublished(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	caseID := h.fixtures("org-a", "lee@a.example", "none")["case"]
	owner, legal := h.client(), h.client()
	owner.login("alice@a.example")
	legal.login("lee@a.example")
	editor := publishNotice(t, owner, legal, caseID, "shop-a-void")

	casePath := fmt.Sprintf("/cases/%d", caseID)
	r := owner.post(casePath+"/void", url.Values{"reason": {"test incident"}})
	if page := body(t, r); r.StatusCode != http.StatusConflict || !strings.Contains(page, "公表文の公開を停止してください") {
		t.Fatalf("void with a published notice: %d\n%s", r.StatusCode, page)
	}
	if r := h.client().do("GET", "/notices/shop-a-void", nil); r.StatusCode != http.StatusOK {
		t.Fatalf("the published notice after the refused void: %d", r.StatusCode)
	}
	if r := owner.post(editor+"/unpublish", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("unpublish: %d", r.StatusCode)
	}
	// The fixture's letter batch is still running: letters are going out.
	r = owner.post(casePath+"/void", url.Values{"reason": {"test incident"}})
	if page := body(t, r); r.StatusCode != http.StatusConflict || !strings.Contains(page, "送付が進行中") {
		t.Fatalf("void while letters are sent: %d\n%s", r.StatusCode, page)
	}
	h.st.DB.Exec(`UPDATE letter_batches SET status = 'done' WHERE case_id = ?`, caseID)
	if r := owner.post(casePath+"/void", url.Values{"reason": {"test incident"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("void after unpublishing: %d %s", r.StatusCode, body(t, r))
	}
}

// publishNotice creates the case's notice at slug, writes every section,
// has it approved by the owner and legal and published; it returns the
// editor's address.
func publishNotice(t *testing.T, owner, legal *client, caseID int64, slug string) string {
	t.Helper()
	r := owner.post(fmt.Sprintf("/cases/%d/notices", caseID), url.Values{"slug": {slug}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create notice: %d %s", r.StatusCode, body(t, r))
	}
	editor := r.Header.Get("Location")
	publishNoticeAt(t, owner, legal, editor)
	return editor
}

// The API voids with a reason (422 naming it when missing), refuses a
// responder, and lists the voided case only when asked.
func TestVoidAPI(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("rita@a.example", "org-a", auth.RoleResponder)
	ctx := context.Background()
	token := func(email string) *client {
		secret, err := h.auth.IssueTokenFor(ctx, email, "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
		if err != nil {
			t.Fatal(err)
		}
		c := h.client()
		c.bearer = secret
		return c
	}
	api, responder := token("alice@a.example"), token("rita@a.example")
	code, m := api.json("POST", "/api/v1/cases", `{"title":"Duplicate","aware_at":"2026-11-20T10:00:00+09:00","incident_type":"other"}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, m)
	}
	id := int64(m["case"].(map[string]any)["id"].(float64))
	path := fmt.Sprintf("/api/v1/cases/%d/void", id)
	if code, m := api.json("POST", path, `{"reason":""}`); code != http.StatusUnprocessableEntity || fieldsOf(m) != "reason" {
		t.Fatalf("void without a reason: %d %v", code, m)
	}
	if code, _ := responder.json("POST", path, `{"reason":"dup"}`); code != http.StatusForbidden {
		t.Fatalf("void by a responder: %d", code)
	}
	code, m = api.json("POST", path, `{"reason":"duplicate of INC-2026-0001"}`)
	if cs, _ := m["case"].(map[string]any); code != http.StatusOK || cs["voided_at"] == nil || cs["void_reason"] != "duplicate of INC-2026-0001" {
		t.Fatalf("void: %d %v", code, m)
	}
	if code, m := api.json("PATCH", fmt.Sprintf("/api/v1/cases/%d", id), `{"title":"x"}`); code != http.StatusConflict || m["code"] != "conflict.case_voided" {
		t.Fatalf("patch a voided case: %d %v", code, m)
	}
	if code, m := api.json("POST", path, `{"reason":"again"}`); code != http.StatusConflict || m["code"] != "conflict.case_voided" {
		t.Fatalf("void twice: %d %v", code, m)
	}
	if _, m := api.json("GET", "/api/v1/cases?include_closed=true", ""); m["total"] != float64(0) {
		t.Fatalf("the list shows the voided case: %v", m)
	}
	if _, m := api.json("GET", "/api/v1/cases?include_voided=true", ""); m["total"] != float64(1) {
		t.Fatalf("include_voided: %v", m)
	}
	if code, m := api.json("GET", fmt.Sprintf("/api/v1/cases/%d", id), ""); code != http.StatusOK || m["case"].(map[string]any)["voided_at"] == nil {
		t.Fatalf("the voided case by its address: %d %v", code, m)
	}
}

// The API refuses an old awareness date unless confirmed, on opening and
// on moving it, with a 422 naming aware_at; a recent date needs nothing.
func TestOldAwarenessDateAPI(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	secret, err := h.auth.IssueTokenFor(context.Background(), "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	api := h.client()
	api.bearer = secret
	code, m := api.json("POST", "/api/v1/cases", `{"title":"x","aware_at":"1999-11-20T10:00:00+09:00","incident_type":"other"}`)
	if errs, _ := m["errors"].([]any); code != http.StatusUnprocessableEntity || fieldsOf(m) != "aware_at" || errs[0].(map[string]any)["code"] != "validation.aware_at_confirm" {
		t.Fatalf("1999 unconfirmed: %d %v", code, m)
	}
	if code, m := api.json("POST", "/api/v1/cases", `{"title":"x","aware_at":"1999-11-20T10:00:00+09:00","incident_type":"other","confirm_old_aware_at":true}`); code != http.StatusCreated {
		t.Fatalf("1999 confirmed: %d %v", code, m)
	}
	code, m = api.json("POST", "/api/v1/cases", `{"title":"x","aware_at":"2026-11-20T10:00:00+09:00","incident_type":"other"}`)
	if code != http.StatusCreated {
		t.Fatalf("2026: %d %v", code, m)
	}
	path := fmt.Sprintf("/api/v1/cases/%d", int64(m["case"].(map[string]any)["id"].(float64)))
	if code, m := api.json("PATCH", path, `{"aware_at":"2021-06-01T10:00:00+09:00"}`); code != http.StatusUnprocessableEntity || fieldsOf(m) != "aware_at" {
		t.Fatalf("moved to 2021 unconfirmed: %d %v", code, m)
	}
	if code, m := api.json("PATCH", path, `{"aware_at":"2021-06-01T10:00:00+09:00","confirm_old_aware_at":true}`); code != http.StatusOK {
		t.Fatalf("moved to 2021 confirmed: %d %v", code, m)
	}
}

// The case page's edit form asks to confirm an old date and keeps what
// was typed meanwhile; confirmed, the date and the rest are saved.
func TestOldAwarenessDateEditForm(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	c := h.client()
	c.login("alice@a.example")
	r := c.post("/cases", url.Values{"title": {"Skimming"}, "aware_at": {"2026-11-20T10:00"}, "incident_type": {"card_skimming"}, "playbook": {"jp-card-leak"}, "severity": {"high"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a 2026 awareness date needs no confirmation: %d %s", r.StatusCode, body(t, r))
	}
	casePath := r.Header.Get("Location")
	form := url.Values{"title": {"Skimming since 1999"}, "aware_at": {"1999-11-20T10:00"}, "severity": {"critical"}, "summary": {"typed meanwhile"}}
	r = c.post(casePath+"/update", form)
	page := body(t, r)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="e-aware-confirm"`) || !strings.Contains(page, `value="1999-11-20T10:00"`) ||
		!strings.Contains(page, `value="Skimming since 1999"`) || !strings.Contains(page, "typed meanwhile") || !strings.Contains(page, `<option value="critical" selected>`) {
		t.Fatalf("the edit form asking to confirm: %d\n%s", r.StatusCode, page)
	}
	form.Set("confirm_old_aware_at", "1")
	if r := c.post(casePath+"/update", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmed: %d %s", r.StatusCode, body(t, r))
	}
	var got struct {
		Title, Severity string
		Year            int
	}
	h.st.DB.Raw(`SELECT title, severity, extract(year FROM aware_at)::int AS year FROM cases WHERE id = ?`, caseIDOf(t, casePath)).Scan(&got)
	if got.Title != "Skimming since 1999" || got.Severity != "critical" || got.Year != 1999 {
		t.Fatalf("saved: %+v", got)
	}
}

// The notice editor edits a measure (a cleared date is cleared), shows a
// bad edit's error in that measure's form, removes a measure after a
// confirmation, and corrects the address until the notice is published.
func TestNoticeEditorCorrections(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	alice := h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("lee@a.example", "org-a", auth.RoleLegal)
	caseID := apptest.NewCase(t, h.cases, h.clk, h.principalIn(alice, "org-a", auth.RoleOwner))
	owner, legal := h.client(), h.client()
	owner.login("alice@a.example")
	legal.login("lee@a.example")
	r := owner.post(fmt.Sprintf("/cases/%d/notices", caseID), url.Values{"slug": {"shop-a-typo"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create notice: %d", r.StatusCode)
	}
	editor := r.Header.Get("Location")
	var noticeID int64
	fmt.Sscanf(editor, "/notice-drafts/%d", &noticeID)
	if r := owner.post(fmt.Sprintf("/cases/%d/measures", caseID), url.Values{"title_ja": {"WAFの導入"}, "target_date": {"2026-12-24"}, "back": {fmt.Sprint(noticeID)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add measure: %d", r.StatusCode)
	}
	var measure int64
	h.st.DB.Raw(`SELECT id FROM prevention_measures WHERE case_id = ?`, caseID).Scan(&measure)
	page := body(t, owner.do("GET", editor, nil))
	for _, want := range []string{fmt.Sprintf(`id="measure-%d"`, measure), fmt.Sprintf(`action="/notice-drafts/%d/measures/%d/delete"`, noticeID, measure),
		`data-confirm="この再発防止策を削除しますか`, `id="slug-edit"`, `value="shop-a-typo"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the editor lacks %s", want)
		}
	}

	edit := fmt.Sprintf("/notice-drafts/%d/measures/%d", noticeID, measure)
	r = owner.post(edit, url.Values{"title_ja": {""}, "title_en": {"WAF"}, "status": {"in_progress"}, "target_date": {""}, "owner_id": {""}, "task_id": {""}})
	page = body(t, r)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, fmt.Sprintf(`id="me-%d-ja-error"`, measure)) || !strings.Contains(page, `value="WAF"`) {
		t.Fatalf("an edit without a title: %d\n%s", r.StatusCode, page)
	}
	r = owner.post(edit, url.Values{"title_ja": {"WAFの導入と監視"}, "title_en": {"WAF and monitoring"}, "status": {"in_progress"}, "target_date": {""}, "owner_id": {""}, "task_id": {""}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.StatusCode, body(t, r))
	}
	var m struct {
		TitleJA, Status string
		TargetDate      *string
	}
	h.st.DB.Raw(`SELECT title_ja, status, target_date::text FROM prevention_measures WHERE id = ?`, measure).Scan(&m)
	if m.TitleJA != "WAFの導入と監視" || m.Status != "in_progress" || m.TargetDate != nil {
		t.Fatalf("edited measure: %+v", m)
	}
	if r := owner.post(edit+"/delete", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	if n := apptest.Count(t, h.st, `SELECT count(*) FROM prevention_measures WHERE id = ?`, measure); n != 0 {
		t.Fatal("the measure was not removed")
	}
	if n := apptest.Count(t, h.st, `SELECT count(*) FROM timeline_entries WHERE case_id = ? AND action IN ('measure.save', 'measure.delete')`, caseID); n != 3 {
		t.Fatalf("%d timeline entries for adding, editing and removing, want 3", n)
	}
	if n := apptest.Count(t, h.st, `SELECT count(*) FROM audit_log WHERE action = 'measure.delete' AND target_id = ?`, fmt.Sprint(measure)); n != 1 {
		t.Fatalf("%d audit entries for the removal", n)
	}

	if r := owner.post(editor+"/slug", url.Values{"slug": {"Not a slug!"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body(t, r), `id="slug-edit-error"`) {
		t.Fatalf("a bad slug: %d", r.StatusCode)
	}
	if r := owner.post(editor+"/slug", url.Values{"slug": {"shop-a-2026"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("slug: %d %s", r.StatusCode, body(t, r))
	}
	publishNoticeAt(t, owner, legal, editor)
	if r := h.client().do("GET", "/notices/shop-a-2026", nil); r.StatusCode != http.StatusOK {
		t.Fatalf("the notice at its corrected address: %d", r.StatusCode)
	}
	page = body(t, owner.do("GET", editor, nil))
	if strings.Contains(page, `id="slug-edit"`) || !strings.Contains(page, "アドレスは変更できません") {
		t.Fatal("the editor of a published notice offers to change its address")
	}
	r = owner.post(editor+"/slug", url.Values{"slug": {"shop-a-2027"}})
	if page := body(t, r); r.StatusCode != http.StatusConflict || !strings.Contains(page, "公開したURLは変えられません") {
		t.Fatalf("slug of a published notice: %d\n%s", r.StatusCode, page)
	}
	secret, err := h.auth.IssueTokenFor(context.Background(), "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	api := h.client()
	api.bearer = secret
	if code, m := api.json("PUT", fmt.Sprintf("/api/v1/notices/%d/slug", noticeID), `{"slug":"shop-a-2027"}`); code != http.StatusConflict || m["code"] != "conflict.notice_slug_published" {
		t.Fatalf("API slug of a published notice: %d %v", code, m)
	}
}

// publishNoticeAt writes, approves and publishes the notice of editor.
func publishNoticeAt(t *testing.T, owner, legal *client, editor string) {
	t.Helper()
	if r := owner.post(editor, noticeForm("お詫びとお知らせ", "v1")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save notice: %d", r.StatusCode)
	}
	for _, c := range []*client{owner, legal} {
		if r := approveAt(c, editor); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", r.StatusCode)
		}
	}
	if r := legal.post(editor+"/publish", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", r.StatusCode, body(t, r))
	}
}
