package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/storage"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/oauth2"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/config"
	"github.com/breachdesk/breachdesk/app/sso"
	"github.com/breachdesk/breachdesk/app/web"
)

// The identity provider of these tests is zitadel's OpenID Certified
// provider library (pkg/op) with its example storage, on 127.0.0.1. Its
// login step is automatic: the user the test names is signed in.

const (
	rpClientID    = "breachdesk"
	rpSecret      = "rp-secret"
	rpRedirect    = "http://breachdesk.test/login/oidc/callback"
	otherClientID = "other-app"
	otherRedirect = "http://other.test/cb"
)

// idpUsers is the provider's user directory.
type idpUsers struct{ users map[string]*storage.User }

func (u idpUsers) GetUserByID(id string) *storage.User { return u.users[id] }
func (u idpUsers) GetUserByUsername(name string) *storage.User {
	for _, x := range u.users {
		if x.Username == name {
			return x
		}
	}
	return nil
}
func (u idpUsers) ExampleClientID() string { return "service" }

// idpStorage is the example storage that also puts the user's groups and
// e-mail into the ID token, as company providers are set up to.
type idpStorage struct {
	*storage.Storage
	groups map[string][]string // by user id
}

type assertingClient struct{ op.Client }

func (assertingClient) IDTokenUserinfoClaimsAssertion() bool { return true }

func (s *idpStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return assertingClient{c}, nil
}

func (s *idpStorage) SetUserinfoFromRequest(ctx context.Context, ui *zoidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, ui, req, scopes); err != nil {
		return err
	}
	if g, ok := s.groups[req.GetSubject()]; ok {
		ui.AppendClaims("groups", g)
	}
	return nil
}

// ssoEnv is a BreachDesk server with single sign-on, its provider and a
// browser for the provider's side.
type ssoEnv struct {
	*harness
	idp     *httptest.Server
	storage *idpStorage
	browser *http.Client

	mu      sync.Mutex
	who     string                  // the username the provider signs in
	editIDT func(idt string) string // changes the ID token the RP receives
}

// idpUser is one account at the provider.
type idpUser struct {
	id, email string
	verified  bool
	groups    []string
}

func newSSOEnv(t *testing.T, users ...idpUser) *ssoEnv {
	t.Helper()
	h := newHarness(t)
	e := &ssoEnv{harness: h}
	dir := map[string]*storage.User{}
	groups := map[string][]string{}
	for _, u := range users {
		dir[u.id] = &storage.User{ID: u.id, Username: u.email, Password: "pw", FirstName: "Test", LastName: u.id, Email: u.email, EmailVerified: u.verified}
		if u.groups != nil {
			groups[u.id] = u.groups
		}
	}
	clients := map[string]*storage.Client{
		rpClientID:    storage.WebClient(rpClientID, rpSecret, rpRedirect),
		otherClientID: storage.WebClient(otherClientID, "other-secret", otherRedirect),
	}
	var handler http.Handler
	e.idp = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(e.idp.Close)
	e.storage = &idpStorage{Storage: storage.NewStorageWithClients(idpUsers{dir}, clients), groups: groups}
	provider, err := op.NewProvider(&op.Config{CryptoKey: [32]byte{1}, CodeMethodS256: true, AuthMethodPost: true},
		e.storage, op.StaticIssuer(e.idp.URL), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	callback := op.AuthCallbackURL(provider)
	mux := http.NewServeMux()
	mux.Handle("/login/username", op.NewIssuerInterceptor(provider.IssuerFromRequest).HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("authRequestID")
		e.mu.Lock()
		who := e.who
		e.mu.Unlock()
		if err := e.storage.CheckUsernamePassword(who, "pw", id); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, callback(r.Context(), id), http.StatusFound)
	}))
	mux.Handle("/", provider)
	handler = mux

	jar, _ := cookiejar.New(nil)
	e.browser = &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	// The relying party talks to the provider through a transport that
	// lets a test change the token endpoint's answer, and that sets the
	// app's clock to the token's issue time (the provider runs on the real
	// clock).
	rpHTTP := &http.Client{Timeout: 10 * time.Second, Transport: tokenTap{env: e}}
	cfg := config.OIDC{Issuer: e.idp.URL, ClientID: rpClientID, ClientSecret: rpSecret, RedirectURL: rpRedirect, Name: "Acme ID", RoleClaim: "groups"}
	rp, err := sso.New(sso.Options{Config: cfg, Key: bytes.Repeat([]byte{7}, 32), Clock: h.clk, HTTPClient: rpHTTP, Auth: h.auth})
	if err != nil {
		t.Fatal(err)
	}
	h.srv = e.serverWith(rp)
	return e
}

// serverWith is the harness's server with single sign-on.
func (e *ssoEnv) serverWith(rp *sso.Service) *web.Server {
	d := e.srv.SSODeps()
	d.SSO = rp
	srv, err := web.New(d)
	if err != nil {
		e.t.Fatal(err)
	}
	return srv
}

// tokenTap passes the relying party's requests to the provider and
// rewrites the token endpoint's ID token.
type tokenTap struct{ env *ssoEnv }

func (tt tokenTap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/oauth/token") || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, err
	}
	idt, _ := body["id_token"].(string)
	claims := payload(tt.env.t, idt)
	tt.env.clk.Set(time.Unix(int64(claims["iat"].(float64)), 0).Add(time.Second))
	tt.env.mu.Lock()
	edit := tt.env.editIDT
	tt.env.mu.Unlock()
	if edit != nil {
		body["id_token"] = edit(idt)
	}
	raw, _ = json.Marshal(body)
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	resp.ContentLength = int64(len(raw))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// payload reads a JWT's claims without checking anything.
func payload(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// flowEdits change one step of a sign-in, as an attacker would.
type flowEdits struct {
	authorize func(q url.Values)        // the request the browser takes to the provider
	beforeIdP func(authorizeURL string) // runs before the browser goes to the provider
	idToken   func(idt string) string   // the ID token the RP gets
}

// signIn runs single sign-on as username from c's browser and returns the
// answer to the provider's redirect back to BreachDesk.
func (e *ssoEnv) signIn(c *client, username string, ed flowEdits) *http.Response {
	t := e.t
	t.Helper()
	r := c.do("GET", "/login/oidc", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("GET /login/oidc: %d %s", r.StatusCode, body(t, r))
	}
	authz, err := url.Parse(r.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := authz.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("authorization request without PKCE S256, nonce or state: %s", authz)
	}
	if ed.authorize != nil {
		ed.authorize(q)
		authz.RawQuery = q.Encode()
	}
	if ed.beforeIdP != nil {
		ed.beforeIdP(authz.String())
	}
	e.mu.Lock()
	e.who, e.editIDT = username, ed.idToken
	e.mu.Unlock()
	back := e.followIdP(authz.String(), "breachdesk.test")
	return c.do("GET", back.RequestURI(), nil)
}

// followIdP follows the provider's redirects from start until one leaves
// for host, and returns that address.
func (e *ssoEnv) followIdP(start, host string) *url.URL {
	t := e.t
	t.Helper()
	next, _ := url.Parse(start)
	for range 10 {
		resp, err := e.browser.Get(next.String())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 300 || resp.StatusCode > 399 {
			t.Fatalf("provider answered %d at %s: %s", resp.StatusCode, next, b)
		}
		loc, err := next.Parse(resp.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		if loc.Host == host {
			return loc
		}
		next = loc
	}
	t.Fatal("too many redirects at the provider")
	return nil
}

// sessions counts the sessions of the user with email.
func (e *ssoEnv) sessions(email string) int64 {
	var n int64
	if err := e.st.DB.Raw(`SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ?`, email).Scan(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *ssoEnv) userExists(email string) bool {
	var n int64
	if err := e.st.DB.Raw(`SELECT count(*) FROM users WHERE email = ?`, email).Scan(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n > 0
}

// refusal is the details of the last "login.sso_refused" audit row.
func (e *ssoEnv) refusal() map[string]any {
	var details string
	if err := e.st.DB.Raw(`SELECT details FROM audit_log WHERE action = 'login.sso_refused' ORDER BY seq DESC LIMIT 1`).Scan(&details).Error; err != nil {
		e.t.Fatal(err)
	}
	var m map[string]any
	if details == "" {
		return m
	}
	if err := json.Unmarshal([]byte(details), &m); err != nil {
		e.t.Fatal(err)
	}
	return m
}

// expectRefused checks a refused sign-in: the refusal page with its reason,
// the audit row, and no session for anyone.
func (e *ssoEnv) expectRefused(r *http.Response, reason, detailHas string) {
	t := e.t
	t.Helper()
	page := body(t, r)
	if r.StatusCode != http.StatusForbidden || !strings.Contains(page, reason) || !strings.Contains(page, `href="/login"`) {
		t.Fatalf("want the refusal page for %s, got %d:\n%s", reason, r.StatusCode, page)
	}
	for name := range map[string]bool{"__Host-bd_session": true, "bd_session": true} {
		if r.Header.Get("Set-Cookie") != "" && strings.Contains(strings.Join(r.Header.Values("Set-Cookie"), "\n"), name+"=") &&
			!strings.Contains(strings.Join(r.Header.Values("Set-Cookie"), "\n"), name+"=;") {
			t.Fatalf("a refused sign-in set a session cookie: %v", r.Header.Values("Set-Cookie"))
		}
	}
	var n int64
	if err := e.st.DB.Raw(`SELECT count(*) FROM sessions`).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d sessions after a refused sign-in", n)
	}
	d := e.refusal()
	if reason == "sso.state_mismatch" || reason == "sso.flow_missing" {
		// Refused before any token was exchanged: not audited (anyone can
		// call the callback, and audit rows are written under one lock).
		if d != nil {
			t.Fatalf("an unauthenticated refusal wrote an audit row: %v", d)
		}
		return
	}
	if d["reason"] != reason {
		t.Fatalf("audit reason %v, want %s (%v)", d["reason"], reason, d)
	}
	if detail, _ := d["detail"].(string); !strings.Contains(detail, detailHas) {
		t.Fatalf("audit detail %q does not say %q", detail, detailHas)
	}
}

var alice = idpUser{id: "u-alice", email: "alice@acme.example", verified: true, groups: []string{"staff", "breachdesk:acme:manager"}}

// TestSSOLoginMembershipFromClaim: a person the provider puts in
// breachdesk:acme:manager gets an account, the manager role in acme and a
// full session (no TOTP step), and the login is audited.
func TestSSOLoginMembershipFromClaim(t *testing.T) {
	t.Parallel()
	e := newSSOEnv(t, alice)
	e.user("owner@acme.example", "acme", auth.RoleOwner)
	c := e.client()
	page := body(t, c.do("GET", "/login", nil))
	if !strings.Contains(page, `href="/login/oidc"`) || !strings.Contains(page, "Acme ID") {
		t.Fatalf("login page without the single sign-on button:\n%s", page)
	}
	r := e.signIn(c, alice.email, flowEdits{})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("callback: %d %s %s", r.StatusCode, r.Header.Get("Location"), body(t, r))
	}
	if r := c.do("GET", "/", nil); r.StatusCode != http.StatusOK {
		t.Fatalf("dashboard after sign-in: %d", r.StatusCode)
	}
	var role string
	if err := e.st.DB.Raw(`SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id JOIN organisations o ON o.id = m.organisation_id
		WHERE u.email = ? AND o.slug = 'acme'`, alice.email).Scan(&role).Error; err != nil {
		t.Fatal(err)
	}
	if role != "manager" {
		t.Fatalf("role %q, want manager", role)
	}
	var ok int64
	e.st.DB.Raw(`SELECT count(*) FROM audit_log WHERE action = 'login.sso_succeeded'`).Scan(&ok)
	if ok != 1 || e.sessions(alice.email) != 1 {
		t.Fatalf("audit rows %d, sessions %d", ok, e.sessions(alice.email))
	}
}

// TestSSOLoginByInvitation: without a claim for the organisation, an open
// invitation to the verified address gives the membership, and is
// accepted.
func TestSSOLoginByInvitation(t *testing.T) {
	t.Parallel()
	bob := idpUser{id: "u-bob", email: "bob@acme.example", verified: true}
	e := newSSOEnv(t, bob)
	owner := e.user("owner@acme.example", "acme", auth.RoleOwner)
	if err := e.auth.Invite(context.Background(), e.principalIn(owner, "acme", auth.RoleOwner), bob.email, "Bob", "initial passphrase for bob", auth.RoleLegal); err != nil {
		t.Fatal(err)
	}
	// The provider signs on the real clock, to which the harness's clock
	// moves at the callback; an invitation made on a pinned day in the
	// past (make test-dates) must still be open then.
	if err := e.st.DB.Exec(`UPDATE invitations SET expires_at = expires_at + interval '100 years'`).Error; err != nil {
		t.Fatal(err)
	}
	c := e.client()
	r := e.signIn(c, bob.email, flowEdits{})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("callback: %d %s", r.StatusCode, body(t, r))
	}
	var role string
	var accepted bool
	e.st.DB.Raw(`SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = ?`, bob.email).Scan(&role)
	e.st.DB.Raw(`SELECT coalesce(accepted, false) FROM invitations WHERE email = ?`, bob.email).Scan(&accepted)
	if role != "legal" || !accepted || e.sessions(bob.email) != 1 {
		t.Fatalf("role %q accepted %v sessions %d", role, accepted, e.sessions(bob.email))
	}
}

// TestSSORejectsTamperedIDToken: an ID token whose payload was changed on
// the way (its e-mail made someone else's) fails the signature check.
func TestSSORejectsTamperedIDToken(t *testing.T) {
	t.Parallel()
	e := newSSOEnv(t, alice)
	e.user("owner@acme.example", "acme", auth.RoleOwner)
	r := e.signIn(e.client(), alice.email, flowEdits{idToken: func(idt string) string {
		parts := strings.Split(idt, ".")
		m := payload(t, idt)
		m["email"] = "owner@acme.example"
		b, _ := json.Marshal(m)
		parts[1] = base64.RawURLEncoding.EncodeToString(b)
		return strings.Join(parts, ".")
	}})
	e.expectRefused(r, "sso.token_invalid", "signature")
	if e.userExists(alice.email) {
		t.Fatal("a refused sign-in created an account")
	}
}

// TestSSORejectsWrongAudience: a valid token of the same provider, for the
// same person and the same nonce, but issued to another client.
func TestSSORejectsWrongAudience(t *testing.T) {
	t.Parallel()
	e := newSSOEnv(t, alice)
	e.user("owner@acme.example", "acme", auth.RoleOwner)
	var foreign string
	r := e.signIn(e.client(), alice.email, flowEdits{
		beforeIdP: func(authorizeURL string) {
			u, _ := url.Parse(authorizeURL)
			other := &oauth2.Config{ClientID: otherClientID, ClientSecret: "other-secret", RedirectURL: otherRedirect,
				Endpoint: oauth2.Endpoint{AuthURL: e.idp.URL + "/authorize", TokenURL: e.idp.URL + "/oauth/token"}, Scopes: []string{"openid", "email"}}
			e.mu.Lock()
			e.who = alice.email
			e.mu.Unlock()
			back := e.followIdP(other.AuthCodeURL("other-state", oauth2.SetAuthURLParam("nonce", u.Query().Get("nonce"))), "other.test")
			ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Timeout: 10 * time.Second})
			tok, err := other.Exchange(ctx, back.Query().Get("code"))
			if err != nil {
				t.Fatal(err)
			}
			foreign, _ = tok.Extra("id_token").(string)
			if aud := payload(t, foreign)["aud"]; !strings.Contains(strings.Join(strings.Fields(jsonString(aud)), ""), otherClientID) {
				t.Fatalf("the other client's token has aud %v", aud)
			}
		},
		idToken: func(string) string { return foreign },
	})
	e.expectRefused(r, "sso.token_invalid", "audience")
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestSSORejectsExpiredToken: the app's clock has passed the token's exp
// when it is checked.
func TestSSORejectsExpiredToken(t *testing.T) {
	t.Parallel()
	e := newSSOEnv(t, alice)
	e.user("owner@acme.example", "acme", auth.RoleOwner)
	r := e.signIn(e.client(), alice.email, flowEdits{idToken: func(idt string) string {
		e.clk.Set(time.Unix(int64(payload(t, idt)["exp"].(float64)), 0).Add(time.Minute))
		return idt
	}})
	e.expectRefused(r, "sso.token_invalid", "expired")
}

// TestSSORejectsStateMismatch: an answer carrying another state than the
// one this browser's login started with (login CSRF).
func TestSSORejectsStateMismatch(t *testing.T) {
	t.Parallel()
	e := newSSOEnv(t, alice)
	e.user("owner@acme.example", "acme", auth.RoleOwner)
	r := e.signIn(e.client(), alice.email, flowEdits{authorize: func(q url.Values) { q.Set("state", "attacker-state") }})
	e.expectRefused(r, "sso.state_mismatch", "")
}

// TestSSORejectsNonceMismatch: a correctly signed token for another nonce
// (a replayed or injected token).
func TestSSORejectsNonceMismatch(t *testing.T) {
	t.Parallel()
	e := newSSOEnv(t, alice)
	e.user("owner@acme.example", "acme", auth.RoleOwner)
	r := e.signIn(e.client(), alice.email, flowEdits{authorize: func(q url.Values) { q.Set("nonce", "another-nonce") }})
	e.expectRefused(r, "sso.nonce_mismatch", "")
}

// TestSSORejectsUserWithoutMembership: no claim naming one of our
// organisations and no invitation: refused, and no account is made.
func TestSSORejectsUserWithoutMembership(t *testing.T) {
	t.Parallel()
	carol := idpUser{id: "u-carol", email: "carol@elsewhere.example", verified: true, groups: []string{"staff", "breachdesk:nosuchorg:owner"}}
	e := newSSOEnv(t, carol)
	e.user("owner@acme.example", "acme", auth.RoleOwner)
	r := e.signIn(e.client(), carol.email, flowEdits{})
	e.expectRefused(r, "sso.no_membership", "")
	if e.userExists(carol.email) {
		t.Fatal("an account was created for a person with no membership")
	}
}

// TestSSORejectsUnverifiedEmail: the provider does not vouch for the
// address, which is what links the person to an account.
func TestSSORejectsUnverifiedEmail(t *testing.T) {
	t.Parallel()
	dave := idpUser{id: "u-dave", email: "dave@acme.example", groups: []string{"breachdesk:acme:viewer"}}
	e := newSSOEnv(t, dave)
	e.user("owner@acme.example", "acme", auth.RoleOwner)
	e.expectRefused(e.signIn(e.client(), dave.email, flowEdits{}), "sso.email_unverified", "")
}

// TestPasswordLoginRefusedWhenOrganisationTurnedItOff: the owner turns
// password login off; a member of only that organisation is refused at
// the password form (and no session is made) but gets in by single
// sign-on, and TOTP is not asked; an operator still logs in with a
// password.
func TestPasswordLoginRefusedWhenOrganisationTurnedItOff(t *testing.T) {
	t.Parallel()
	e := newSSOEnv(t, alice)
	e.user("owner@acme.example", "acme", auth.RoleOwner)
	e.user(alice.email, "acme", auth.RoleManager)
	oc := e.client()
	oc.login("owner@acme.example")
	if r := oc.post("/organisation/password-login", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("turning password login off: %d %s", r.StatusCode, body(t, r))
	}
	c := e.client()
	c.do("GET", "/login", nil)
	r := c.post("/login", url.Values{"email": {alice.email}, "password": {password}})
	page := body(t, r)
	if r.StatusCode != http.StatusForbidden || !strings.Contains(page, "single sign-on") && !strings.Contains(page, "シングルサインオン") {
		t.Fatalf("password login with it turned off: %d\n%s", r.StatusCode, page)
	}
	if e.sessions(alice.email) != 0 {
		t.Fatal("a refused password login made a session")
	}
	var audited int64
	e.st.DB.Raw(`SELECT count(*) FROM audit_log WHERE action = 'login.password_disabled'`).Scan(&audited)
	if audited != 1 {
		t.Fatalf("%d login.password_disabled rows", audited)
	}
	if r := e.signIn(c, alice.email, flowEdits{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("single sign-on with passwords off: %d %s", r.StatusCode, body(t, r))
	}
	if err := e.st.DB.Exec(`UPDATE users SET is_operator = true WHERE email = 'owner@acme.example'`).Error; err != nil {
		t.Fatal(err)
	}
	e.client().login("owner@acme.example")
}

// A member of two organisations, one of which turned passwords off, logs
// in with a password into the other, and cannot switch into the first:
// only a single sign-on session can.
func TestPasswordSessionCannotSwitchIntoAnOrganisationWithoutPasswords(t *testing.T) {
	t.Parallel()
	e := newSSOEnv(t, alice)
	e.user("owner@acme.example", "acme", auth.RoleOwner)
	e.user(alice.email, "acme", auth.RoleManager)
	e.user("owner@beta.example", "beta", auth.RoleOwner)
	if err := e.st.DB.Exec(`INSERT INTO memberships (organisation_id, user_id, role)
		SELECT o.id, u.id, 'viewer' FROM organisations o, users u WHERE o.slug = 'beta' AND u.email = ?`, alice.email).Error; err != nil {
		t.Fatal(err)
	}
	early := e.client()
	early.login(alice.email) // in acme, which still takes passwords
	oc := e.client()
	oc.login("owner@acme.example")
	if r := oc.post("/organisation/password-login", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("turning password login off: %d %s", r.StatusCode, body(t, r))
	}
	// The password session opened before no longer acts in acme.
	var me struct {
		Organisation *struct {
			Slug string `json:"slug"`
		} `json:"organisation"`
	}
	decode(t, early.do("GET", "/api/v1/me", nil), &me)
	if me.Organisation != nil {
		t.Fatalf("a password session still acts in %s after passwords were turned off", me.Organisation.Slug)
	}
	var acme, beta int64
	e.st.DB.Raw(`SELECT id FROM organisations WHERE slug = 'acme'`).Scan(&acme)
	e.st.DB.Raw(`SELECT id FROM organisations WHERE slug = 'beta'`).Scan(&beta)

	c := e.client()
	c.login(alice.email) // opens in beta, which still takes passwords
	var inBeta int64
	e.st.DB.Raw(`SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ? AND s.organisation_id = ?`, alice.email, beta).Scan(&inBeta)
	if inBeta != 1 {
		t.Fatalf("%d password sessions opened in beta, want 1", inBeta)
	}
	if r := c.post("/org/switch", url.Values{"org_id": {fmt.Sprint(acme)}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("a password session switched into acme: %d", r.StatusCode)
	}
	sso := e.client()
	if r := e.signIn(sso, alice.email, flowEdits{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("single sign-on: %d %s", r.StatusCode, body(t, r))
	}
	if r := sso.post("/org/switch", url.Values{"org_id": {fmt.Sprint(acme)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a single sign-on session could not switch into acme: %d %s", r.StatusCode, body(t, r))
	}
}

// TestSSORefusesToLinkAnOperatorAccount: a provider account asserting an
// operator's address does not take over that account, which keeps
// logging in with its password (and second factor).
func TestSSORefusesToLinkAnOperatorAccount(t *testing.T) {
	t.Parallel()
	e := newSSOEnv(t, alice)
	e.user("owner@acme.example", "acme", auth.RoleOwner)
	e.user(alice.email, "acme", auth.RoleManager)
	if err := e.st.DB.Exec(`UPDATE users SET is_operator = true WHERE email = ?`, alice.email).Error; err != nil {
		t.Fatal(err)
	}
	e.expectRefused(e.signIn(e.client(), alice.email, flowEdits{}), "sso.link_refused", "")
	var bound int64
	e.st.DB.Raw(`SELECT count(*) FROM users WHERE oidc_subject IS NOT NULL`).Scan(&bound)
	if bound != 0 {
		t.Fatal("the operator's account was bound to the provider")
	}
	e.client().login(alice.email)
}
