package web_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/pdf"
	"github.com/breachdesk/breachdesk/app/store"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/config"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/inquiries"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/notifications"
	"github.com/breachdesk/breachdesk/app/people"
	"github.com/breachdesk/breachdesk/app/store/storetest"
	"github.com/breachdesk/breachdesk/app/web"
	"github.com/breachdesk/breachdesk/workflows"
)

// TestJourneyInBrowser walks the main journey of issue 8 through the real
// UI in headless Chromium: TOTP login, a case from the jp-card-leak
// playbook, the assessment and its PPC clocks (30 → 60 days with
// unauthorised purpose), tasks, evidence, the PPC final report approved by
// legal and downloaded, a CSV import, an e-mail letter batch to an
// in-process SMTP server, and a published public notice read logged out.
// Background jobs run in a real River worker, as in `breachdesk serve`.
// Screenshots of the main pages go to BREACHDESK_SCREENSHOTS (default: a
// temporary folder removed after the test).
func TestJourneyInBrowser(t *testing.T) {
	chrome := chromiumPath(t)
	app := startJourneyApp(t)
	shots := os.Getenv("BREACHDESK_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	start := clock.Start()

	// One browser; each user gets an isolated browser context (own
	// cookies), like two people on two machines.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900))...)
	t.Cleanup(cancelAlloc)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	// The first Do starts the browser; it must have no timeout, or the
	// browser would end with it.
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	owner := newTab(t, browserCtx, app.base, shots)
	legal := newTab(t, browserCtx, app.base, shots)

	// 1. Log in with password and TOTP. The owner picks Japanese on the
	// login page (the browser asks for English); legal stays in English,
	// so both catalogues get looked at.
	owner.open("/login")
	owner.submit(`.lang-links a[lang=ja]`)
	owner.waitJS(`document.documentElement.lang === "ja"`, "Japanese UI")
	// Keyboard first: Tab reaches the skip link, which shows itself with
	// the focus ring.
	owner.do(chromedp.KeyEvent("\t"))
	owner.waitJS(`(() => { const a = document.activeElement, r = a.getBoundingClientRect();
		return a.matches(".skip:focus-visible") && getComputedStyle(a).outlineStyle !== "none" && r.left >= 0 })()`, "a visible focus on the skip link")
	owner.do(chromedp.SendKeys(chromedp.ID("email"), journeyOwner), chromedp.SendKeys(chromedp.ID("password"), password))
	owner.submit(`form[action="/login"] button[type=submit]`)
	owner.waitVisible("#code")
	code, err := auth.TOTPCodeAt(app.totpSecret, app.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	owner.do(chromedp.SendKeys(chromedp.ID("code"), code))
	owner.submit(`form[action="/login/totp"] button[type=submit]`)
	// A new organisation: its details come first, before the dashboard.
	owner.waitPath("/organisation")
	owner.waitText("main", "はじめに事業者情報を入力してください")
	owner.shot("profile-first")
	for id, v := range journeyProfile {
		owner.do(chromedp.SetValue(chromedp.ID("pf-"+id), v))
	}
	owner.do(chromedp.Click(chromedp.CSS(`input[name=card_brands][value=visa]`)), chromedp.Click(chromedp.CSS(`input[name=card_brands][value=jcb]`)))
	owner.submit(`form[action="/organisation"] button[type=submit]`)
	owner.waitText("main", "事業者情報を保存しました")
	owner.shot("profile-saved")
	owner.open("/")
	owner.waitPath("/")
	owner.shot("dashboard-empty")

	// 2. A new case from the jp-card-leak playbook. Sent without a title
	// first: the error shows next to the field, which is marked invalid.
	owner.submit(`a[href="/cases/new"]`)
	if status := owner.submitStatus(`form[action="/cases"] button[type=submit]`); status != 422 {
		t.Fatalf("new case without a title: HTTP %d, want 422", status)
	}
	owner.waitJS(`(() => { const f = document.querySelector("#title"), e = document.querySelector("#title-error");
		return !!e && f.getAttribute("aria-invalid") === "true" && f.closest(".field") === e.closest(".field") &&
			f.getAttribute("aria-describedby") === "title-error" && e.textContent.includes("入力してください") })()`,
		"the title error, in Japanese, next to the title field")
	owner.shot("case-new-error")
	aware := app.clk.Now().In(app.zone).Add(-3 * time.Hour)
	// The leak began two months before: relative to the test's "today",
	// which make test-dates moves.
	leakFrom := aware.Add(-60 * 24 * time.Hour)
	app.leakStart = fmt.Sprintf("%d年%d月%d日", leakFrom.Year(), leakFrom.Month(), leakFrom.Day())
	owner.do(
		chromedp.SendKeys(chromedp.ID("title"), "Web skimming on the checkout page"),
		chromedp.SetValue(chromedp.ID("aware_at"), aware.Format("2006-01-02T15:04")),
		chromedp.SetValue(chromedp.ID("incident_type"), "card_skimming"),
		chromedp.SetValue(chromedp.ID("playbook"), "jp-card-leak"),
		chromedp.SendKeys(chromedp.ID("summary"), "PSP reported common point of purchase; checkout JS altered."),
		chromedp.SetValue(chromedp.ID("occurred_from"), leakFrom.Format("2006-01-02T15:04")),
		chromedp.SetValue(chromedp.ID("occurred_to"), aware.Add(-24*time.Hour).Format("2006-01-02T15:04")),
	)
	owner.submit(`form[action="/cases"] button[type=submit]`)
	caseID := owner.pathID(`^/cases/(\d+)$`)
	casePath := fmt.Sprintf("/cases/%d", caseID)
	owner.waitText("h1", "Web skimming")

	// 3. The assessment: card numbers of 3 people, no unauthorised purpose
	// (yet). The PPC clocks appear; the final report is due on day 30.
	owner.submit(`#assessment a.button`)
	owner.do(
		chromedp.Click(chromedp.CSS(`input[name=data_items][value=card_number]`)),
		chromedp.Click(chromedp.CSS(`input[name=data_items][value=name]`)),
		chromedp.SendKeys(chromedp.ID("persons_affected"), "3"),
		chromedp.SetValue(chromedp.ID("unauthorized_purpose"), "false"),
		chromedp.SendKeys(chromedp.ID("residents"), "JP=3"),
	)
	owner.shot("assessment")
	owner.submit(`form[action$="/assessment"] button[type=submit]`)
	owner.waitText("#obligations", "jp.appi.ppc.preliminary")
	owner.waitText("#obligations", "jp.appi.ppc.final")
	final30 := owner.finalDue()
	owner.shot("case")
	owner.shotAt(375, "case")

	// 不正の目的: the final report moves to day 60.
	owner.open(casePath + "/assessment")
	owner.do(chromedp.SetValue(chromedp.ID("unauthorized_purpose"), "true"))
	owner.submit(`form[action$="/assessment"] button[type=submit]`)
	owner.waitText("#obligations", "jp.appi.ppc.final")
	final60 := owner.finalDue()
	awareDay := time.Date(aware.Year(), aware.Month(), aware.Day(), 0, 0, 0, 0, app.zone)
	d30, d60 := daysAfter(awareDay, final30, app.zone), daysAfter(awareDay, final60, app.zone)
	// Day 30 counting the aware date as day 1 is aware+29, pushed to the
	// next business day by weekends, holidays and the year-end closure.
	if d30 < 29 || d30 > 36 || d60 < 59 || d60 > 66 {
		t.Fatalf("final report due %s (day+%d), then %s (day+%d) after 不正の目的; want about 30 then 60 days", final30, d30, final60, d60)
	}

	// The final report's own page: why it applies, what it must contain.
	obligationHref := evalJS[string](owner, `(() => { const r = [...document.querySelectorAll("#obligations tbody tr")].find(tr => tr.textContent.includes("jp.appi.ppc.final"));
		return r ? r.querySelector("a[href^='/obligations/']").getAttribute("href") : "" })()`)
	if obligationHref == "" {
		t.Fatal("the PPC final report's row does not link to its page")
	}
	owner.open(obligationHref)
	owner.waitText("main", "jp.appi.ppc.final")
	owner.shot("obligation")
	owner.shotAt(375, "obligation")
	owner.open(casePath)

	// 4. Complete the first two tasks of the playbook.
	taskIDs := evalJS[[]string](owner, `[...document.querySelectorAll("#tasks li.task")].slice(0, 2).map(e => e.id.replace("task-", ""))`)
	if len(taskIDs) != 2 {
		t.Fatalf("the playbook seeded %d tasks, want at least 2", len(taskIDs))
	}
	for _, id := range taskIDs {
		owner.submit(`#task-` + id + ` form[action="/tasks/` + id + `"] button[type=submit]`)
		owner.waitJS(`document.querySelector("#task-`+id+`").classList.contains("task-done")`, "task "+id+" done")
	}

	// 5. Upload an evidence file.
	evFile := filepath.Join(t.TempDir(), "checkout-access.log")
	if err := os.WriteFile(evFile, []byte("203.0.113.9 - - [01/Jul/2026:10:00:00 +0900] \"GET /checkout.js HTTP/1.1\" 200 5120\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	owner.do(chromedp.SetUploadFiles(chromedp.ID("ev-file"), []string{evFile}), chromedp.SendKeys(chromedp.ID("ev-desc"), "web server access log"))
	owner.submit(`form[action$="/evidence"] button[type=submit]`)
	owner.waitText("#evidence", "checkout-access.log")
	// A dump with card numbers is refused, with where they are; the page
	// offers to record it as held by the forensic investigator, its hash
	// filled in, and nothing of it is stored.
	dumpFile := filepath.Join(t.TempDir(), "orders-dump.sql")
	if err := os.WriteFile(dumpFile, []byte("INSERT INTO orders VALUES (1, '4111 1111 1111 1111');\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	owner.do(chromedp.SetUploadFiles(chromedp.ID("ev-file"), []string{dumpFile}))
	if status := owner.submitStatus(`form[action$="/evidence"] button[type=submit]`); status != 422 {
		t.Fatalf("upload of a file with a card number: HTTP %d, want 422", status)
	}
	owner.waitText("#held-refused-h", "保存されませんでした")
	owner.waitJS(`document.querySelector("#held-sha256").value.length === 64 && document.body.textContent.includes("[visa ****1111]") &&
		!document.body.textContent.includes("4111 1111 1111 1111")`, "the refusal with the hash filled in")
	owner.shot("evidence-refused")
	owner.do(chromedp.SendKeys(chromedp.ID("held-by"), "PFI Example K.K."))
	owner.submit(`form[action$="/evidence/held"] button[type=submit]`)
	owner.waitJS(`document.querySelector("main").textContent.includes("PFI Example K.K.") && !document.querySelector('main a[href$="/download"]')`,
		"the item held by the PFI, without a download")
	owner.shot("evidence-held")
	owner.open(casePath)

	// 6. The PPC final report: generated by the owner, rendered by the
	// worker, approved by legal, downloaded as a PDF.
	owner.do(chromedp.SetValue(chromedp.ID("doc-kind"), "ppc_final"), chromedp.SetValue(chromedp.ID("doc-lang"), "ja"))
	owner.submit(`form[action$="/documents"] button[type=submit]`)
	docID := owner.pathID(`^/documents/(\d+)$`)
	owner.waitJS(`!!document.querySelector('a[href$="/pdf"]')`, "rendered PDF")
	owner.shot("document")

	legal.login(journeyLegal)
	// Legal finds it in the queue of documents awaiting approval.
	legal.open("/approvals")
	legal.waitJS(fmt.Sprintf(`!!document.querySelector('main a[href="/documents/%d"]')`, docID), "the report in legal's queue")
	legal.shot("approvals")
	legal.open(fmt.Sprintf("/documents/%d", docID))
	// Legal reads the report on the page before approving it.
	legal.waitJS(`!!document.querySelector('#preview .doc-body dl')`, "the report's content above the approve button")
	legal.shot("document-review")
	legal.submit(`form[action$="/approve"] button[type=submit]`)
	legal.waitJS(`!!document.querySelector('form[action$="/submit"]')`, "approved document")
	legal.shot("document-approved")
	if pdf := legal.fetch(fmt.Sprintf("/documents/%d/pdf", docID)); pdf.Status != 200 || pdf.Type != "application/pdf" || pdf.Head != "%PDF-" || pdf.Size < 1000 {
		t.Fatalf("PDF download: %+v", pdf)
	}
	app.pdfSays(t, "the PPC final report", `SELECT pdf FROM documents WHERE id = ?`, docID)

	// 7. Import affected persons from a CSV file; the progress bar reaches
	// 100 %.
	csv := "氏名,メールアドレス,郵便番号,住所\n" +
		"山田 太郎,taro@example.jp,100-0001,東京都千代田区千代田1-1\n" +
		"佐藤 花子,hanako@example.jp,530-0001,大阪府大阪市北区梅田1-1\n" +
		"Alex Smith,alex@example.com,060-0001,北海道札幌市中央区北1条西1\n"
	csvFile := filepath.Join(t.TempDir(), "affected.csv")
	if err := os.WriteFile(csvFile, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	owner.open(casePath + "/people")
	owner.do(chromedp.SetUploadFiles(chromedp.ID("p-file"), []string{csvFile}))
	owner.submit(`form[action$="/people/import"] button[type=submit]`)
	owner.pathID(`^/imports/(\d+)$`)
	// The page reloads every 2 s while the job runs.
	owner.waitJS(`(() => { const p = document.querySelector("#imp-progress");
		return !!p && !document.querySelector('meta[http-equiv="refresh"]') && p.max === 3 && p.value === p.max })()`, "import at 100 %")
	owner.shot("import")
	owner.shotAt(375, "import")
	owner.open(casePath + "/people")
	owner.waitText("main", "hanako@example.jp")

	// 8. The customer letter, approved by legal, goes out by e-mail.
	owner.open(casePath)
	owner.do(chromedp.SetValue(chromedp.ID("doc-kind"), "customer_letter_sample"), chromedp.SetValue(chromedp.ID("doc-lang"), "ja"))
	owner.submit(`form[action$="/documents"] button[type=submit]`)
	letterID := owner.pathID(`^/documents/(\d+)$`)
	owner.waitJS(`!!document.querySelector('a[href$="/pdf"]')`, "rendered letter")
	legal.open(fmt.Sprintf("/documents/%d", letterID))
	legal.submit(`form[action$="/approve"] button[type=submit]`)
	legal.waitJS(`!!document.querySelector('form[action$="/submit"]')`, "approved letter")
	app.pdfSays(t, "the customer letter", `SELECT pdf FROM documents WHERE id = ?`, letterID)

	owner.open(casePath + "/letters")
	owner.do(chromedp.Click(chromedp.CSS(`input[name=channel][value=email]`)))
	owner.submit(`form[action$="/letters"] button[type=submit]`)
	owner.pathID(`^/letter-batches/(\d+)$`)
	owner.waitJS(`!!document.querySelector("h1 .badge.ok") && !document.querySelector('meta[http-equiv="refresh"]')`, "batch done")
	owner.waitJS(`document.querySelector("#batch-progress").value === 3`, "batch progress 3 of 3")
	owner.shot("letter-batch")
	owner.shotAt(375, "letter-batch")
	perPerson := map[string]int{}
	for _, m := range app.smtp.WaitFor(3, 10*time.Second) {
		for _, to := range m.To {
			if strings.HasPrefix(to, "journey-") {
				continue // reminders to the team, not letters
			}
			perPerson[to]++
		}
	}
	want := map[string]int{"taro@example.jp": 1, "hanako@example.jp": 1, "alex@example.com": 1}
	if fmt.Sprint(perPerson) != fmt.Sprint(want) {
		t.Fatalf("SMTP server received %v, want one message per person %v", perPerson, want)
	}

	// 9. The public notice: edited, approved by legal and owner,
	// published, and read by a visitor who is not logged in.
	owner.open(casePath)
	owner.do(chromedp.SendKeys(chromedp.ID("n-slug"), "journey-notice"))
	owner.submit(`form[action$="/notices"] button[type=submit]`)
	noticeID := owner.pathID(`^/notice-drafts/(\d+)$`)
	noticePath := fmt.Sprintf("/notice-drafts/%d", noticeID)
	// Fill whatever the draft left empty, by typing.
	empty := evalJS[[]string](owner, `[...document.querySelectorAll("textarea[id^=s-][id$=-ja]")].filter(e => !e.value.trim() && e.id !== "s-delay_reason-ja").map(e => e.id)`)
	for _, id := range empty {
		owner.do(chromedp.SendKeys(chromedp.ID(id), "（"+id+"）の内容を記載します。"))
	}
	if v := evalJS[string](owner, `document.querySelector("#title_ja").value`); strings.TrimSpace(v) == "" {
		owner.do(chromedp.SendKeys(chromedp.ID("title_ja"), "不正アクセスによる個人情報漏えいに関するお詫びとお知らせ"))
	}
	owner.submit(`form[action="` + noticePath + `"] button[type=submit]`)
	legal.open(noticePath)
	legal.submit(`form[action$="/approve"] button[type=submit]`)
	owner.open(noticePath)
	owner.submit(`form[action$="/approve"] button[type=submit]`)
	owner.shot("notice-editor")
	owner.submit(`form[action$="/publish"] button[type=submit]`)
	owner.waitJS(`!!document.querySelector(".page-head .badge.ok")`, "notice published")
	owner.shotAt(375, "notice-editor")
	title := evalJS[string](owner, `document.querySelector("#title_ja") ? document.querySelector("#title_ja").value : ""`)

	visitor := newTab(t, browserCtx, app.base, shots)
	visitor.open("/notices/journey-notice")
	visitor.waitText("h1", strings.TrimSpace(title))
	if cookies := evalJS[string](visitor, `document.cookie`); strings.Contains(cookies, "session") {
		t.Fatalf("the visitor has a session cookie: %q", cookies)
	}
	visitor.shot("public-notice")
	visitor.waitText("main", journeyProfile["legal_name"])
	app.pdfSays(t, "the public notice", `SELECT pdf_ja FROM notice_versions WHERE notice_id = ? AND pdf_ja IS NOT NULL ORDER BY version DESC LIMIT 1`, noticeID)
	visitor.shotAt(375, "public-notice")

	// The dashboard now lists the case and its clocks.
	owner.open("/")
	owner.waitText("main", "jp.appi.ppc.final")
	owner.shot("dashboard")
	owner.shotAt(375, "dashboard")
	t.Logf("journey took %s; screenshots in %s", start.Elapsed().Round(time.Millisecond), shots)
}

const (
	journeyOwner = "journey-owner@a.example"
	journeyLegal = "journey-legal@a.example"
)

// chromiumPath finds the browser. Without one the test skips, except in
// CI, where a missing browser must fail the build rather than hide it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("BREACHDESK_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium found (set BREACHDESK_CHROMIUM); CI must run the browser journey")
	}
	t.Skip("no chromium found; the browser journey needs it")
	return ""
}

// journeyProfile is what the owner of the journey's new organisation
// types into its profile.
var journeyProfile = map[string]string{"legal_name": "株式会社ジャーニーショップ", "corporate_number": "9234567890123",
	"address": "東京都千代田区丸の内2-2-2", "representative": "代表取締役 旅 太郎", "contact_desk": "お客様相談窓口",
	"contact_phone": "0120-222-333", "contact_hours": "平日10:00〜17:00", "contact_email": "desk@journey.example"}

// pdfSays checks that the PDF the query finds (by id) prints the
// organisation's details from its profile and the leak period's start.
func (a journeyApp) pdfSays(t *testing.T, what, query string, id int64) {
	t.Helper()
	var pdf []byte
	if err := a.st.DB.Raw(query, id).Row().Scan(&pdf); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	text := strings.Join(strings.Fields(apptest.PDFText(t, pdf)), "")
	for _, want := range []string{journeyProfile["legal_name"], "0120-222-333", a.leakStart} {
		if !strings.Contains(text, want) {
			t.Errorf("%s does not print %q", what, want)
		}
	}
}

type journeyApp struct {
	leakStart  string // the leak period's start as the Japanese documents print it
	st         *store.Store
	clk        *clocktest.Clock
	base       string
	zone       *time.Location
	smtp       *mailtest.Server
	totpSecret string
	// The services, for tests that set up data behind the browser.
	auth  *auth.Service
	cases *cases.Service
	as    *assessment.Service
}

// startJourneyApp wires the application as `breachdesk serve` does, with
// a River client that works jobs, a letters service that sends to an
// in-process SMTP server, and plain (non-__Host-) cookies, which Chromium
// keeps over http://127.0.0.1.
func startJourneyApp(t *testing.T) journeyApp {
	t.Helper()
	ctx := context.Background()
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	a, err := auth.NewService(st, clk, auth.Options{SecretKey: make([]byte, 32), Argon2: auth.Argon2Params{Time: 1, Memory: 1024, Threads: 1}, MaxPerAccount: 5, MaxPerIP: 50})
	if err != nil {
		t.Fatal(err)
	}
	srv := mailtest.New(t)
	mailer, err := mail.NewSMTP(srv.URL, "BreachDesk <noreply@a.example>")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"BREACHDESK_COOKIE_SECURE": "false", "BREACHDESK_SMTP_URL": srv.URL}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	font, err := pdf.FindFont(os.Getenv("BREACHDESK_PDF_FONT"))
	if err != nil {
		t.Fatal(err)
	}
	renderer, err := pdf.NewRenderer(font)
	if err != nil {
		t.Fatal(err)
	}
	deadlines := assessment.NewDeadlines(st, clk)
	cs := cases.NewService(st, clk, deadlines)
	as := assessment.NewService(st, clk, cs, deadlines)
	ds := drafts.NewService(st, clk, cs, as, renderer)
	ps := people.NewService(st, clk, cs)
	ls := letters.NewService(st, clk, cs, as, letters.Options{Renderer: renderer, Dialer: mailer})
	client, err := workflows.NewClient(workflows.Deps{Store: st, Clock: clk, Auth: a, Deadlines: deadlines, Emailer: notifications.NewEmailer(st, clk, mailer, ""),
		Drafts: ds, People: ps, Letters: ls, LetterRetryBase: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { workflows.Stop(client, 5*time.Second) })

	s, err := web.New(web.Deps{Webhooks: apptest.Webhooks(t, st, clk, nil), Config: cfg, Clock: clk, Store: st, Auth: a, Cases: cs, Assessment: as, Evidence: evidence.NewService(st, clk, 1<<20),
		Drafts: ds, Notices: notices.NewService(st, clk, cs, as, renderer), People: ps, Letters: ls, Inquiries: inquiries.NewService(st, clk, cs, as, renderer), Calendar: newCalendar(t, st, clk, cs),
		Security: newSecurity(t, st, clk, cs), Orders: newOrders(t, st, clk, cs), Scoping: newScoping(t, st, clk, cs, as)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.App().Listener(ln) //nolint:errcheck // ends with Shutdown
	t.Cleanup(func() { _ = s.Shutdown(5 * time.Second) })

	for _, u := range []struct {
		email string
		role  auth.Role
	}{{journeyOwner, auth.RoleOwner}, {journeyLegal, auth.RoleLegal}} {
		if _, err := a.CreateUser(ctx, auth.NewUser{Email: u.email, Name: u.email[:strings.IndexByte(u.email, '@')], Password: password, OrgSlug: "org-a", OrgName: "Example Shop K.K.", Role: u.role}); err != nil {
			t.Fatal(err)
		}
	}
	// TOTP is enrolled through the service, as the settings page would,
	// so the browser meets the second step at login.
	res, err := a.Login(ctx, journeyOwner, password, "127.0.0.1", "setup")
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := a.Authenticate(ctx, res.SessionToken)
	if err != nil {
		t.Fatal(err)
	}
	enr, err := a.BeginTOTP(ctx, &p)
	if err != nil {
		t.Fatal(err)
	}
	code, err := auth.TOTPCodeAt(enr.Secret, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConfirmTOTP(ctx, &p, code); err != nil {
		t.Fatal(err)
	}
	// That code is spent: the login in the browser takes the next step's.
	clk.Advance(30 * time.Second)
	if err := a.Logout(ctx, res.SessionToken); err != nil {
		t.Fatal(err)
	}
	zone, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return journeyApp{st: st, clk: clk, base: "http://" + ln.Addr().String(), zone: zone, smtp: srv, totpSecret: enr.Secret, auth: a, cases: cs, as: as}
}

// tab is one browser tab in its own browser context (own cookies), with
// the steps the journey needs; every step fails the test with what it
// was waiting for.
type tab struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

func newTab(t *testing.T, browserCtx context.Context, base, shots string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// Open the tab without a timeout: the first Do binds its life.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("new tab: %v", err)
	}
	// Destructive forms ask window.confirm first; the user says yes.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return &tab{t: t, ctx: ctx, base: base, shots: shots}
}

const stepTimeout = 20 * time.Second

func (b *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail("step: %v", err)
	}
}

func (b *tab) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + path))
}

// submit clicks a button or link and waits for the page it leads to,
// which must not be an error page.
func (b *tab) submit(sel string) {
	b.t.Helper()
	if status := b.submitStatus(sel); status >= 400 {
		b.fail("click %s: HTTP %d", sel, status)
	}
}

// submitStatus clicks and returns the HTTP status of the page it leads to.
func (b *tab) submitStatus(sel string) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.fail("click %s: %v", sel, err)
	}
	return resp.Status
}

func (b *tab) login(email string) {
	b.t.Helper()
	b.open("/login")
	b.do(chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), password))
	b.submit(`form[action="/login"] button[type=submit]`)
	b.waitPath("/")
}

func (b *tab) waitVisible(sel string) {
	b.t.Helper()
	b.do(chromedp.WaitVisible(chromedp.CSS(sel)))
}

// waitJS polls a JavaScript condition until it holds. Pages that refresh
// themselves (import, batch, rendering) destroy the context between
// polls, so evaluation errors just mean "not yet".
func (b *tab) waitJS(cond, what string) {
	b.t.Helper()
	waited := clock.Start()
	var last error
	for waited.Elapsed() < stepTimeout {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	b.fail("waiting for %s (last error %v)", what, last)
}

func (b *tab) waitText(sel, text string) {
	b.t.Helper()
	b.waitJS(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.textContent.includes(%q) })()`, sel, text),
		fmt.Sprintf("%q in %s", text, sel))
}

func (b *tab) waitPath(path string) {
	b.t.Helper()
	b.waitJS(fmt.Sprintf(`location.pathname === %q && document.readyState === "complete"`, path), "page "+path)
}

// pathID reads the id from the current path, which must match re.
func (b *tab) pathID(re string) int64 {
	b.t.Helper()
	p := evalJS[string](b, `location.pathname`)
	m := regexp.MustCompile(re).FindStringSubmatch(p)
	if m == nil {
		b.fail("at %s, want a path like %s", p, re)
	}
	var id int64
	fmt.Sscan(m[1], &id)
	return id
}

// finalDue reads the PPC final report's deadline from the case page.
func (b *tab) finalDue() time.Time {
	b.t.Helper()
	raw := evalJS[string](b, `(() => { const r = [...document.querySelectorAll("#obligations tbody tr")].find(tr => tr.textContent.includes("jp.appi.ppc.final"));
		return r ? r.querySelector("time").getAttribute("datetime") : "" })()`)
	due, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		b.fail("final report deadline %q: %v", raw, err)
	}
	return due
}

type fetched struct {
	Status int    `json:"status"`
	Type   string `json:"type"`
	Head   string `json:"head"`
	Size   int    `json:"size"`
}

// fetch downloads path with the tab's cookies, as the download link does.
func (b *tab) fetch(path string) fetched {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	f, err := chromedp.Run(ctx, chromedp.Evaluate[fetched](fmt.Sprintf(`fetch(%q).then(async r => {
		const b = new Uint8Array(await r.arrayBuffer());
		return {status: r.status, type: r.headers.get("content-type"), head: String.fromCharCode(...b.slice(0, 5)), size: b.length};
	})`, path), chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("fetch %s: %v", path, err)
	}
	return f
}

// shot saves a full-page PNG (quality 100 gives PNG, less gives JPEG).
// Every page shot is also checked for fields without a label, and by
// axe-core for serious and critical accessibility problems.
func (b *tab) shot(name string) {
	b.t.Helper()
	if bare := evalJS[[]string](b, unlabelledJS); len(bare) > 0 {
		b.fail("page %s has fields without a label: %v", name, bare)
	}
	b.checkAccessibility(name)
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.fail("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// shotAt saves a screenshot at a phone's width, then goes back to 1280 px.
func (b *tab) shotAt(width int64, name string) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(width, 800, chromedp.EmulateMobile))
	b.shot(fmt.Sprintf("%s-%d", name, width))
	b.do(chromedp.EmulateViewport(1280, 900))
}

func (b *tab) fail(format string, args ...any) {
	b.t.Helper()
	// Best effort: where the browser was and what it showed.
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	where, _ := chromedp.Run(ctx, chromedp.Location())
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(b.shots, "failure.png"), png, 0o644)
	}
	b.t.Fatalf("%s (page %s; screenshot failure.png in %s)", fmt.Sprintf(format, args...), where, b.shots)
}

// unlabelledJS lists the form fields a screen reader would announce
// without a name: no <label for>, no wrapping label, no aria-label(ledby).
const unlabelledJS = `[...document.querySelectorAll("input, select, textarea")]
	.filter(e => e.type !== "hidden" && e.type !== "submit" && e.type !== "button")
	.filter(e => !(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby"))
	.map(e => e.outerHTML.slice(0, 120))`

// evalJS evaluates an expression in the tab and decodes its value.
func evalJS[T any](b *tab, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.fail("evaluate %s: %v", expr, err)
	}
	return v
}

// daysAfter counts calendar days from day to t's date in zone.
func daysAfter(day, t time.Time, zone *time.Location) int {
	lt := t.In(zone)
	d := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, zone)
	return int(d.Sub(day).Hours()/24 + 0.5)
}
