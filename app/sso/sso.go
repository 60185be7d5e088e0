// Package sso is BreachDesk's OpenID Connect relying party: single sign-on
// through the company's identity provider. It runs the authorization code
// flow with PKCE (S256), checks state and nonce against a sealed
// short-lived cookie held by the browser that started the login, verifies
// the ID token (signature, issuer, audience, expiry on the app's clock)
// and hands the verified person to auth.Service.LoginSSO.
package sso

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/config"
)

// FlowTTL is how long a started login may take at the provider.
const FlowTTL = 10 * time.Minute

// Options configure a Service.
type Options struct {
	Config config.OIDC
	// Key seals the flow cookie (the application's secret key).
	Key   []byte
	Clock clock.Clock
	// HTTPClient talks to the provider (discovery, keys, token endpoint);
	// nil means a client with a 10 s timeout.
	HTTPClient *http.Client
	Auth       *auth.Service
}

// Service is the relying party.
type Service struct {
	opt Options
	box *auth.SecretBox

	mu       sync.Mutex
	provider *oidc.Provider // discovered on first use, kept once found
}

// New checks the options. Discovery waits for the first login, so a
// provider that is down at start does not keep BreachDesk from starting.
func New(opt Options) (*Service, error) {
	if !opt.Config.Enabled() || opt.Config.ClientID == "" || opt.Config.RedirectURL == "" {
		return nil, errors.New("sso: issuer, client id and redirect URL are required")
	}
	if len(opt.Key) < 32 || opt.Clock == nil || opt.Auth == nil {
		return nil, errors.New("sso: a 32-byte key, a clock and the auth service are required")
	}
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	// A key of its own, derived from the secret key: the cookie's key
	// opens nothing else.
	box, err := auth.NewDerivedSecretBox(opt.Key, "breachdesk oidc flow cookie")
	if err != nil {
		return nil, err
	}
	return &Service{opt: opt, box: box}, nil
}

// Name is the provider's name for the login button.
func (s *Service) Name() string { return s.opt.Config.Name }

// ctx carries the HTTP client to go-oidc and oauth2.
func (s *Service) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, s.opt.HTTPClient)
}

// discover reads the provider's metadata once; a failure is retried at
// the next login.
func (s *Service) discover(ctx context.Context) (*oidc.Provider, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.provider != nil {
		return s.provider, nil
	}
	// The key set fetched later keeps this context: not the request's,
	// which ends with the request.
	bg := s.ctx(context.WithoutCancel(ctx))
	p, err := oidc.NewProvider(bg, s.opt.Config.Issuer)
	if err != nil {
		return nil, fmt.Errorf("sso: discovery at %s: %w", s.opt.Config.Issuer, err)
	}
	s.provider = p
	return p, nil
}

func (s *Service) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: s.opt.Config.ClientID, ClientSecret: s.opt.Config.ClientSecret, RedirectURL: s.opt.Config.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

// flow is what the browser keeps between the start and the callback,
// sealed so it can neither read the verifier nor change anything.
type flow struct {
	State    string    `json:"s"`
	Nonce    string    `json:"n"`
	Verifier string    `json:"v"`
	Expires  time.Time `json:"e"`
}

// Begin starts a login: the provider's authorization URL to send the
// browser to, and the sealed cookie value to set on it.
func (s *Service) Begin(ctx context.Context) (authURL, cookie string, err error) {
	p, err := s.discover(ctx)
	if err != nil {
		return "", "", unavailable(err)
	}
	f := flow{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), Expires: s.opt.Clock.Now().Add(FlowTTL)}
	cookie, err = s.seal(f)
	if err != nil {
		return "", "", err
	}
	return s.oauth(p).AuthCodeURL(f.State, oauth2.S256ChallengeOption(f.Verifier), oidc.Nonce(f.Nonce)), cookie, nil
}

// Callback finishes a login from the provider's redirect: cookie is the
// flow cookie, state and code the query's. It returns the new session's
// token; a refusal is audited and answers apperr.ErrForbidden with a
// "sso.*" code saying why, and creates no session.
func (s *Service) Callback(ctx context.Context, cookie, state, code, providerError, ip, userAgent string) (string, error) {
	refuse := func(email, reason string, cause error) error {
		detail := ""
		if cause != nil {
			detail = cause.Error()
		}
		return s.opt.Auth.RecordSSORefusal(ctx, email, ip, reason, detail)
	}
	// Refusals before the code is exchanged are not audited: anyone can
	// call the callback, and each audit row waits on the chain's one lock.
	f, err := s.open(cookie)
	if err != nil {
		return "", apperr.Forbidden("sso.flow_missing")
	}
	if !s.opt.Clock.Now().Before(f.Expires) {
		return "", apperr.Forbidden("sso.flow_missing")
	}
	if subtle.ConstantTimeCompare([]byte(state), []byte(f.State)) != 1 {
		return "", apperr.Forbidden("sso.state_mismatch")
	}
	if providerError != "" || code == "" || len(code) > 2048 {
		return "", apperr.Forbidden("sso.provider_error")
	}
	p, err := s.discover(ctx)
	if err != nil {
		return "", unavailable(err)
	}
	tok, err := s.oauth(p).Exchange(s.ctx(ctx), code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return "", refuse("", "sso.provider_error", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", refuse("", "sso.token_invalid", errors.New("no id_token in the token response"))
	}
	v := p.Verifier(&oidc.Config{ClientID: s.opt.Config.ClientID, Now: s.opt.Clock.Now})
	idt, err := v.Verify(s.ctx(ctx), raw)
	if err != nil {
		return "", refuse("", "sso.token_invalid", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return "", refuse("", "sso.nonce_mismatch", nil)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return "", refuse("", "sso.token_invalid", err)
	}
	email, _ := claims["email"].(string)
	if verified, _ := claims["email_verified"].(bool); !verified || email == "" {
		return "", refuse(email, "sso.email_unverified", nil)
	}
	name, _ := claims["name"].(string)
	id := auth.ExternalIdentity{Issuer: idt.Issuer, Subject: idt.Subject, Email: email, Name: name, Grants: Grants(claims[s.opt.Config.RoleClaim])}
	if s.opt.Config.RoleClaim == "" {
		id.Grants = nil
	}
	res, err := s.opt.Auth.LoginSSO(ctx, id, ip, userAgent)
	if err != nil {
		return "", err
	}
	return res.SessionToken, nil
}

// GrantPrefix starts the role claim's values that BreachDesk reads;
// others (the company's other groups) are ignored.
const GrantPrefix = "breachdesk:"

// Grants reads the role claim's value (a string or a list of strings):
// each "breachdesk:<org-slug>:<role>" is a membership. At most 100 values
// are read.
func Grants(v any) []auth.Grant {
	var values []string
	switch t := v.(type) {
	case string:
		values = []string{t}
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				values = append(values, s)
			}
		}
	}
	var out []auth.Grant
	for i, raw := range values {
		if i == 100 {
			break
		}
		rest, ok := strings.CutPrefix(raw, GrantPrefix)
		if !ok {
			continue
		}
		slug, role, ok := strings.Cut(rest, ":")
		if !ok || slug == "" || !auth.Role(role).Valid() {
			continue
		}
		out = append(out, auth.Grant{OrgSlug: slug, Role: auth.Role(role)})
	}
	return out
}

func unavailable(err error) error {
	return &apperr.Error{Kind: apperr.ErrBusy, Code: "sso.unavailable", Details: map[string]any{"cause": err.Error()}}
}

func (s *Service) seal(f flow) (string, error) {
	plain, err := json.Marshal(f)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(s.box.Seal(plain)), nil
}

func (s *Service) open(cookie string) (flow, error) {
	var f flow
	if cookie == "" {
		return f, errors.New("no flow cookie")
	}
	if len(cookie) > 1024 {
		return f, errors.New("flow cookie too long")
	}
	b, err := base64.RawURLEncoding.DecodeString(cookie)
	if err != nil {
		return f, errors.New("flow cookie malformed")
	}
	plain, err := s.box.Open(b)
	if err != nil {
		return f, errors.New("flow cookie not ours")
	}
	return f, json.Unmarshal(plain, &f)
}

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
