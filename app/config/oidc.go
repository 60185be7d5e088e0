package config

import (
	"net"
	"net/url"
	"regexp"
	"strings"
)

// OIDC configures single sign-on through an OpenID Connect provider (the
// company's identity provider). Issuer empty: no single sign-on.
type OIDC struct {
	Issuer       string // BREACHDESK_OIDC_ISSUER: discovery starts at Issuer/.well-known/openid-configuration
	ClientID     string // BREACHDESK_OIDC_CLIENT_ID
	ClientSecret string // BREACHDESK_OIDC_CLIENT_SECRET: empty for a public client (PKCE only)
	RedirectURL  string // BREACHDESK_OIDC_REDIRECT_URL: …/login/oidc/callback, as registered at the provider
	Name         string // BREACHDESK_OIDC_NAME: the login button says "Sign in with Name"
	// RoleClaim names the ID token claim (a string or a list of strings)
	// whose values "breachdesk:<org-slug>:<role>" give memberships
	// (BREACHDESK_OIDC_ROLE_CLAIM, e.g. groups). Empty: memberships come
	// from invitations only.
	RoleClaim string
}

// Enabled reports whether single sign-on is configured.
func (o OIDC) Enabled() bool { return o.Issuer != "" }

var claimName = regexp.MustCompile(`^[A-Za-z0-9_.:/-]{1,100}$`)

// oidc reads and checks the BREACHDESK_OIDC_* variables. Each of the
// four needed ones is named when missing, so a half-done setup stops the
// process at start rather than at the first login.
func (p *parser) oidc() OIDC {
	o := OIDC{
		Issuer:       p.str("BREACHDESK_OIDC_ISSUER", ""),
		ClientID:     p.str("BREACHDESK_OIDC_CLIENT_ID", ""),
		ClientSecret: p.str("BREACHDESK_OIDC_CLIENT_SECRET", ""),
		RedirectURL:  p.str("BREACHDESK_OIDC_REDIRECT_URL", ""),
		Name:         p.str("BREACHDESK_OIDC_NAME", "SSO"),
		RoleClaim:    p.str("BREACHDESK_OIDC_ROLE_CLAIM", ""),
	}
	if o.Issuer == "" {
		for _, name := range []string{"BREACHDESK_OIDC_CLIENT_ID", "BREACHDESK_OIDC_CLIENT_SECRET", "BREACHDESK_OIDC_REDIRECT_URL", "BREACHDESK_OIDC_ROLE_CLAIM"} {
			if p.str(name, "") != "" {
				p.fail("BREACHDESK_OIDC_ISSUER", "required with %s", name)
				break
			}
		}
		return o
	}
	if !secureURL(o.Issuer) {
		p.fail("BREACHDESK_OIDC_ISSUER", "want an https:// URL (http:// only on localhost)")
	}
	if o.ClientID == "" {
		p.fail("BREACHDESK_OIDC_CLIENT_ID", "required with BREACHDESK_OIDC_ISSUER")
	}
	if o.RedirectURL == "" {
		p.fail("BREACHDESK_OIDC_REDIRECT_URL", "required with BREACHDESK_OIDC_ISSUER: the public address of /login/oidc/callback")
	} else if u, err := url.Parse(o.RedirectURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "/login/oidc/callback" {
		p.fail("BREACHDESK_OIDC_REDIRECT_URL", "want an absolute URL ending in /login/oidc/callback")
	}
	if len([]rune(o.Name)) > 50 {
		p.fail("BREACHDESK_OIDC_NAME", "at most 50 characters (it is a button label)")
	}
	if o.RoleClaim != "" && !claimName.MatchString(o.RoleClaim) {
		p.fail("BREACHDESK_OIDC_ROLE_CLAIM", "want a claim name such as groups")
	}
	return o
}

// secureURL accepts https, and http on a loopback host (a provider run
// beside the app in development).
func secureURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	if u.Scheme == "https" {
		return true
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return u.Scheme == "http" && (strings.EqualFold(host, "localhost") || (ip != nil && ip.IsLoopback()))
}
