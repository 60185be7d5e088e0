package config

import (
	"strings"
	"testing"
)

// TestOIDCConfig: a half-done single sign-on setup stops the start, each
// missing or wrong variable named; a complete one loads.
func TestOIDCConfig(t *testing.T) {
	t.Parallel()
	load := func(env map[string]string) (Config, error) { return Load(func(k string) string { return env[k] }) }
	c, err := load(map[string]string{"BREACHDESK_OIDC_ISSUER": "https://id.example.com", "BREACHDESK_OIDC_CLIENT_ID": "bd",
		"BREACHDESK_OIDC_REDIRECT_URL": "https://bd.example.com/login/oidc/callback", "BREACHDESK_OIDC_ROLE_CLAIM": "groups"})
	if err != nil || !c.OIDC.Enabled() || c.OIDC.Name != "SSO" || c.OIDC.RoleClaim != "groups" {
		t.Fatalf("complete setup: %+v %v", c.OIDC, err)
	}
	for _, tc := range []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"BREACHDESK_OIDC_CLIENT_ID": "bd"}, []string{"BREACHDESK_OIDC_ISSUER"}},
		{map[string]string{"BREACHDESK_OIDC_ISSUER": "http://id.example.com"}, []string{"BREACHDESK_OIDC_ISSUER", "BREACHDESK_OIDC_CLIENT_ID", "BREACHDESK_OIDC_REDIRECT_URL"}},
		{map[string]string{"BREACHDESK_OIDC_ISSUER": "http://127.0.0.1:5556", "BREACHDESK_OIDC_CLIENT_ID": "bd",
			"BREACHDESK_OIDC_REDIRECT_URL": "https://bd.example.com/callback", "BREACHDESK_OIDC_ROLE_CLAIM": "bad claim"}, []string{"BREACHDESK_OIDC_REDIRECT_URL", "BREACHDESK_OIDC_ROLE_CLAIM"}},
	} {
		_, err := load(tc.env)
		if err == nil {
			t.Fatalf("%v: accepted", tc.env)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: %v does not name %s", tc.env, err, w)
			}
		}
	}
}
