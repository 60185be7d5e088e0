package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || !c.CookieSecure || c.Throttle.MaxPerAccount != 5 || c.SessionTTL.Hours() != 12 || c.MaxActiveRequests < 2 {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	cases := map[string]map[string]string{
		"BREACHDESK_ADDR":                {"BREACHDESK_ADDR": "8080"},
		"BREACHDESK_DATABASE_URL":        {"BREACHDESK_DATABASE_URL": "mysql://x"},
		"BREACHDESK_COOKIE_SECURE":       {"BREACHDESK_COOKIE_SECURE": "maybe"},
		"BREACHDESK_SESSION_TTL":         {"BREACHDESK_SESSION_TTL": "forever"},
		"BREACHDESK_SECRET_KEY":          {"BREACHDESK_SECRET_KEY": "short"},
		"BREACHDESK_LOG_LEVEL":           {"BREACHDESK_LOG_LEVEL": "loud"},
		"BREACHDESK_SMTP_URL":            {"BREACHDESK_SMTP_URL": "http://x"},
		"BREACHDESK_MAX_ACTIVE_REQUESTS": {"BREACHDESK_MAX_ACTIVE_REQUESTS": "0"},
	}
	for name, m := range cases {
		if _, err := Load(env(m)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if _, err := Load(env(map[string]string{"BREACHDESK_ENV": "production"})); err == nil || !strings.Contains(err.Error(), "BREACHDESK_SECRET_KEY") {
		t.Errorf("production without key: %v", err)
	}
}

func TestDevSecretKeyIsKept(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c, _ := Load(env(map[string]string{"BREACHDESK_DATA_DIR": dir}))
	if err := c.EnsureSecretKey(); err != nil || len(c.SecretKey) != 32 {
		t.Fatal(err)
	}
	c2, _ := Load(env(map[string]string{"BREACHDESK_DATA_DIR": dir}))
	if err := c2.EnsureSecretKey(); err != nil || string(c2.SecretKey) != string(c.SecretKey) {
		t.Fatal("key not reused")
	}
}
