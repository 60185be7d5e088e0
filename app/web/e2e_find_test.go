package web_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
)

// TestFindingThingsInBrowser is a busy week in Chromium (issue 21): the
// case page's sections, the case list's filters and search, voiding a
// case opened in error, finding a caller among the affected persons by
// kana and phone, and the audit log's filter and export. Every page it
// looks at passes axe-core (see tab.shot).
func TestFindingThingsInBrowser(t *testing.T) {
	if os.Getenv("BREACHDESK_TEST_NOW") != "" {
		// make test-dates: this test types no date (all are relative to
		// its clock's today) and the HTTP tests cover the same filters on
		// pinned days; the browser journey runs on every date.
		t.Skip("runs in make test only")
	}
	chrome := chromiumPath(t)
	app := startJourneyApp(t)
	shots := os.Getenv("BREACHDESK_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// An established organisation: its details are entered.
	if err := app.st.DB.Exec(`UPDATE organisations SET legal_name = '株式会社ジャーニーショップ', address = '東京都千代田区丸の内2-2-2',
		representative = '代表取締役 旅 太郎' WHERE slug = 'org-a'`).Error; err != nil {
		t.Fatal(err)
	}
	owner := app.principal(t, journeyOwner, auth.RoleOwner)
	now := app.clk.Now()
	open := func(title, summary, typ, severity string, aware time.Time) cases.Case {
		t.Helper()
		c, err := app.cases.Create(ctx, owner, cases.NewCase{Title: title, Summary: summary, AwareAt: aware, IncidentType: typ, Severity: severity, Playbook: "jp-card-leak"})
		if err != nil {
			t.Fatal(err)
		}
		return c.Case
	}
	skimming := open("決済画面の改ざん", "PSPからCPPの連絡を受けた", "card_skimming", "critical", now.AddDate(0, 0, -20))
	misdelivery := open("メールの誤送信", "顧客リストを添付して送信した", "misdelivery", "low", now.Add(-2*time.Hour))
	closed := open("古い不正アクセス", "終了した事案", "unauthorized_access", "high", now.AddDate(0, -3, 0))
	if err := app.st.DB.Exec(`UPDATE cases SET phase = 'closed', closed_at = ? WHERE id = ?`, now.AddDate(0, -1, 0), closed.ID).Error; err != nil {
		t.Fatal(err)
	}

	browserCtx := startBrowser(t, chrome)
	b := newTab(t, browserCtx, app.base, shots)
	b.loginWithTOTP(app, journeyOwner, true)

	// 1. The case page opens with its summary and links to each section;
	// a link takes the reader to the section, without JavaScript's help,
	// and the page fits a phone's width.
	casePath := fmt.Sprintf("/cases/%d", skimming.ID)
	b.open(casePath)
	b.waitVisible("nav.section-nav")
	if first := evalJS[string](b, `document.querySelector("main h2").id`); first != "summary-h" {
		t.Fatalf("the case page starts with %q, want the summary", first)
	}
	b.waitText("#summary", "期限を過ぎたもの")
	b.shot("case-sections")
	b.do(chromedp.Click(chromedp.CSS(`nav.section-nav a[href="#tasks"]`)))
	b.waitJS(`location.hash === "#tasks" && Math.abs(document.querySelector("#tasks").getBoundingClientRect().top) < 80`, "the tasks section at the top of the window")
	b.do(chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile))
	b.open(casePath)
	if over := evalJS[int](b, `document.documentElement.scrollWidth - window.innerWidth`); over > 1 {
		t.Errorf("the case page is %d px wider than a 375 px phone", over)
	}
	b.shot("case-sections-375")
	b.do(chromedp.EmulateViewport(1280, 900))

	// 2. The case list: search, filters, closed cases.
	b.open("/")
	b.submit(`a[href="/cases"]`)
	b.waitVisible("#case-filter")
	b.do(chromedp.SendKeys(chromedp.ID("cf-q"), "改ざん"))
	b.submit(`#case-filter button[type=submit]`)
	b.waitText("#case-results", skimming.Reference)
	if strings.Contains(evalJS[string](b, `document.querySelector("#case-results").textContent`), misdelivery.Reference) {
		t.Error("the search for 改ざん lists the misdelivery case")
	}
	b.open("/cases")
	b.do(chromedp.SetValue(chromedp.ID("cf-status"), "all"), chromedp.SetValue(chromedp.ID("cf-sev"), "high"))
	b.submit(`#case-filter button[type=submit]`)
	b.waitText("#case-results", closed.Reference)
	b.open("/cases")
	b.do(chromedp.Click(chromedp.ID("cf-overdue")))
	b.submit(`#case-filter button[type=submit]`)
	b.waitText("#case-results", skimming.Reference)
	if got := evalJS[string](b, `document.querySelector("#case-results").textContent`); strings.Contains(got, misdelivery.Reference) || strings.Contains(got, closed.Reference) {
		t.Errorf("overdue filter lists more than the overdue case: %s", got)
	}
	b.shot("case-list")
	b.shotAt(375, "case-list")

	// 3. The misdelivery case was opened by mistake: voided with a reason,
	// it leaves the dashboard and shows why on its own page.
	mistakePath := fmt.Sprintf("/cases/%d", misdelivery.ID)
	b.open(mistakePath + "#details")
	b.do(chromedp.SendKeys(chromedp.ID("void-reason"), "テスト送信を事案と誤認して登録した"))
	b.submit(`#void-case button[type=submit]`)
	b.waitVisible("#voided")
	b.waitText("#voided", "テスト送信を事案と誤認して登録した")
	b.shot("case-voided")
	b.open("/")
	if strings.Contains(evalJS[string](b, `document.querySelector("main").textContent`), misdelivery.Reference) {
		t.Error("the voided case is still on the dashboard")
	}

	// 4. The audit log: filter by action, then export what is shown.
	b.open("/audit")
	b.waitVisible("#audit-filter")
	b.do(chromedp.SetValue(chromedp.ID("af-action"), "case.void"))
	b.submit(`#audit-filter button[type=submit]`)
	b.waitJS(`location.search.includes("action=case.void")`, "the filtered audit log")
	rows := evalJS[int](b, `document.querySelectorAll("main table tbody tr").length`)
	if text := evalJS[string](b, `document.querySelector("main table tbody").textContent`); rows != 1 || !strings.Contains(text, misdelivery.Reference) && !strings.Contains(text, fmt.Sprint(misdelivery.ID)) {
		t.Errorf("the audit log filtered by case.void shows %d rows: %s", rows, text)
	}
	b.shot("audit-filtered")
	href := evalJS[string](b, `document.querySelector("#audit-export").getAttribute("href")`)
	if csv := b.fetch(href); csv.Status != 200 || !strings.HasPrefix(csv.Type, "text/csv") || csv.Size < 100 {
		t.Errorf("audit export: %+v", csv)
	}

	// 5. The call centre finds a caller among the affected persons by the
	// reading they spell (in hiragana) and by the number they call from.
	if err := app.st.DB.Exec(`INSERT INTO people (organisation_id, case_id, name, name_kana, email, phone, postal_code, address, created_at, updated_at)
		SELECT organisation_id, id, '山田 太郎', 'ヤマダ タロウ', 'taro@example.jp', '03-1234-5678', '100-0001', '東京都千代田区千代田1-1', now(), now() FROM cases WHERE id = ?
		UNION ALL SELECT organisation_id, id, '佐藤 花子', 'サトウ ハナコ', 'hanako@example.jp', '06-9876-5432', '530-0001', '大阪府大阪市北区梅田1-1', now(), now() FROM cases WHERE id = ?`,
		skimming.ID, skimming.ID).Error; err != nil {
		t.Fatal(err)
	}
	for query, want := range map[string]string{"やまだ": "山田 太郎", "+81 6 9876 5432": "佐藤 花子", "０３１２３４５６７８": "山田 太郎"} {
		b.open(casePath + "/people")
		b.do(chromedp.SendKeys(chromedp.ID("q"), query))
		b.submit(`#people-search button[type=submit]`)
		b.waitText("main table tbody", want)
		if rows := evalJS[int](b, `document.querySelectorAll("main table tbody tr").length`); rows != 1 {
			t.Errorf("people search %q lists %d persons, want 1", query, rows)
		}
	}
	b.shot("people-search")
	b.shotAt(375, "people-search")

	// 6. Every other page the owner can open passes axe-core too (the
	// journey covers the rest), at desktop and phone width.
	var taskID, obligationID int64
	app.st.DB.Raw(`SELECT id FROM tasks WHERE case_id = ? ORDER BY id LIMIT 1`, skimming.ID).Scan(&taskID)
	app.st.DB.Raw(`SELECT id FROM obligations WHERE case_id = ? ORDER BY id LIMIT 1`, skimming.ID).Scan(&obligationID)
	for name, path := range map[string]string{
		"templates": "/templates", "rules": "/rules", "settings": "/settings", "notifications": "/notifications",
		"users": "/admin/users", "organisation": "/organisation", "case-new": "/cases/new", "approvals-empty": "/approvals",
		"assessment": casePath + "/assessment", "people": casePath + "/people", "letters": casePath + "/letters",
		"inquiries": casePath + "/inquiries", "faq": casePath + "/faq", "evidence-held": casePath + "/evidence/held",
		"task": fmt.Sprintf("/tasks/%d", taskID), "obligation": fmt.Sprintf("/obligations/%d", obligationID),
		"closed-case": fmt.Sprintf("/cases/%d", closed.ID), "user": fmt.Sprintf("/admin/users/%d", owner.User.ID),
	} {
		b.open(path)
		b.waitJS(`document.readyState === "complete"`, name)
		b.shot("axe-" + name)
		b.shotAt(375, "axe-"+name)
	}
}

// principal is the user with email acting in the journey's organisation.
func (a journeyApp) principal(t *testing.T, email string, role auth.Role) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := a.auth.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	o, err := a.auth.OrganisationBySlug(ctx, "org-a")
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{User: u, Organisation: o, Role: role}
}

// startBrowser starts Chromium for a test, as the journey does.
func startBrowser(t *testing.T, chrome string) context.Context {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900))...)
	t.Cleanup(cancelAlloc)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return browserCtx
}

// loginWithTOTP logs in with the password and the authenticator's next
// code (the journey's owner has TOTP), in Japanese.
// With check, the two login pages are checked as every page shot is.
func (b *tab) loginWithTOTP(app journeyApp, email string, check bool) {
	b.t.Helper()
	b.open("/login")
	b.submit(`.lang-links a[lang=ja]`)
	if check {
		b.shot("login")
		b.shotAt(375, "login")
	}
	b.do(chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), password))
	b.submit(`form[action="/login"] button[type=submit]`)
	b.waitVisible("#code")
	if check {
		b.shot("login-totp")
	}
	code, err := auth.TOTPCodeAt(app.totpSecret, app.clk.Now())
	if err != nil {
		b.t.Fatal(err)
	}
	b.do(chromedp.SendKeys(chromedp.ID("code"), code))
	b.submit(`form[action="/login/totp"] button[type=submit]`)
	b.waitPath("/")
}
