package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

// newServiceStore is newService with the store, for tests that read the
// audit log and the attempts.
func newServiceStore(t *testing.T, opt auth.Options) (*auth.Service, *store.Store, *clocktest.Clock) {
	t.Helper()
	clk := clocktest.New(t)
	st := storetest.New(t, clk)
	opt.SecretKey, opt.Argon2 = make([]byte, 32), cheap
	svc, err := auth.NewService(st, clk, opt)
	if err != nil {
		t.Fatal(err)
	}
	return svc, st, clk
}

// auditCount counts audit rows with action (for target, if given).
func auditCount(t *testing.T, st *store.Store, action string) int64 {
	t.Helper()
	var n int64
	if err := st.DB.Model(&audit.Row{}).Where("action = ?", action).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// The attack of finding 1: forty wrong-password logins for one account at
// once. The throttle counted failures before checking and recorded them
// after, so all forty read "no failures yet" and eight (of a limit of
// five) were checked. Now each try is counted before its check, in turn:
// exactly MaxPerAccount passwords are checked, and every other try is
// refused and audited (finding 6: 223 refusals had left no row).
func TestConcurrentLoginsCheckNoMoreThanTheLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, st, _ := newServiceStore(t, auth.Options{MaxPerAccount: 5, MaxPerIP: 1000})
	mustUser(t, svc, "victim@example.com", "shop-a", auth.RoleOwner)
	const tries = 40
	var wg sync.WaitGroup
	results := make(chan error, tries)
	for i := range tries {
		wg.Go(func() {
			_, err := svc.Login(ctx, "victim@example.com", fmt.Sprintf("guess number %d!", i), fmt.Sprintf("192.0.2.%d", i), "t")
			results <- err
		})
	}
	wg.Wait()
	close(results)
	var wrong, throttled int
	for err := range results {
		switch {
		case errors.Is(err, apperr.ErrBadCredentials):
			wrong++
		case errors.Is(err, apperr.ErrThrottled):
			throttled++
		default:
			t.Errorf("unexpected answer: %v", err)
		}
	}
	if wrong != 5 || throttled != tries-5 {
		t.Fatalf("%d passwords checked and %d refused; want 5 and %d", wrong, throttled, tries-5)
	}
	if n := auditCount(t, st, "login.failed"); n != 5 {
		t.Errorf("login.failed rows: %d, want 5", n)
	}
	if n := auditCount(t, st, "login.throttled"); n != tries-5 {
		t.Errorf("login.throttled rows: %d, want %d", n, tries-5)
	}
}

// Finding 5: the same TOTP code opened two logins. A code is spent by its
// first use; the next step's code works.
func TestTOTPCodeOpensOneLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, clk := newServiceStore(t, auth.Options{MaxPerAccount: 5})
	mustUser(t, svc, "t@example.com", "shop-t", auth.RoleOwner)
	res, err := svc.Login(ctx, "t@example.com", "correct horse battery", "192.0.2.1", "t")
	if err != nil {
		t.Fatal(err)
	}
	p, _, _ := svc.Authenticate(ctx, res.SessionToken)
	enr, err := svc.BeginTOTP(ctx, &p)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := auth.TOTPCodeAt(enr.Secret, clk.Now())
	if _, err := svc.ConfirmTOTP(ctx, &p, code); err != nil {
		t.Fatal(err)
	}
	login := func() string {
		t.Helper()
		res, err := svc.Login(ctx, "t@example.com", "correct horse battery", "192.0.2.1", "t")
		if err != nil || !res.MFARequired {
			t.Fatalf("login: %+v %v", res, err)
		}
		return res.SessionToken
	}
	// The code that turned 2FA on is spent already.
	if _, err := svc.VerifySecondFactor(ctx, login(), code, "192.0.2.1"); !errors.Is(err, apperr.ErrBadCredentials) {
		t.Fatalf("the enrolment code opened a login: %v", err)
	}
	clk.Advance(30 * time.Second)
	code, _ = auth.TOTPCodeAt(enr.Secret, clk.Now())
	first, second := login(), login()
	if _, err := svc.VerifySecondFactor(ctx, first, code, "192.0.2.1"); err != nil {
		t.Fatalf("first use of a fresh code: %v", err)
	}
	if _, err := svc.VerifySecondFactor(ctx, second, code, "192.0.2.2"); !errors.Is(err, apperr.ErrBadCredentials) {
		t.Fatalf("the same code opened a second login: %v", err)
	}
	// Nor does the previous step's code, still inside the skew allowance.
	clk.Advance(30 * time.Second)
	if _, err := svc.VerifySecondFactor(ctx, login(), code, "192.0.2.1"); !errors.Is(err, apperr.ErrBadCredentials) {
		t.Fatalf("an earlier step's code after a later one: %v", err)
	}
	code, _ = auth.TOTPCodeAt(enr.Secret, clk.Now())
	if _, err := svc.VerifySecondFactor(ctx, login(), code, "192.0.2.1"); err != nil {
		t.Fatalf("the next step's code: %v", err)
	}
}

// Finding 6: wrong current passwords on the password change and on
// turning 2FA off were neither throttled nor audited, so they were a free
// password oracle for anyone holding a session.
func TestCurrentPasswordChecksAreThrottledAndAudited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, st, _ := newServiceStore(t, auth.Options{MaxPerAccount: 3})
	mustUser(t, svc, "r@example.com", "shop-r", auth.RoleOwner)
	res, err := svc.Login(ctx, "r@example.com", "correct horse battery", "192.0.2.1", "t")
	if err != nil {
		t.Fatal(err)
	}
	p, _, _ := svc.Authenticate(ctx, res.SessionToken)
	actx := audit.WithActor(ctx, p.Actor("192.0.2.1"))
	var v *apperr.ValidationError
	if err := svc.ChangePassword(actx, &p, "wrong guess one", "another long passphrase"); !errors.As(err, &v) || v.For("current_password") == "" {
		t.Fatalf("wrong current password: %v", err)
	}
	if err := svc.DisableTOTP(actx, &p, "wrong guess two"); !errors.As(err, &v) || v.For("password") == "" {
		t.Fatalf("wrong password to turn 2FA off: %v", err)
	}
	if err := svc.ChangePassword(actx, &p, "wrong guess three", "another long passphrase"); !errors.As(err, &v) {
		t.Fatalf("third wrong password: %v", err)
	}
	if err := svc.ChangePassword(actx, &p, "correct horse battery", "another long passphrase"); !errors.Is(err, apperr.ErrThrottled) {
		t.Fatalf("fourth try, right password: %v, want throttled", err)
	}
	if n := auditCount(t, st, "user.password_check_failed"); n != 3 {
		t.Errorf("user.password_check_failed rows: %d, want 3", n)
	}
	if n := auditCount(t, st, "login.throttled"); n != 1 {
		t.Errorf("login.throttled rows: %d, want 1", n)
	}
}

// Finding 7: weak passwords were accepted wherever a password is set.
func TestWeakPasswordsAreRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, _ := newServiceStore(t, auth.Options{})
	for _, tc := range []struct {
		password string
		ok       bool
	}{
		{"aaaaaaaaaa", false},
		{"1234567890", false},
		{"password12", false},
		{"qwertyuiop", false},
		{"Password2026!", false},
		{"keiko.tanaka.2026", false}, // her own e-mail
		{"short", false},
		{strings.Repeat("x", 201), false},
		{"correct horse battery", true},
		{"夏の海と青い空が好きです", true},
		{strings.Repeat("a long unusual phrase ", 9), true}, // 198 runes: checked in time
	} {
		_, err := svc.CreateUser(ctx, auth.NewUser{Email: "keiko.tanaka@example.com", Name: "Keiko Tanaka", Password: tc.password})
		var v *apperr.ValidationError
		switch {
		case tc.ok && err != nil:
			t.Errorf("%q refused: %v", tc.password, err)
		case !tc.ok && (!errors.As(err, &v) || v.For("password") == ""):
			t.Errorf("%q: %v, want a password error", tc.password, err)
		}
	}
}

// Finding 7: tokens had no end, no scope, and outlived a password change.
func TestTokensExpireHaveAScopeAndEndWithThePassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, clk := newServiceStore(t, auth.Options{})
	mustUser(t, svc, "k@example.com", "shop-k", auth.RoleOwner)
	res, err := svc.Login(ctx, "k@example.com", "correct horse battery", "192.0.2.1", "t")
	if err != nil {
		t.Fatal(err)
	}
	p, _, _ := svc.Authenticate(ctx, res.SessionToken)
	short, tok, err := svc.CreateAPIToken(ctx, &p, auth.TokenInput{Name: "a day", Scope: auth.TokenWrite, Days: 1})
	if err != nil || !tok.ExpiresAt.Equal(tok.CreatedAt.AddDate(0, 0, 1)) {
		t.Fatalf("token: %+v %v", tok, err)
	}
	reader, _, err := svc.CreateAPIToken(ctx, &p, auth.TokenInput{Name: "reads"})
	if err != nil {
		t.Fatal(err)
	}
	if rp, err := svc.AuthenticateToken(ctx, reader); err != nil || !rp.ReadOnly {
		t.Fatalf("a token without a scope is read-only: %+v %v", rp, err)
	}
	if wp, err := svc.AuthenticateToken(ctx, short); err != nil || wp.ReadOnly {
		t.Fatalf("write token: %+v %v", wp, err)
	}
	var v *apperr.ValidationError
	if _, _, err := svc.CreateAPIToken(ctx, &p, auth.TokenInput{Scope: "admin", Days: 400}); !errors.As(err, &v) || v.For("scope") == "" || v.For("days") == "" {
		t.Fatalf("bad scope and lifetime: %v", err)
	}
	clk.Advance(25 * time.Hour)
	if _, err := svc.AuthenticateToken(ctx, short); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("a one-day token a day later: %v", err)
	}
	if res, err = svc.Login(ctx, "k@example.com", "correct horse battery", "192.0.2.1", "t"); err != nil {
		t.Fatal(err)
	}
	p, _, _ = svc.Authenticate(ctx, res.SessionToken)
	if err := svc.ChangePassword(audit.WithActor(ctx, p.Actor("192.0.2.1")), &p, "correct horse battery", "another long passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AuthenticateToken(ctx, reader); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("a token after the password changed: %v", err)
	}
}

// Finding 3: inviting the address of another organisation's user added
// them at once, and an unknown address answered differently. Now nobody
// joins without accepting, and the owner gets the same answer and the same
// members page for both.
func TestInvitingNeverAddsAnyoneWithoutConsent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, _ := newServiceStore(t, auth.Options{})
	owner := mustUser(t, svc, "owner@a.example", "shop-a", auth.RoleOwner)
	mustUser(t, svc, "victim@b.example", "shop-b", auth.RoleManager)
	orgA, _ := svc.OrganisationBySlug(ctx, "shop-a")
	orgB, _ := svc.OrganisationBySlug(ctx, "shop-b")
	po := auth.Principal{User: owner, Organisation: orgA, Role: auth.RoleOwner}

	errExisting := svc.Invite(ctx, &po, "victim@b.example", "Victim", "another long passphrase", auth.RoleViewer)
	errUnknown := svc.Invite(ctx, &po, "nobody@c.example", "Nobody", "another long passphrase", auth.RoleViewer)
	if errExisting != nil || errUnknown != nil {
		t.Fatalf("answers differ or fail: existing %v, unknown %v", errExisting, errUnknown)
	}
	// Without a password, both are refused alike.
	errExisting = svc.Invite(ctx, &po, "victim@b.example", "Victim", "", auth.RoleViewer)
	errUnknown = svc.Invite(ctx, &po, "nobody2@c.example", "Nobody", "", auth.RoleViewer)
	if errExisting == nil || errExisting.Error() != errUnknown.Error() {
		t.Fatalf("answers without a password differ: %v / %v", errExisting, errUnknown)
	}
	members, _ := svc.ListMembers(ctx, &po)
	if len(members) != 1 {
		t.Fatalf("members after inviting: %+v", members)
	}
	invs, _ := svc.Invitations(ctx, &po)
	if len(invs) != 2 {
		t.Fatalf("open invitations: %+v", invs)
	}
	// The victim's next login opens in their own organisation, and their
	// password is theirs still.
	res, err := svc.Login(ctx, "victim@b.example", "correct horse battery", "192.0.2.1", "t")
	if err != nil {
		t.Fatal(err)
	}
	pv, _, _ := svc.Authenticate(ctx, res.SessionToken)
	if pv.OrgID() != orgB.ID || pv.MultipleOrganisations {
		t.Fatalf("victim's login: %+v", pv)
	}
	mine, err := svc.MyInvitations(ctx, &pv)
	if err != nil || len(mine) != 1 || mine[0].OrganisationName != orgA.Name {
		t.Fatalf("victim's invitations: %+v %v", mine, err)
	}
	// Nobody else can answer it.
	if _, err := svc.AnswerInvitation(ctx, &po, mine[0].ID, true); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("the owner answering the victim's invitation: %v", err)
	}
	if _, err := svc.AnswerInvitation(ctx, &pv, mine[0].ID, false); err != nil {
		t.Fatal(err)
	}
	if members, _ := svc.ListMembers(ctx, &po); len(members) != 1 {
		t.Fatalf("members after the decline: %+v", members)
	}
	if _, err := svc.AnswerInvitation(ctx, &pv, mine[0].ID, true); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("accepting a declined invitation: %v", err)
	}
	// The new address accepts after its first login, and acts in A.
	res, err = svc.Login(ctx, "nobody@c.example", "another long passphrase", "192.0.2.2", "t")
	if err != nil {
		t.Fatal(err)
	}
	pn, _, _ := svc.Authenticate(ctx, res.SessionToken)
	mine, _ = svc.MyInvitations(ctx, &pn)
	if pn.OrgID() != 0 || len(mine) != 1 {
		t.Fatalf("new account before accepting: %+v %+v", pn, mine)
	}
	if orgID, err := svc.AnswerInvitation(ctx, &pn, mine[0].ID, true); err != nil || orgID != orgA.ID {
		t.Fatalf("accept: %d %v", orgID, err)
	}
	if pn, _, _ = svc.Authenticate(ctx, res.SessionToken); pn.OrgID() != orgA.ID || pn.Role != auth.RoleViewer {
		t.Fatalf("after accepting: %+v", pn)
	}
}
