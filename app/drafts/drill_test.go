package drafts_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
)

// Every page of a drill's report, draft and approved, carries the
// 訓練 DRILL label; a real case's does not. Marking the drill's report
// sent stamps its obligation with the drill's time.
func TestDrillReportsAreLabelledOnEveryPage(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	aware := time.Date(2027, 4, 30, 10, 0, 0, 0, tokyo)
	c, err := fx.cases.Create(ctx, &fx.owner, cases.NewCase{Title: "訓練: 決済画面の改ざん", AwareAt: aware, IncidentType: "card_skimming", Drill: true, DrillSpeed: 60})
	if err != nil {
		t.Fatal(err)
	}
	f, err := assessment.ParseFacts([]byte(`{"data_items":["card_number","name"],"persons_affected":12,"unauthorized_purpose":true,"residents":{"JP":12}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := fx.as.Save(ctx, &fx.owner, c.Case.ID, f, ""); err != nil {
		t.Fatal(err)
	}
	pages := func(pdf []byte) []string {
		return strings.Split(strings.TrimRight(apptest.PDFText(t, pdf), "\f\n"), "\f")
	}
	pdfOf := func(id int64) []byte {
		t.Helper()
		fx.render(t, id)
		full, err := fx.drafts.PDF(ctx, &fx.owner, id)
		if err != nil {
			t.Fatal(err)
		}
		return full.PDF
	}
	labelled := func(what string, pdf []byte) {
		t.Helper()
		ps := pages(pdf)
		for i, p := range ps {
			if !strings.Contains(squash(p), "訓練DRILL") {
				t.Errorf("%s: page %d of %d has no DRILL label:\n%s", what, i+1, len(ps), p)
			}
		}
	}
	for _, lang := range []string{"ja", "en"} {
		d, err := fx.drafts.Generate(ctx, &fx.owner, c.Case.ID, "ppc_final", lang, nil)
		if err != nil {
			t.Fatal(err)
		}
		pdf := pdfOf(d.ID)
		labelled("drill draft "+lang, pdf)
		// Dated in drill time: the chosen awareness day, not the real one.
		if lang == "ja" && !strings.Contains(squash(apptest.PDFText(t, pdf)), "報告日2027年4月30日") {
			t.Errorf("the drill report is not dated in drill time:\n%s", apptest.PDFText(t, pdf))
		}
	}
	real, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, "ppc_final", "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	if text := apptest.PDFText(t, pdfOf(real.ID)); strings.Contains(squash(text), "訓練DRILL") {
		t.Fatal("a real case's report is labelled a drill")
	}

	prelim, err := fx.drafts.Generate(ctx, &fx.owner, c.Case.ID, "ppc_preliminary", "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	prelim = fx.render(t, prelim.ID)
	if _, err := fx.drafts.Approve(ctx, &fx.legal, prelim.ID, prelim.ContentHash()); err != nil {
		t.Fatal(err)
	}
	approved, err := fx.drafts.PDF(ctx, &fx.legal, prelim.ID)
	if err != nil {
		t.Fatal(err)
	}
	labelled("approved drill report", approved.PDF)
	if strings.Contains(squash(apptest.PDFText(t, approved.PDF)), "下書き") {
		t.Error("the approved drill report still says draft")
	}
	before := cases.DrillClock(c.Case, fx.clk).Now()
	if _, err := fx.drafts.MarkSubmitted(ctx, &fx.legal, prelim.ID, assessment.Submission{RecipientReference: "DRILL-PPC"}); err != nil {
		t.Fatal(err)
	}
	after := cases.DrillClock(c.Case, fx.clk).Now()
	obs, err := fx.as.Obligations(ctx, &fx.owner, c.Case.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range obs {
		if o.RuleID == "jp.appi.ppc.preliminary" && (o.SubmittedAt == nil || o.SubmittedAt.Before(before.Truncate(time.Microsecond)) || o.SubmittedAt.After(after)) {
			t.Fatalf("preliminary report submitted at %v, want drill time between %s and %s", o.SubmittedAt, before, after)
		}
	}
}
