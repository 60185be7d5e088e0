package drafts_test

import (
	"context"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/inquiries"
)

// The call-centre FAQ document generated from the documents page carries
// the FAQ entries curated on the call-centre page, like the FAQ sheet
// export does.
func TestCallCenterFAQDocumentHasCuratedEntries(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	svc := inquiries.NewService(fx.st, fx.clk, fx.cases, fx.as, apptest.Renderer(t))
	if _, err := svc.AddFAQ(ctx, &fx.legal, fx.caseID, inquiries.FAQInput{QuestionJA: "お詫びの品はありますか", AnswerJA: "後日ご案内します。"}); err != nil {
		t.Fatal(err)
	}
	d, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, "call_center_faq", "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	d = fx.render(t, d.ID)
	full, err := fx.drafts.PDF(ctx, &fx.owner, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	text := squash(apptest.PDFText(t, full.PDF))
	for _, want := range []string{"Q1.お詫びの品はありますか", "後日ご案内します。", "窓口情報"} {
		if !strings.Contains(text, want) {
			t.Errorf("FAQ document lacks %q", want)
		}
	}
}
