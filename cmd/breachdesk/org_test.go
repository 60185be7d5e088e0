package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

// orgCLI is a database with the organisation my-shop (made by `user
// create`, as an operator makes one) and the environment to run the
// command against it.
func orgCLI(t *testing.T) (*store.Store, []string) {
	t.Helper()
	st, dbURL := storetest.NewWithURL(t, clocktest.Real())
	env := []string{"BREACHDESK_DATABASE_URL=" + dbURL, "BREACHDESK_SECRET_KEY=" + strings.Repeat("ab", 32)}
	r := runCLI(t, env, "a long passphrase\n", "user", "create", "--email", "me@shop.example", "--name", "Me", "--org", "my-shop", "--role", "owner")
	if r.code != 0 {
		t.Fatalf("user create: %d %s", r.code, r.stderr)
	}
	return st, env
}

// showProfile runs `org profile show --json` and decodes it.
func showProfile(t *testing.T, env []string, slug string) auth.Profile {
	t.Helper()
	r := runCLI(t, env, "", "org", "profile", "show", "--org", slug, "--json")
	if r.code != 0 {
		t.Fatalf("org profile show --json: %d %s", r.code, r.stderr)
	}
	var p auth.Profile
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("show --json is not a profile: %v\n%s", err, r.stdout)
	}
	return p
}

// profileAudits counts the audit rows of profile changes by the CLI.
func profileAudits(t *testing.T, st *store.Store) int64 {
	t.Helper()
	var n int64
	if err := st.DB.Raw(`SELECT count(*) FROM audit_log WHERE action = 'organisation.profile' AND actor = 'cli'`).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// A profile set from a file (with a flag overriding one field) is checked
// and normalised as the API does, shown back the same in JSON and in
// lines, and audited; a later flag changes its field alone.
func TestOrgProfileSetAndShow(t *testing.T) {
	t.Parallel()
	st, env := orgCLI(t)
	file := filepath.Join(t.TempDir(), "profile.json")
	in := `{"name": "Shop", "legal_name": "株式会社ショップ", "corporate_number": "9234-5678-90123",
		"address": "東京都千代田区丸の内1-1-1", "representative": "代表取締役 山田 太郎",
		"contact_desk": "お客様相談窓口", "contact_phone": "0120-000-000", "contact_hours": "平日10:00〜17:00",
		"contact_email": "support@shop.example", "contact_url": "https://shop.example/contact",
		"acquirer_name": "カード株式会社", "psp_name": "ペイ株式会社", "card_brands": ["VISA", "jcb", "visa"], "timezone": ""}`
	if err := os.WriteFile(file, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, env, "", "org", "profile", "set", "--org", "my-shop", "--file", file, "--psp-name", "別のペイ株式会社")
	if r.code != 0 || !strings.Contains(r.stdout, "profile of my-shop saved") {
		t.Fatalf("org profile set: %d %q %s", r.code, r.stdout, r.stderr)
	}
	want := auth.Profile{Name: "Shop", LegalName: "株式会社ショップ", CorporateNumber: "9234567890123",
		Address: "東京都千代田区丸の内1-1-1", Representative: "代表取締役 山田 太郎",
		ContactDesk: "お客様相談窓口", ContactPhone: "0120-000-000", ContactHours: "平日10:00〜17:00",
		ContactEmail: "support@shop.example", ContactURL: "https://shop.example/contact",
		AcquirerName: "カード株式会社", PSPName: "別のペイ株式会社", CardBrands: []string{"visa", "jcb"}, Timezone: "Asia/Tokyo"}
	if got := showProfile(t, env, "my-shop"); !reflect.DeepEqual(got, want) {
		t.Fatalf("shown back:\n got %+v\nwant %+v", got, want)
	}
	if n := profileAudits(t, st); n != 1 {
		t.Errorf("%d audit rows of the change by the cli, want 1", n)
	}

	r = runCLI(t, env, "", "org", "profile", "show", "--org", "my-shop")
	for _, line := range []string{"legal_name        株式会社ショップ", "corporate_number  9234567890123", "card_brands       visa, jcb"} {
		if r.code != 0 || !strings.Contains(r.stdout, line+"\n") {
			t.Errorf("org profile show: no line %q in\n%s%s", line, r.stdout, r.stderr)
		}
	}

	// Without --file, the flags given change their fields and keep the rest.
	r = runCLI(t, env, "", "org", "profile", "set", "--org", "my-shop", "--contact-phone", "03-0000-0000", "--card-brands", "amex")
	if r.code != 0 {
		t.Fatalf("org profile set with flags: %d %s", r.code, r.stderr)
	}
	want.ContactPhone, want.CardBrands = "03-0000-0000", []string{"amex"}
	if got := showProfile(t, env, "my-shop"); !reflect.DeepEqual(got, want) {
		t.Fatalf("after setting two flags:\n got %+v\nwant %+v", got, want)
	}
	if n := profileAudits(t, st); n != 2 {
		t.Errorf("%d audit rows of changes by the cli, want 2", n)
	}
}

// A wrong check digit (and a second bad field) is named one field a line
// with the catalogue's message, the exit status is not 0, and nothing is
// saved or audited.
func TestOrgProfileSetRefusesABadCorporateNumber(t *testing.T) {
	t.Parallel()
	st, env := orgCLI(t)
	r := runCLI(t, env, "", "org", "profile", "set", "--org", "my-shop", "--legal-name", "株式会社ショップ", "--corporate-number", "9234567890123")
	if r.code != 0 {
		t.Fatalf("org profile set: %d %s", r.code, r.stderr)
	}
	before := showProfile(t, env, "my-shop")
	audits := profileAudits(t, st)

	// 9 is the check digit of 234567890123: 1 is wrong.
	r = runCLI(t, env, "", "org", "profile", "set", "--org", "my-shop", "--corporate-number", "1234567890123",
		"--contact-url", "http://shop.example/contact", "--address", "東京都港区1-1")
	if r.code == 0 {
		t.Fatalf("a wrong check digit was accepted: %s", r.stdout)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	want := []string{"corporate_number: is not a 13-digit corporate number (its check digit, the first digit, does not match)", "contact_url: "}
	if len(lines) != 1+len(want) {
		t.Fatalf("want a heading and one line per bad field, got:\n%s", r.stderr)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[1+i], w) {
			t.Errorf("line %d: %q, want it to start with %q", 1+i, lines[1+i], w)
		}
	}
	if after := showProfile(t, env, "my-shop"); !reflect.DeepEqual(after, before) {
		t.Errorf("the refused change was saved (in part):\nbefore %+v\n after %+v", before, after)
	}
	if n := profileAudits(t, st); n != audits {
		t.Errorf("%d audit rows after the refused change, want %d", n, audits)
	}
}

// An unknown slug is said as such by both verbs, and changes nothing.
func TestOrgProfileUnknownOrganisation(t *testing.T) {
	t.Parallel()
	_, env := orgCLI(t)
	for _, args := range [][]string{
		{"org", "profile", "show", "--org", "no-such-shop"},
		{"org", "profile", "set", "--org", "no-such-shop", "--name", "X"},
	} {
		r := runCLI(t, env, "", args...)
		if r.code != 1 || !strings.Contains(r.stderr, `organisation "no-such-shop": not found`) {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}

// The usage errors need no database: --help, a missing --org, no verb
// and a set with nothing to set.
func TestOrgProfileUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"org", "--help"}, {"org", "profile", "--help"}, {"org", "profile", "show", "--help"}, {"org", "profile", "set", "--help"}} {
		if r := runCLI(t, nil, "", args...); r.code != 0 || !strings.Contains(r.stdout+r.stderr, "Usage") {
			t.Errorf("%v: exit %d, output %q", args, r.code, r.stdout+r.stderr)
		}
	}
	if r := runCLI(t, nil, "", "org", "profile", "set", "--help"); !strings.Contains(r.stderr, "-corporate-number") {
		t.Errorf("set --help lists no field flags:\n%s", r.stderr)
	}
	for _, args := range [][]string{{"org"}, {"org", "profile"}, {"org", "profile", "frob"}, {"org", "profile", "show"}, {"org", "profile", "set", "--org", "my-shop"}} {
		if r := runCLI(t, nil, "", args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
}
