// Package demo seeds a demonstration organisation with one user per role
// and a realistic card-skimming case (assessment, tasks under way, a
// timeline entry, a sample of affected persons), so a first-time user can
// log in and look around at once.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// OrgSlug is the demo organisation's identifier.
const OrgSlug = "demo-shop"

// Login is one seeded account.
type Login struct {
	Email    string
	Password string
	Role     auth.Role
}

var people = []struct {
	email, name string
	role        auth.Role
}{
	{"owner@demo.example", "山田 太郎 (Owner)", auth.RoleOwner},
	{"manager@demo.example", "佐藤 花子 (Incident manager)", auth.RoleManager},
	{"legal@demo.example", "鈴木 一郎 (Legal)", auth.RoleLegal},
	{"responder@demo.example", "高橋 健 (Responder)", auth.RoleResponder},
	{"viewer@demo.example", "田中 美咲 (Viewer)", auth.RoleViewer},
}

// Services are what Seed needs to open the demo case.
type Services struct {
	Clock      clock.Clock
	Store      *store.Store
	Auth       *auth.Service
	Cases      *cases.Service
	Assessment *assessment.Service
}

// Seed creates the demo organisation and its users with fresh random
// passwords, which it returns (they are not stored anywhere in clear),
// and, the first time, a realistic card-skimming case.
func Seed(ctx context.Context, sv Services) ([]Login, error) {
	a := sv.Auth
	var logins []Login
	for _, p := range people {
		pw := password()
		if _, err := a.CreateUser(ctx, auth.NewUser{Email: p.email, Name: p.name, Password: pw, OrgSlug: OrgSlug, OrgName: "株式会社デモショップ", Role: p.role}); err != nil {
			return nil, fmt.Errorf("demo user %s: %w", p.email, err)
		}
		logins = append(logins, Login{Email: p.email, Password: pw, Role: p.role})
	}
	org, err := a.OrganisationBySlug(ctx, OrgSlug)
	if err != nil {
		return nil, err
	}
	owner, err := a.UserByEmail(ctx, people[0].email)
	if err != nil {
		return nil, err
	}
	p := &auth.Principal{User: owner, Organisation: org, Role: auth.RoleOwner}
	if _, err := a.UpdateProfile(audit.WithActor(ctx, p.Actor("127.0.0.1")), p, auth.Profile{Name: "デモショップ", LegalName: "株式会社デモショップ",
		// A made-up number with a valid check digit.
		CorporateNumber: "9234567890123", Address: "東京都千代田区丸の内1-1-1", Representative: "代表取締役 山田 太郎",
		ContactDesk: "お客様相談窓口", ContactPhone: "0120-000-000", ContactHours: "平日10:00〜17:00", ContactEmail: "support@demo.example",
		AcquirerName: "デモカード株式会社", PSPName: "デモペイメント株式会社", CardBrands: []string{"visa", "mastercard", "jcb", "amex"}, Timezone: "Asia/Tokyo"}); err != nil {
		return nil, fmt.Errorf("demo profile: %w", err)
	}
	return logins, seedCase(ctx, sv)
}

// seedCase opens the demo case once: web skimming on the checkout page,
// reported by the PSP three days ago, with a first assessment.
func seedCase(ctx context.Context, sv Services) error {
	org, err := sv.Auth.OrganisationBySlug(ctx, OrgSlug)
	if err != nil {
		return err
	}
	var existing int64
	if err := sv.Store.DB.WithContext(ctx).Raw(`SELECT count(*) FROM cases WHERE organisation_id = ?`, org.ID).Scan(&existing).Error; err != nil || existing > 0 {
		return err
	}
	manager, err := sv.Auth.UserByEmail(ctx, "manager@demo.example")
	if err != nil {
		return err
	}
	p := auth.Principal{User: manager, Organisation: org, Role: auth.RoleManager}
	ctx = audit.WithActor(ctx, p.Actor("127.0.0.1"))
	now := sv.Clock.Now()
	aware := now.Add(-3 * 24 * time.Hour).Truncate(time.Hour)
	from, to := aware.Add(-62*24*time.Hour), aware.Add(-2*time.Hour)
	c, err := sv.Cases.Create(ctx, &p, cases.NewCase{
		Title:        "決済画面の改ざんによるクレジットカード情報漏えいの疑い",
		Summary:      "決済代行会社から、当社サイトがCPP（不正利用の共通購買地点）の可能性があるとの連絡を受けた。決済画面に不正なスクリプトが埋め込まれていた形跡がある。",
		AwareAt:      aware,
		OccurredFrom: &from, OccurredTo: &to,
		IncidentType: "card_skimming", Playbook: "jp-card-leak", Severity: "critical",
	})
	if err != nil {
		return err
	}
	facts := `{"data_items":["card_number","card_expiry","security_code","cardholder_name","email"],
		"persons_upper_bound":4800,"records_affected":5100,"residents":{"JP":4780,"US-CA":20},
		"sensitive":false,"unauthorized_purpose":true,"data_being_entered":true,"high_level_encryption":false,
		"entrusted_processor":false,"card_brands":["visa","mastercard","jcb"],"eu_risk":"none"}`
	f, err := assessment.ParseFacts([]byte(facts))
	if err != nil {
		return err
	}
	if _, _, err := sv.Assessment.Save(ctx, &p, c.Case.ID, f, "初回評価（PFI調査前）"); err != nil {
		return err
	}
	tasks, err := sv.Cases.Tasks(ctx, &p, c.Case.ID)
	if err != nil {
		return err
	}
	done := "done"
	for _, t := range tasks[:4] {
		if _, err := sv.Cases.UpdateTask(ctx, &p, t.ID, cases.TaskPatch{Status: &done}); err != nil {
			return err
		}
	}
	if _, err = timeline.AddManual(ctx, sv.Store, &p, c.Case.ID, aware.Add(-30*time.Minute), "決済代行会社からCPPの可能性について電話連絡を受領"); err != nil {
		return err
	}
	// A sample of the affected-person list, so that the person list and
	// letter batches have something to show; every seventh has no e-mail
	// (a letter goes by post instead).
	return sv.Store.DB.WithContext(ctx).Exec(`INSERT INTO people (organisation_id, case_id, customer_id, name, name_kana, email, postal_code, address, phone, card_brand, card_last4, created_at, updated_at)
		SELECT ?, ?, 'C' || lpad(i::text, 6, '0'), (ARRAY['佐藤','鈴木','高橋','田中','伊藤','渡辺','山本','中村'])[i % 8 + 1] || ' ' || (ARRAY['花子','太郎','美咲','健一','陽菜','翔太'])[i % 6 + 1],
			'', CASE WHEN i % 7 = 0 THEN '' ELSE 'customer' || i || '@example.jp' END,
			lpad((100 + i % 900)::text, 3, '0') || '-' || lpad((i * 37 % 10000)::text, 4, '0'), '東京都千代田区丸の内' || (i % 3 + 1) || '-' || (i % 9 + 1) || '-' || (i % 20 + 1),
			'03-' || lpad((i * 13 % 10000)::text, 4, '0') || '-' || lpad((i * 7 % 10000)::text, 4, '0'),
			(ARRAY['visa','mastercard','jcb'])[i % 3 + 1], lpad((i * 97 % 10000)::text, 4, '0'), ?, ?
		FROM generate_series(1, 60) AS i`, org.ID, c.Case.ID, now, now).Error
}

// IsEmpty reports whether the database has no users yet: the first start.
func IsEmpty(ctx context.Context, st *store.Store) (bool, error) {
	var n int64
	err := st.DB.WithContext(ctx).Raw(`SELECT count(*) FROM users`).Scan(&n).Error
	return n == 0, err
}

// Print writes the seeded logins for the console.
func Print(w io.Writer, baseURL string, logins []Login) {
	fmt.Fprintf(w, "\nDemo organisation %q created. Log in at %s/login with:\n", OrgSlug, strings.TrimRight(baseURL, "/"))
	for _, l := range logins {
		fmt.Fprintf(w, "  %-10s %-24s password: %s\n", l.Role, l.Email, l.Password)
	}
	fmt.Fprintln(w, "These passwords are shown only now; `breachdesk user create` resets one.")
}

func password() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	s := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return s[:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}
