package auth_test

import (
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
)

// The corporate number's check digit (法人番号の指定等に関する省令 第2条),
// on published numbers and near misses.
func TestCorporateNumberValid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    string
		want bool
	}{
		{"7000012050002", true},  // 国税庁
		{"1180301018771", true},  // a listed company
		{"9234567890123", true},  // made up, with its check digit
		{"1234567890123", false}, // check digit 9 expected
		{"8000012050002", false},
		{"118030101877", false},   // 12 digits
		{"11803010187711", false}, // 14 digits
		{"11803010187a1", false},
		{"", false},
	} {
		if got := auth.CorporateNumberValid(tc.n); got != tc.want {
			t.Errorf("CorporateNumberValid(%q) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

// The contact line prints what is given, in the document's language.
func TestOrganisationContact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		org    auth.Organisation
		ja, en string
	}{
		{auth.Organisation{ContactDesk: "お客様窓口", ContactPhone: "0120-000-000", ContactHours: "平日10:00〜17:00", ContactEmail: "d@example.jp"},
			"お客様窓口　電話 0120-000-000（受付時間 平日10:00〜17:00）　メール d@example.jp", "お客様窓口; Phone 0120-000-000 (平日10:00〜17:00); E-mail d@example.jp"},
		{auth.Organisation{ContactURL: "https://example.jp/form"}, "ウェブフォーム https://example.jp/form", "Web form https://example.jp/form"},
		{auth.Organisation{}, "", ""},
	} {
		got := tc.org.Contact()
		if got.JA != tc.ja || got.EN != tc.en {
			t.Errorf("Contact() = %q / %q, want %q / %q", got.JA, got.EN, tc.ja, tc.en)
		}
	}
}
