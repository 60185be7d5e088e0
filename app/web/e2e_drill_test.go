package web_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
)

// TestDrillInBrowser is a tabletop exercise run end to end in Chromium
// (issue 24, item 5): the owner opens a drill aware the Friday before
// Golden Week with a clock at 1440x (a real minute is a drill day), marks
// the PPC's preliminary report (速報) sent, and the test clock moves 40
// minutes, 40 drill days: the debrief shows the 速報 met and the final
// report (確報) and the acquirer's report missed. Every page of the drill
// says 訓練 / DRILL; a letter batch and the notice's publication are
// refused, the SMTP server receives nothing for persons, and nothing is
// online.
func TestDrillInBrowser(t *testing.T) {
	chrome := chromiumPath(t)
	app := startJourneyApp(t)
	shots := os.Getenv("BREACHDESK_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := app.st.DB.Exec(`UPDATE organisations SET legal_name = '株式会社ドリルショップ', address = '東京都千代田区丸の内2-2-2',
		representative = '代表取締役 訓練 太郎' WHERE slug = 'org-a'`).Error; err != nil {
		t.Fatal(err)
	}
	browserCtx := startBrowser(t, chrome)
	b := newTab(t, browserCtx, app.base, shots)
	b.loginWithTOTP(app, journeyOwner, false)

	// 1. A drill, from the new-case form: the awareness moment chosen,
	// the clock at 1440x.
	b.open("/cases/new")
	b.do(
		chromedp.SendKeys(chromedp.ID("title"), "訓練: 決済画面の改ざん"),
		chromedp.SetValue(chromedp.ID("aware_at"), "2027-04-30T10:00"),
		chromedp.SetValue(chromedp.ID("incident_type"), "card_skimming"),
		chromedp.Click(chromedp.ID("drill")),
		chromedp.SetValue(chromedp.ID("drill_speed"), "1440"),
	)
	b.shot("drill-new")
	b.submit(`form[action="/cases"] button[type=submit]`)
	caseID := b.pathID(`^/cases/(\d+)$`)
	casePath := fmt.Sprintf("/cases/%d", caseID)
	b.waitText("#drill-banner", "訓練 / DRILL")
	owner := app.principal(t, journeyOwner, auth.RoleOwner)
	drill, err := app.cases.Get(ctx, owner, caseID)
	if err != nil {
		t.Fatal(err)
	}
	if !drill.Drill || drill.DrillSpeed != 1440 || !strings.HasPrefix(drill.Reference, "DRILL-") {
		t.Fatalf("the form made %+v", drill)
	}
	// Card numbers of 40 people, no unauthorised purpose: 速報, 確報 by day
	// 30, the acquirer at once, the card brands.
	facts, err := assessment.ParseFacts([]byte(`{"data_items":["card_number","card_expiry","name"],"persons_affected":40,"residents":{"JP":40},
		"sensitive":false,"high_level_encryption":false,"card_brands":["visa"],"data_being_entered":false,"unauthorized_purpose":false}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := app.as.Save(ctx, owner, caseID, facts, "drill facts"); err != nil {
		t.Fatal(err)
	}
	// Persons with real-looking addresses: a drill must never write to them.
	if err := app.st.DB.Exec(`INSERT INTO people (organisation_id, case_id, name, email, postal_code, address, created_at, updated_at)
		SELECT organisation_id, id, '山田 太郎', 'taro@example.jp', '100-0001', '東京都千代田区千代田1-1', now(), now() FROM cases WHERE id = ?`, caseID).Error; err != nil {
		t.Fatal(err)
	}
	b.open(casePath)
	b.waitText("#obligations", "jp.appi.ppc.preliminary")
	b.shot("drill-case")

	// 2. The 速報 is marked sent from its page, without a time: the drill's
	// clock stamps it.
	prelim := obligationID(t, app, caseID, "jp.appi.ppc.preliminary")
	b.open(fmt.Sprintf("/obligations/%d", prelim))
	b.waitText("#drill-banner", "訓練 / DRILL")
	b.do(chromedp.SendKeys(chromedp.ID("sub-ref"), "PPC-DRILL-0001"))
	b.submit(fmt.Sprintf(`form[action="/obligations/%d/submit"] button[type=submit]`, prelim))
	b.waitPath(casePath)
	o, err := app.as.Obligation(ctx, owner, prelim)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != assessment.StatusSubmitted || o.SubmittedAt == nil || o.SubmittedAt.Before(drill.AwareAt) || o.SubmittedAt.After(cases.DrillClock(drill, app.clk).Now()) {
		t.Fatalf("the 速報 was recorded %s at %v: want drill time, after %s", o.Status, o.SubmittedAt, drill.AwareAt)
	}

	// 3. Forty minutes on the test clock: forty drill days. The case page
	// counts in drill time (the 確報 is overdue), and the debrief says what
	// the team would have missed.
	app.clk.Advance(40 * time.Minute)
	b.open(casePath)
	b.waitJS(`(() => { const r = [...document.querySelectorAll("#obligations tbody tr")].find(tr => tr.textContent.includes("jp.appi.ppc.final"));
		return !!r && !!r.querySelector(".badge.danger") })()`, "the final report overdue in drill time")
	b.submit(`#drill-banner a[href$="/drill"]`)
	b.waitPath(casePath + "/drill")
	b.waitVisible("#drill-debrief")
	b.shot("drill-debrief")
	b.shotAt(375, "drill-debrief")
	outcomes := evalJS[map[string]string](b, `Object.fromEntries([...document.querySelectorAll("#drill-debrief tbody tr")].map(tr => [tr.dataset.rule, tr.dataset.outcome]))`)
	for rule, want := range map[string]string{"jp.appi.ppc.preliminary": "met", "jp.appi.ppc.final": "missed", "jp.card.acquirer": "missed"} {
		if outcomes[rule] != want {
			t.Errorf("debrief: %s %q, want %q (all: %v)", rule, outcomes[rule], want, outcomes)
		}
	}
	b.waitText("#drill-debrief", "期限切れ")

	// 4. Labelled everywhere: the case's other pages and the case list.
	var taskID int64
	app.st.DB.Raw(`SELECT id FROM tasks WHERE case_id = ? ORDER BY id LIMIT 1`, caseID).Scan(&taskID)
	for _, path := range []string{casePath + "/assessment", casePath + "/people", casePath + "/letters", fmt.Sprintf("/tasks/%d", taskID)} {
		b.open(path)
		b.waitText("#drill-banner", "訓練 / DRILL")
	}
	b.open("/cases")
	b.waitText("#case-results", drill.Reference)
	b.waitText("#case-results .badge.drill", "訓練")

	// 5. Nothing to persons, nothing published: a letter batch and the
	// notice's publication are refused with the drill's message.
	b.open(casePath + "/letters")
	if r := b.post(casePath+"/letters", "channel=email&document_id=1&selection=all"); r.Status != 409 || !strings.Contains(r.Text, "訓練（ドリル）の事案からは") {
		t.Errorf("letter batch in a drill: HTTP %d %.200q", r.Status, r.Text)
	}
	b.open(casePath)
	b.do(chromedp.SendKeys(chromedp.ID("n-slug"), "drill-notice"))
	b.submit(`form[action$="/notices"] button[type=submit]`)
	noticeID := b.pathID(`^/notice-drafts/(\d+)$`)
	b.waitText("#drill-banner", "訓練 / DRILL")
	if r := b.post(fmt.Sprintf("/notice-drafts/%d/publish", noticeID), ""); r.Status != 409 || !strings.Contains(r.Text, "公開しません") {
		t.Errorf("publishing a drill's notice: HTTP %d %.200q", r.Status, r.Text)
	}
	visitor := newTab(t, browserCtx, app.base, shots)
	visitor.open("/notices/drill-notice")
	if got := visitor.fetch("/notices/drill-notice"); got.Status != 404 {
		t.Errorf("the drill's notice answers HTTP %d to the public", got.Status)
	}
	time.Sleep(500 * time.Millisecond) // a batch, had one started, would have sent by now
	for _, m := range app.smtp.Messages() {
		for _, to := range m.To {
			if !strings.HasPrefix(to, "journey-") {
				t.Errorf("the SMTP server received a message to %s", to)
			}
		}
	}
	for what, sql := range map[string]string{
		"letter batches":     `SELECT count(*) FROM letter_batches WHERE case_id = ?`,
		"published notices":  `SELECT count(*) FROM notices WHERE case_id = ? AND status = 'published'`,
		"webhook deliveries": `SELECT count(*) FROM webhook_deliveries WHERE (payload->>'case_id')::bigint = ?`,
	} {
		var n int64
		if err := app.st.DB.Raw(sql, caseID).Scan(&n).Error; err != nil || n != 0 {
			t.Errorf("%s of the drill: %d (%v)", what, n, err)
		}
	}
}

// obligationID is the id of the case's obligation of rule.
func obligationID(t *testing.T, app journeyApp, caseID int64, rule string) int64 {
	t.Helper()
	var id int64
	if err := app.st.DB.Raw(`SELECT id FROM obligations WHERE case_id = ? AND rule_id = ? AND applicable`, caseID, rule).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("no obligation %s: %v", rule, err)
	}
	return id
}

type posted struct {
	Status int    `json:"status"`
	Text   string `json:"text"`
}

// post sends a form (url-encoded fields, plus the page's CSRF token) as a
// form of the current page would, and returns the answer.
func (b *tab) post(path, fields string) posted {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	r, err := chromedp.Run(ctx, chromedp.Evaluate[posted](fmt.Sprintf(`(async () => {
		const f = new URLSearchParams(%q);
		f.set("_csrf", document.querySelector("input[name=_csrf]").value);
		const r = await fetch(%q, {method: "POST", body: f});
		return {status: r.status, text: await r.text()};
	})()`, fields, path), chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("post %s: %v", path, err)
	}
	return r
}
