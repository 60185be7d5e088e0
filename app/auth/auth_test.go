package auth_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

// cheap keeps tests fast; the production cost is checked by HashPassword's own test.
var cheap = auth.Argon2Params{Time: 1, Memory: 1024, Threads: 1}

func newService(t *testing.T) (*auth.Service, *clocktest.Clock) {
	t.Helper()
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	svc, err := auth.NewService(st, clk, auth.Options{SecretKey: make([]byte, 32), Argon2: cheap, MaxPerAccount: 3, MaxPerIP: 10, Window: 15 * time.Minute, SessionTTL: 12 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return svc, clk
}

func mustUser(t *testing.T, svc *auth.Service, email, org string, role auth.Role) auth.User {
	t.Helper()
	u, err := svc.CreateUser(context.Background(), auth.NewUser{Email: email, Name: "Test " + email, Password: "correct horse battery", OrgSlug: org, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPasswordHashing(t *testing.T) {
	t.Parallel()
	h, err := auth.HashPassword("s3cret-passw0rd", auth.DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if !auth.CheckPassword(h, "s3cret-passw0rd") || auth.CheckPassword(h, "s3cret-passw0rD") || auth.CheckPassword("garbage", "x") {
		t.Fatal("argon2id check wrong")
	}
}

func TestThrottleRefusesRightPasswordAfterNFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _ := newService(t)
	mustUser(t, svc, "a@example.com", "shop-a", auth.RoleOwner)
	for i := 0; i < 3; i++ {
		if _, err := svc.Login(ctx, "a@example.com", "wrong password!", "192.0.2.1", "t"); !errors.Is(err, apperr.ErrBadCredentials) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	if _, err := svc.Login(ctx, "A@example.com", "correct horse battery", "192.0.2.9", "t"); !errors.Is(err, apperr.ErrThrottled) {
		t.Fatalf("4th attempt with the right password: want throttled, got %v", err)
	}
}

func TestThrottlePerIP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _ := newService(t)
	mustUser(t, svc, "victim@example.com", "shop-a", auth.RoleOwner)
	for i := 0; i < 10; i++ {
		_, _ = svc.Login(ctx, "nobody"+string(rune('a'+i))+"@example.com", "x", "198.51.100.7", "t")
	}
	if _, err := svc.Login(ctx, "victim@example.com", "correct horse battery", "198.51.100.7", "t"); !errors.Is(err, apperr.ErrThrottled) {
		t.Fatalf("want throttled by address, got %v", err)
	}
	if _, err := svc.Login(ctx, "victim@example.com", "correct horse battery", "198.51.100.8", "t"); err != nil {
		t.Fatalf("other address should pass: %v", err)
	}
}

func TestTOTPEnrolmentLoginAndRecovery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk := newService(t)
	mustUser(t, svc, "b@example.com", "shop-b", auth.RoleLegal)
	res, err := svc.Login(ctx, "b@example.com", "correct horse battery", "192.0.2.1", "t")
	if err != nil || res.MFARequired {
		t.Fatalf("login: %+v %v", res, err)
	}
	p, _, err := svc.Authenticate(ctx, res.SessionToken)
	if err != nil {
		t.Fatal(err)
	}
	enr, err := svc.BeginTOTP(ctx, &p)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(enr.URI)
	if u.Scheme != "otpauth" || len(enr.QRPNG) < 100 {
		t.Fatalf("bad enrolment %q", enr.URI)
	}
	if _, err := svc.ConfirmTOTP(ctx, &p, "000000"); err == nil {
		t.Fatal("wrong confirmation code accepted")
	}
	code, _ := auth.TOTPCodeAt(enr.Secret, clk.Now())
	recovery, err := svc.ConfirmTOTP(ctx, &p, code)
	if err != nil || len(recovery) != 10 {
		t.Fatalf("confirm: %v", err)
	}

	res, err = svc.Login(ctx, "b@example.com", "correct horse battery", "192.0.2.1", "t")
	if err != nil || !res.MFARequired {
		t.Fatalf("second login must need TOTP: %+v %v", res, err)
	}
	if _, pending, _ := svc.Authenticate(ctx, res.SessionToken); !pending {
		t.Fatal("session must be pending until the code")
	}
	wrong := "123456"
	if wrong == code {
		wrong = "654321"
	}
	if _, err := svc.VerifySecondFactor(ctx, res.SessionToken, wrong, "192.0.2.1"); !errors.Is(err, apperr.ErrBadCredentials) {
		t.Fatalf("wrong TOTP code: want refusal, got %v", err)
	}
	fresh, err := svc.VerifySecondFactor(ctx, res.SessionToken, recovery[0], "192.0.2.1")
	if err != nil || fresh == res.SessionToken {
		t.Fatalf("recovery code: %v", err)
	}
	if _, _, err := svc.Authenticate(ctx, res.SessionToken); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatal("pre-MFA session token must be dead after rotation")
	}
	if _, pending, err := svc.Authenticate(ctx, fresh); err != nil || pending {
		t.Fatalf("fresh session: pending=%v err=%v", pending, err)
	}
	// A recovery code works once.
	res, _ = svc.Login(ctx, "b@example.com", "correct horse battery", "192.0.2.1", "t")
	if _, err := svc.VerifySecondFactor(ctx, res.SessionToken, recovery[0], "192.0.2.1"); err == nil {
		t.Fatal("recovery code reused")
	}
}

func TestTokensAndTenancy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _ := newService(t)
	mustUser(t, svc, "a@example.com", "shop-a", auth.RoleOwner)
	bUser := mustUser(t, svc, "b@example.com", "shop-b", auth.RoleOwner)
	secret, err := svc.IssueTokenFor(ctx, "a@example.com", "shop-a", auth.TokenInput{Name: "ci", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.AuthenticateToken(ctx, secret)
	if err != nil || p.Organisation.Slug != "shop-a" || p.Role != auth.RoleOwner {
		t.Fatalf("token principal: %+v %v", p, err)
	}
	if _, err := svc.AuthenticateToken(ctx, secret+"x"); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatal("altered token accepted")
	}
	orgB, _ := svc.OrganisationBySlug(ctx, "shop-b")
	if err := svc.SwitchOrganisation(ctx, &p, orgB.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("switch to a foreign organisation: want not found, got %v", err)
	}
	if _, err := svc.Member(ctx, &p, bUser.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("foreign member: %v", err)
	}
	if err := svc.RevokeAPIToken(ctx, &p, p.TokenID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AuthenticateToken(ctx, secret); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatal("revoked token accepted")
	}
	// The last owner cannot be demoted.
	if err := svc.SetRole(ctx, &p, p.User.ID, auth.RoleViewer); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("demote last owner: %v", err)
	}
}

func TestOperatorSeesEveryOrganisation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _ := newService(t)
	mustUser(t, svc, "a@example.com", "shop-a", auth.RoleOwner)
	mustUser(t, svc, "b@example.com", "shop-b", auth.RoleOwner)
	op, err := svc.CreateUser(ctx, auth.NewUser{Email: "op@example.com", Name: "Op", Password: "correct horse battery", Operator: true})
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := svc.Organisations(ctx, op)
	if err != nil || len(orgs) != 2 {
		t.Fatalf("operator orgs: %d %v", len(orgs), err)
	}
	res, _ := svc.Login(ctx, "op@example.com", "correct horse battery", "192.0.2.1", "t")
	p, _, _ := svc.Authenticate(ctx, res.SessionToken)
	if err := svc.SwitchOrganisation(ctx, &p, orgs[1].ID); err != nil {
		t.Fatal(err)
	}
	p, _, _ = svc.Authenticate(ctx, res.SessionToken)
	if p.OrgID() != orgs[1].ID || !p.May(auth.ManageMembers) {
		t.Fatalf("operator after switch: %+v", p.Organisation)
	}
}

func TestCreateUserValidation(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	_, err := svc.CreateUser(context.Background(), auth.NewUser{Email: "nope", Name: "", Password: "short", OrgSlug: "Bad Slug", Role: "king"})
	var v *apperr.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("want validation error, got %v", err)
	}
	for _, f := range []string{"email", "name", "password", "org", "role"} {
		if v.For(f) == "" {
			t.Errorf("no error for %s in %v", f, v)
		}
	}
}

// TestPrincipalFollowsMemberships checks the one-query principal of a
// session and of a token against the services' own reads, and that it
// follows memberships as they change: a second organisation offers the
// switcher, a removed membership leaves the session without an
// organisation and the token without any access.
func TestPrincipalFollowsMemberships(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _ := newService(t)
	ownerA := mustUser(t, svc, "owner-a@example.com", "shop-a", auth.RoleOwner)
	ownerB := mustUser(t, svc, "owner-b@example.com", "shop-b", auth.RoleOwner)
	mustUser(t, svc, "m@example.com", "shop-a", auth.RoleManager)
	orgA, _ := svc.OrganisationBySlug(ctx, "shop-a")
	orgB, _ := svc.OrganisationBySlug(ctx, "shop-b")
	user, _ := svc.UserByEmail(ctx, "m@example.com")
	res, err := svc.Login(ctx, "m@example.com", "correct horse battery", "192.0.2.1", "t")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := svc.IssueTokenFor(ctx, "m@example.com", "shop-a", auth.TokenInput{Name: "ci", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	session := func() auth.Principal {
		t.Helper()
		p, pending, err := svc.Authenticate(ctx, res.SessionToken)
		if err != nil || pending {
			t.Fatalf("session: %v pending=%v", err, pending)
		}
		return p
	}
	p := session()
	if p.User.Email != user.Email || p.User.Name != user.Name || p.User.ID != user.ID || p.User.PasswordHash != user.PasswordHash ||
		!p.User.CreatedAt.Equal(user.CreatedAt) || p.Role != auth.RoleManager ||
		p.Organisation.ID != orgA.ID || p.Organisation.Slug != orgA.Slug || p.Organisation.Name != orgA.Name ||
		p.Organisation.Timezone != orgA.Timezone || !p.Organisation.CreatedAt.Equal(orgA.CreatedAt) ||
		len(p.SessionHash) == 0 || p.CSRFToken == "" || p.MultipleOrganisations {
		t.Fatalf("session principal: %+v\nwant user %+v in %+v", p, user, orgA)
	}
	tp, err := svc.AuthenticateToken(ctx, secret)
	if err != nil || tp.TokenID == 0 || tp.User.ID != user.ID || tp.OrgID() != orgA.ID || tp.Role != auth.RoleManager {
		t.Fatalf("token principal: %+v %v", tp, err)
	}

	pb := auth.Principal{User: ownerB, Organisation: orgB, Role: auth.RoleOwner}
	if err := svc.Invite(ctx, &pb, "m@example.com", "M", "another long passphrase", auth.RoleViewer); err != nil {
		t.Fatal(err)
	}
	if p := session(); p.MultipleOrganisations {
		t.Fatalf("a member of B before accepting: %+v", p)
	}
	invs, err := svc.MyInvitations(ctx, &p)
	if err != nil || len(invs) != 1 || invs[0].OrganisationName != orgB.Name {
		t.Fatalf("invitations: %+v %v", invs, err)
	}
	byToken := tp // accepted without a session: the session stays in A
	if _, err := svc.AnswerInvitation(ctx, &byToken, invs[0].ID, true); err != nil {
		t.Fatal(err)
	}
	if p := session(); !p.MultipleOrganisations || p.OrgID() != orgA.ID {
		t.Fatalf("member of two: %+v", p)
	}

	pa := auth.Principal{User: ownerA, Organisation: orgA, Role: auth.RoleOwner}
	if err := svc.RemoveMember(ctx, &pa, user.ID); err != nil {
		t.Fatal(err)
	}
	if p := session(); p.OrgID() != 0 || p.Role != "" || p.User.ID != user.ID {
		t.Fatalf("after removal the session keeps no organisation: %+v", p)
	}
	if _, err := svc.AuthenticateToken(ctx, secret); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("token after removal: %v", err)
	}
	if _, _, err := svc.Authenticate(ctx, res.SessionToken+"x"); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("unknown session: %v", err)
	}
}

// Sessions end by the service's clock: idle past the TTL, the token no
// longer authenticates; used within it, the expiry slides.
func TestSessionExpiresByTheClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk := newService(t)
	mustUser(t, svc, "s@example.com", "shop-s", auth.RoleManager)
	res, err := svc.Login(ctx, "s@example.com", "correct horse battery", "192.0.2.7", "t")
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(11 * time.Hour)
	if _, _, err := svc.Authenticate(ctx, res.SessionToken); err != nil {
		t.Fatalf("after 11 h of a 12 h TTL: %v", err)
	}
	clk.Advance(11 * time.Hour) // 11 h idle since the last use: slid, still valid
	if _, _, err := svc.Authenticate(ctx, res.SessionToken); err != nil {
		t.Fatalf("11 h after the last use: %v", err)
	}
	clk.Advance(12*time.Hour + time.Minute)
	if _, _, err := svc.Authenticate(ctx, res.SessionToken); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("12 h 1 min idle: err = %v, want ErrUnauthenticated", err)
	}
}

// Failed logins count within the throttling window of the service's
// clock: once it has passed, the account may try again.
func TestThrottleWindowFollowsTheClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk := newService(t)
	mustUser(t, svc, "w@example.com", "shop-w", auth.RoleManager)
	for range 3 {
		if _, err := svc.Login(ctx, "w@example.com", "wrong", "192.0.2.8", "t"); !errors.Is(err, apperr.ErrBadCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, err := svc.Login(ctx, "w@example.com", "correct horse battery", "192.0.2.8", "t"); !errors.Is(err, apperr.ErrThrottled) {
		t.Fatalf("fourth try within the window: %v, want ErrThrottled", err)
	}
	clk.Advance(15*time.Minute + time.Second)
	if _, err := svc.Login(ctx, "w@example.com", "correct horse battery", "192.0.2.8", "t"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}
