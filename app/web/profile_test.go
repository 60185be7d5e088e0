package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
)

// A new organisation's owner is asked for its details on the first visit
// to the dashboard; a wrong corporate number (check digit) is refused next
// to the field in Japanese; once saved, a manager reads them, may not
// change them, and the PPC preliminary report prints them with the leak
// period.
func TestOrganisationProfileReachesTheReport(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	owner := h.newOrganisationUser("owner@new.example", "new-shop", auth.RoleOwner)
	h.newOrganisationUser("manager@new.example", "new-shop", auth.RoleManager)
	c := h.client()
	c.login("owner@new.example")
	c.post("/settings/language", url.Values{"language": {"ja"}})
	r := c.do("GET", "/", nil)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/organisation?welcome=1" {
		t.Fatalf("a new organisation's dashboard: %d %s, want the profile first", r.StatusCode, r.Header.Get("Location"))
	}
	if page := body(t, c.do("GET", "/organisation?welcome=1", nil)); !strings.Contains(page, "はじめに事業者情報を入力してください") {
		t.Fatal("the profile page does not say why it came first")
	}
	form := url.Values{"name": {"ニューショップ"}, "legal_name": {"株式会社ニューショップ"}, "corporate_number": {"1180301018772"},
		"address": {"東京都港区芝公園4-2-8"}, "representative": {"代表取締役 佐藤 一郎"}, "contact_desk": {"お客様窓口"},
		"contact_phone": {"0120-123-456"}, "contact_hours": {"平日9:00〜18:00"}, "contact_email": {"desk@new.example"},
		"contact_url": {"https://new.example/inquiry"}, "acquirer_name": {"テストカード株式会社"}, "psp_name": {"テスト決済株式会社"},
		"timezone": {"Asia/Tokyo"}, "card_brands": {"visa", "jcb"}}
	r = c.post("/organisation", form)
	if page := body(t, r); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="pf-corporate_number-error">13桁の法人番号ではありません`) {
		t.Fatalf("a corporate number with a wrong check digit: %d, want 422 with the error next to the field", r.StatusCode)
	}
	form.Set("corporate_number", "1180301018771")
	if r = c.post("/organisation", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the profile: %d %s", r.StatusCode, body(t, r))
	}
	if r = c.do("GET", "/", nil); r.StatusCode != http.StatusOK {
		t.Fatalf("dashboard once the profile is in: %d", r.StatusCode)
	}
	manager := h.client()
	manager.login("manager@new.example")
	if page := body(t, manager.do("GET", "/organisation", nil)); !strings.Contains(page, "株式会社ニューショップ") || strings.Contains(page, `name="legal_name"`) {
		t.Fatal("a manager should read the profile without a form")
	}
	if r := manager.post("/organisation", form); r.StatusCode != http.StatusForbidden {
		t.Fatalf("a manager changing the profile: %d, want 403", r.StatusCode)
	}
	if code, m := c.sessionJSON("GET", "/api/v1/organisation/profile", ""); code != 200 || m["corporate_number"] != "1180301018771" || fmt.Sprint(m["card_brands"]) != "[visa jcb]" {
		t.Fatalf("profile over the API: %d %v", code, m)
	}
	if code, m := c.sessionJSON("PUT", "/api/v1/organisation/profile", `{"name":"x"}`); code != http.StatusUnprocessableEntity || !strings.Contains(fieldsOf(m), "legal_name") {
		t.Fatalf("PUT without the legal name: %d %v", code, m)
	}

	r = c.post("/cases", url.Values{"title": {"決済画面の改ざん"}, "aware_at": {"2026-11-20T10:00"}, "incident_type": {"card_skimming"},
		"playbook": {"jp-card-leak"}, "severity": {"high"}, "occurred_from": {"2026-10-01T09:12"}, "occurred_to": {"2026-11-19T18:40"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("open the case: %d %s", r.StatusCode, body(t, r))
	}
	var caseID int64
	fmt.Sscanf(r.Header.Get("Location"), "/cases/%d", &caseID)
	ctx := context.Background()
	p := h.principalIn(owner, "new-shop", auth.RoleOwner)
	d, err := h.drafts.Generate(ctx, p, caseID, "ppc_preliminary", "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.InTx(ctx, func(tx *store.Tx) error { return h.drafts.RenderInTx(ctx, tx, d.ID) }); err != nil {
		t.Fatal(err)
	}
	out, err := h.drafts.PDF(ctx, p, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(apptest.PDFText(t, out.PDF)), "")
	for _, want := range []string{"株式会社ニューショップ", "1180301018771", "東京都港区芝公園4-2-8", "代表取締役佐藤一郎",
		"お客様窓口", "0120-123-456", "desk@new.example", "2026年10月1日"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
