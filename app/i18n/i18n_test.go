package i18n_test

import (
	"testing"

	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/frontend"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	t.Parallel()
	c, err := i18n.Load(frontend.Messages, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	if missing := c.MissingKeys(); len(missing) > 0 {
		t.Fatalf("keys missing in one language: %v", missing)
	}
	if c.T("ja", "nav.dashboard") == c.T("en", "nav.dashboard") {
		t.Fatal("ja and en should differ")
	}
}

func TestAcceptLanguage(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"":                          "",
		"en-US,en;q=0.9":            "en",
		"ja,en-US;q=0.9,en;q=0.8":   "ja",
		"fr-FR, en;q=0.5, ja;q=0.7": "ja",
		"de":                        "",
		"en;q=0.1, ja-JP;q=0.2":     "ja",
		"EN":                        "en",
	}
	for h, want := range cases {
		if got := i18n.FromAcceptLanguage(h); got != want {
			t.Errorf("%q: got %q want %q", h, got, want)
		}
	}
}
