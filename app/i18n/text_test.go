package i18n_test

import (
	"testing"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// One fallback rule for every bilingual text: the reader's language, else
// the other one rather than a blank.
func TestTextIn(t *testing.T) {
	t.Parallel()
	both := i18n.Text{JA: "速報", EN: "Preliminary report"}
	for _, tc := range []struct {
		text       i18n.Text
		lang, want string
	}{
		{both, "ja", "速報"},
		{both, "en", "Preliminary report"},
		{both, "", "速報"},
		{both, "fr", "速報"},
		{i18n.Text{JA: "速報"}, "en", "速報"},
		{i18n.Text{EN: "Preliminary report"}, "ja", "Preliminary report"},
		{i18n.Text{}, "en", ""},
	} {
		if got := tc.text.In(tc.lang); got != tc.want {
			t.Errorf("%+v.In(%q) = %q, want %q", tc.text, tc.lang, got, tc.want)
		}
	}
}
