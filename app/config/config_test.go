package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/audit/auditkey"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || !c.CookieSecure || c.Throttle.MaxPerAccount != 5 || c.SessionTTL.Hours() != 12 {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	cases := map[string]map[string]string{
		"BREACHDESK_ADDR":          {"BREACHDESK_ADDR": "8080"},
		"BREACHDESK_DATABASE_URL":  {"BREACHDESK_DATABASE_URL": "mysql://x"},
		"BREACHDESK_COOKIE_SECURE": {"BREACHDESK_COOKIE_SECURE": "maybe"},
		"BREACHDESK_SESSION_TTL":   {"BREACHDESK_SESSION_TTL": "forever"},
		"BREACHDESK_SECRET_KEY":    {"BREACHDESK_SECRET_KEY": "short"},
		"BREACHDESK_LOG_LEVEL":     {"BREACHDESK_LOG_LEVEL": "loud"},
		"BREACHDESK_SMTP_URL":      {"BREACHDESK_SMTP_URL": "http://x"},
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

// The audit checkpoint settings go together, and a key that is missing or
// not Ed25519 stops the process at start, naming the variable.
func TestAuditAnchor(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "audit.key")
	k, err := auditkey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	pem, _ := auditkey.MarshalPrivate(k)
	if err := os.WriteFile(keyFile, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	notKey := filepath.Join(dir, "not.key")
	os.WriteFile(notKey, []byte("hello"), 0o600)
	cpDir := filepath.Join(dir, "checkpoints") // need not exist yet

	c, err := Load(env(nil))
	if err != nil || c.Audit.Enabled() || c.Audit.Every != 10*time.Minute {
		t.Fatalf("default: off, every 10m; got %+v %v", c.Audit, err)
	}
	c, err = Load(env(map[string]string{"BREACHDESK_AUDIT_KEY_FILE": keyFile, "BREACHDESK_AUDIT_CHECKPOINT_DIR": cpDir, "BREACHDESK_AUDIT_CHECKPOINT_EVERY": "1h"}))
	if err != nil || !c.Audit.Enabled() || !c.Audit.Key.Equal(k) || c.Audit.CheckpointDir != cpDir || c.Audit.Every != time.Hour {
		t.Fatalf("configured: %+v %v", c.Audit, err)
	}
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"BREACHDESK_AUDIT_CHECKPOINT_DIR": cpDir}, "BREACHDESK_AUDIT_KEY_FILE: required"},
		{map[string]string{"BREACHDESK_AUDIT_KEY_FILE": keyFile}, "BREACHDESK_AUDIT_CHECKPOINT_DIR: required"},
		{map[string]string{"BREACHDESK_AUDIT_KEY_FILE": filepath.Join(dir, "missing"), "BREACHDESK_AUDIT_CHECKPOINT_DIR": cpDir}, "BREACHDESK_AUDIT_KEY_FILE: open"},
		{map[string]string{"BREACHDESK_AUDIT_KEY_FILE": notKey, "BREACHDESK_AUDIT_CHECKPOINT_DIR": cpDir}, "BREACHDESK_AUDIT_KEY_FILE: " + notKey + ": no PEM block"},
		{map[string]string{"BREACHDESK_AUDIT_KEY_FILE": keyFile, "BREACHDESK_AUDIT_CHECKPOINT_DIR": keyFile}, "is not a directory"},
		{map[string]string{"BREACHDESK_AUDIT_CHECKPOINT_EVERY": "10s"}, "BREACHDESK_AUDIT_CHECKPOINT_EVERY: must be at least 1m"},
	}
	for _, tc := range cases {
		if _, err := Load(env(tc.env)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want %q", tc.env, err, tc.want)
		}
	}
}
