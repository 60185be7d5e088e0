package security_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/security"
)

// declared sets acme's register as the declaration tests read it.
func declared(t *testing.T, w *world) {
	t.Helper()
	ctx := context.Background()
	if err := w.st.DB.Exec(`UPDATE organisations SET legal_name = 'アクメ商事株式会社', corporate_number = '1234567890123', representative = '代表取締役 山田 太郎',
		acquirer_name = 'Example Acquirer', psp_name = 'Example PSP' WHERE id = ?`, w.owner.OrgID()).Error; err != nil {
		t.Fatal(err)
	}
	o, err := w.auth.OrganisationBySlug(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	w.owner.Organisation = o
	for _, in := range []security.Update{
		{MeasureID: security.MeasureNonRetention, Status: security.StatusInPlace, LastChecked: "2026-11-30", EvidenceIDs: []int64{w.acmeEvidence}},
		{MeasureID: security.MeasureAdminAccess, Status: security.StatusPartial, Reason: "IP制限は1月に導入予定", LastChecked: "2026-12-01"},
		{MeasureID: security.MeasureCardTesting, Status: security.StatusNotApplicable, Reason: "no card entry on our pages"},
		{MeasureID: security.MeasureWAF, Status: security.StatusInPlace},
	} {
		if _, err := w.svc.SetMeasure(ctx, w.owner, in); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSecurityDeclarationPDF(t *testing.T) {
	t.Parallel()
	w := newWorld(t, clocktest.Frozen(time.Date(2026, 12, 7, 10, 0, 0, 0, jst)))
	declared(t, w)
	ctx := context.Background()
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"ja", []string{"セキュリティ・チェックリスト", "アクメ商事株式会社", "1234567890123", "Example Acquirer", "2026-12-07", security.CatalogueVersion,
			"カード情報の非保持化", "データディレクトリの露出防止", "不正ログイン対策",
			"実施済み", "一部実施", "対象外", "未評価", "IP制限は1月に導入予定", "waf-config.txt", "2026-11-30", "2026-12-01"}},
		{"en", []string{"Security checklist", "アクメ商事株式会社", "Date of declaration", "2026-12-07", security.CatalogueVersion,
			"Card data not retained", "No exposed data directories", "unauthorised logins",
			"In place", "Partial", "Not applicable", "Unassessed", "no card entry on our pages", "waf-config.txt", "2026-11-30"}},
	} {
		out, err := w.svc.DeclarationPDF(ctx, w.owner, tc.lang)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(apptest.PDFText(t, out)), " ")
		for _, s := range tc.want {
			if !strings.Contains(text, strings.Join(strings.Fields(s), " ")) {
				t.Errorf("[%s] declaration lacks %q:\n%s", tc.lang, s, text)
			}
		}
		// Only checklist items are declared: the WAF is common practice.
		waf, _ := security.MeasureByID(security.MeasureWAF)
		if strings.Contains(text, waf.Title.In(tc.lang)) {
			t.Errorf("[%s] declaration shows the WAF, which is not a checklist item", tc.lang)
		}
	}
	if n := apptest.Count(t, w.st, `SELECT count(*) FROM security_declarations WHERE organisation_id = ? AND format = 'pdf'`, w.owner.OrgID()); n != 2 {
		t.Errorf("%d declarations recorded, want 2", n)
	}
	if n := apptest.Count(t, w.st, `SELECT count(*) FROM audit_log WHERE action = 'security.declaration.export'`); n != 2 {
		t.Errorf("%d exports audited, want 2", n)
	}
}

func TestSecurityDeclarationCSVAndRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t, clocktest.Frozen(time.Date(2026, 12, 7, 10, 0, 0, 0, jst)))
	declared(t, w)
	ctx := context.Background()
	out, err := w.svc.DeclarationCSV(ctx, w.owner, "en")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(security.ChecklistMeasures()) {
		t.Fatalf("%d rows:\n%s", len(rows), out)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	byMeasure := map[string][]string{}
	for _, r := range rows[1:] {
		byMeasure[r[col["Measure id"]]] = r
		if r[col["Organisation"]] != "アクメ商事株式会社" || r[col["Date of declaration"]] != "2026-12-07" || r[col["Catalogue version"]] != security.CatalogueVersion {
			t.Errorf("row without the organisation, date or version: %v", r)
		}
	}
	admin := byMeasure[security.MeasureAdminAccess]
	if admin == nil || admin[col["Status"]] != "Partial" || admin[col["Reason or alternative"]] != "IP制限は1月に導入予定" || admin[col["Last checked"]] != "2026-12-01" {
		t.Errorf("admin access row %v", admin)
	}
	nr := byMeasure[security.MeasureNonRetention]
	if nr == nil || nr[col["Status"]] != "In place" || !strings.Contains(nr[col["Evidence"]], "waf-config.txt") {
		t.Errorf("non-retention row %v", nr)
	}
	if byMeasure[security.MeasureLoginFraud][col["Status"]] != "Unassessed" || byMeasure[security.MeasureWAF] != nil {
		t.Errorf("login fraud %v, WAF %v", byMeasure[security.MeasureLoginFraud], byMeasure[security.MeasureWAF])
	}
	ja, err := w.svc.DeclarationCSV(ctx, w.owner, "ja")
	if err != nil || !strings.Contains(string(ja), "一部実施") || !strings.Contains(string(ja), "対策ID") {
		t.Errorf("Japanese CSV (%v):\n%s", err, ja)
	}

	// A responder may keep the register but not hand out declarations; a
	// language other than ja or en is refused naming it.
	if _, err := w.svc.DeclarationCSV(ctx, w.responder, "en"); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("responder: %v", err)
	}
	var ve *apperr.ValidationError
	if _, err := w.svc.DeclarationPDF(ctx, w.owner, "fr"); !errors.As(err, &ve) || ve.For("lang") == "" {
		t.Errorf("lang fr: %v", err)
	}
	if n := apptest.Count(t, w.st, `SELECT count(*) FROM security_declarations WHERE organisation_id = ?`, w.owner.OrgID()); n != 2 {
		t.Errorf("%d declarations recorded, want 2", n)
	}
}

// The operator's table shows every merchant's register; nobody else may
// read it.
func TestSecurityMerchantsAcrossTwoOrganisations(t *testing.T) {
	t.Parallel()
	w := newWorld(t, clocktest.Frozen(time.Date(2026, 12, 7, 10, 0, 0, 0, jst)))
	declared(t, w)
	ctx := context.Background()
	if _, err := w.svc.SetMeasure(ctx, w.other, security.Update{MeasureID: security.MeasureEMV3DS, Status: security.StatusNotInPlace, Reason: "contract pending"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.SetMeasure(ctx, w.other, security.Update{MeasureID: security.MeasurePatching, Status: security.StatusInPlace, LastChecked: "2026-01-05"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.DeclarationCSV(ctx, w.owner, "ja"); err != nil {
		t.Fatal(err)
	}
	u, err := w.auth.CreateUser(ctx, auth.NewUser{Email: "psp@operator.example", Name: "PSP", Password: apptest.Password, Operator: true})
	if err != nil {
		t.Fatal(err)
	}
	op := &auth.Principal{User: u}
	rows, err := w.svc.Merchants(ctx, op)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]map[string]string{}
	byOrg := map[string]security.MerchantStatus{}
	for _, r := range rows {
		byOrg[r.Organisation.Slug] = r
		status[r.Organisation.Slug] = map[string]string{}
		for _, e := range r.Entries {
			status[r.Organisation.Slug][e.MeasureID] = e.Status
		}
	}
	if status["acme"][security.MeasureAdminAccess] != security.StatusPartial || status["acme"][security.MeasureCardTesting] != security.StatusNotApplicable ||
		status["beta"][security.MeasureEMV3DS] != security.StatusNotInPlace || status["beta"][security.MeasureAdminAccess] != security.StatusUnassessed {
		t.Errorf("statuses %v", status)
	}
	// acme: 14 measures, 3 done (non-retention, card testing n/a, WAF), so 11 gaps;
	// beta: patching in place but overdue, so every measure is a gap.
	if a, b := byOrg["acme"], byOrg["beta"]; a.Gaps != 11 || a.OverdueReviews != 0 || a.LastDeclared != "2026-12-07" ||
		b.Gaps != 14 || b.OverdueReviews != 1 || b.LastDeclared != "" {
		t.Errorf("acme gaps %d overdue %d declared %q; beta gaps %d overdue %d declared %q", a.Gaps, a.OverdueReviews, a.LastDeclared, b.Gaps, b.OverdueReviews, b.LastDeclared)
	}
	out, err := w.svc.MerchantsCSV(ctx, op, "en")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 3 {
		t.Fatalf("CSV (%v):\n%s", err, out)
	}
	emv := -1
	for i, h := range recs[0] {
		if h == security.MeasureEMV3DS {
			emv = i
		}
	}
	for _, r := range recs[1:] {
		switch r[1] {
		case "acme":
			if r[emv] != "Not applicable" && r[emv] != "Unassessed" || r[4] != "2026-12-07" {
				t.Errorf("acme row %v", r)
			}
		case "beta":
			if r[emv] != "Not in place" || r[3] != "1" {
				t.Errorf("beta row %v", r)
			}
		default:
			t.Errorf("unexpected row %v", r)
		}
	}
	for _, p := range []*auth.Principal{w.owner, w.other} {
		if _, err := w.svc.Merchants(ctx, p); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("%s read the operator's table: %v", p.User.Email, err)
		}
		if _, err := w.svc.MerchantsCSV(ctx, p, "en"); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("%s exported the operator's table: %v", p.User.Email, err)
		}
	}
}
