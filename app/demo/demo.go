// Package demo seeds a demonstration organisation with one user per role,
// so a first-time user can log in and look around at once.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"strings"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
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

// Seed creates the demo organisation and its users with fresh random
// passwords, which it returns (they are not stored anywhere in clear).
func Seed(ctx context.Context, st *store.Store, a *auth.Service) ([]Login, error) {
	var logins []Login
	for _, p := range people {
		pw := password()
		if _, err := a.CreateUser(ctx, auth.NewUser{Email: p.email, Name: p.name, Password: pw, OrgSlug: OrgSlug, OrgName: "株式会社デモショップ", Role: p.role}); err != nil {
			return nil, fmt.Errorf("demo user %s: %w", p.email, err)
		}
		logins = append(logins, Login{Email: p.email, Password: pw, Role: p.role})
	}
	err := st.DB.WithContext(ctx).Exec(`UPDATE organisations SET legal_name = ?, corporate_number = ?, address = ?, representative = ?,
		contact_desk = ?, acquirer_name = ?, psp_name = ?, card_brands = ? WHERE slug = ?`,
		"株式会社デモショップ", "1234567890123", "東京都千代田区丸の内1-1-1", "代表取締役 山田 太郎",
		"お客様相談窓口 0120-000-000（平日10:00〜17:00）", "デモカード株式会社", "デモペイメント株式会社",
		"{visa,mastercard,jcb,amex}", OrgSlug).Error
	return logins, err
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
