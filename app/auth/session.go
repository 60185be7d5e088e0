package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/store"
)

// LoginResult is what a successful password check gives the browser.
type LoginResult struct {
	SessionToken string // goes into the session cookie, never stored
	MFARequired  bool   // the session only unlocks the TOTP step
}

// Login checks an e-mail and password from ip. After MaxPerAccount failed
// attempts for the account, or MaxPerIP from the address, within Window,
// further attempts are refused with apperr.ErrThrottled even when the
// password is right, so guessing cannot continue at speed.
func (s *Service) Login(ctx context.Context, email, password, ip, userAgent string) (LoginResult, error) {
	email = NormaliseEmail(email)
	a, err := s.reserveAttempt(ctx, email, ip, stepPassword, "login.failed")
	if err != nil {
		return LoginResult{}, err
	}
	var u User
	err = s.st.DB.WithContext(ctx).Where("email = ? AND disabled_at IS NULL", email).Take(&u).Error
	if err != nil && !store.IsNotFound(err) {
		return LoginResult{}, err
	}
	hash := u.PasswordHash
	if u.ID == 0 {
		hash = dummyHash()
	}
	ok, err := s.checkPassword(ctx, hash, password)
	if err != nil {
		s.release(ctx, a)
		return LoginResult{}, err
	}
	if !ok || u.ID == 0 {
		return LoginResult{}, s.fail(ctx, a, apperr.New(apperr.ErrBadCredentials, "login.failed"))
	}
	if refused, err := s.passwordLoginRefused(ctx, u); err != nil || refused {
		if err != nil {
			return LoginResult{}, err
		}
		a.failAction = "login.password_disabled"
		return LoginResult{}, s.fail(ctx, a, apperr.Forbidden("login.password_disabled"))
	}
	token := randomToken(32)
	orgID, err := s.defaultPasswordOrganisation(ctx, u)
	if err != nil {
		return LoginResult{}, err
	}
	now := s.now()
	sess := session{IDHash: sha(token), UserID: u.ID, CSRFToken: randomToken(20), MFAPending: u.TOTPEnabled(),
		IP: ip, UserAgent: truncate(userAgent, 300), CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.opt.SessionTTL)}
	if orgID != 0 {
		sess.OrganisationID = &orgID
	}
	actx := audit.WithActor(ctx, audit.Actor{UserID: u.ID, Label: u.Email, IP: ip})
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Create(&sess).Error; err != nil {
			return err
		}
		if sess.MFAPending {
			// The password was right, but the try counts as failed until
			// the second factor is given: the password alone opens
			// nothing, and guessing codes stays throttled.
			return nil
		}
		return s.recordSuccess(actx, tx, a, u, orgID)
	})
	return LoginResult{SessionToken: token, MFARequired: sess.MFAPending}, err
}

func (s *Service) recordSuccess(ctx context.Context, tx *store.Tx, a attempt, u User, orgID int64) error {
	if err := s.succeed(tx, a); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{OrganisationID: orgID, Action: "login.succeeded", TargetType: "user", TargetID: fmt.Sprint(u.ID)})
}

// VerifySecondFactor completes a login that is waiting for TOTP, with a
// current TOTP code or an unused recovery code. Wrong codes count as failed
// logins for throttling.
// It returns the token of a new session that replaces the pending one.
func (s *Service) VerifySecondFactor(ctx context.Context, token, code, ip string) (string, error) {
	row, err := s.sessionRow(ctx, token)
	if err != nil {
		return "", err
	}
	sess, u := row.Session, row.User
	if !sess.MFAPending {
		return token, nil
	}
	a, err := s.reserveAttempt(ctx, u.Email, ip, stepTOTP, "login.totp_failed")
	if err != nil {
		return "", err
	}
	actx := audit.WithActor(ctx, audit.Actor{UserID: u.ID, Label: u.Email, IP: ip})
	ok, err := s.useTOTP(ctx, u, code)
	if err != nil {
		return "", err
	}
	if !ok {
		used, err := s.useRecoveryCode(actx, u, code)
		if err != nil {
			return "", err
		}
		if !used {
			return "", s.fail(ctx, a, &apperr.Error{Kind: apperr.ErrBadCredentials, Code: "totp.failed", Field: "code"})
		}
	}
	var orgID int64
	if sess.OrganisationID != nil {
		orgID = *sess.OrganisationID
	}
	fresh := randomToken(32)
	now := s.now()
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		// A new session id after the second factor: a token seen before
		// it never becomes a full session.
		if err := tx.DB.Where("id_hash = ?", sess.IDHash).Delete(&session{}).Error; err != nil {
			return err
		}
		sess.IDHash, sess.MFAPending, sess.CSRFToken = sha(fresh), false, randomToken(20)
		sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = now, now, now.Add(s.opt.SessionTTL)
		if err := tx.DB.Create(&sess).Error; err != nil {
			return err
		}
		return s.recordSuccess(actx, tx, a, u, orgID)
	})
	return fresh, err
}

// Authenticate returns the principal of a browser session. A session still
// waiting for its second factor answers with Principal.User set and
// mfaPending true, and may only reach the TOTP step.
func (s *Service) Authenticate(ctx context.Context, token string) (p Principal, mfaPending bool, err error) {
	row, err := s.sessionRow(ctx, token)
	if err != nil {
		return p, false, err
	}
	// A membership or organisation gone since: continue without one.
	p, _ = row.principal()
	sess := row.Session
	if !sess.ViaSSO && !p.User.IsOperator && p.OrgID() != 0 && !p.Organisation.PasswordLogin {
		// A password session does not act in an organisation that turned
		// passwords off, whether it was there before the owner did or got
		// there by accepting an invitation: it continues without one.
		p.Organisation, p.Role = Organisation{}, ""
	}
	p.SessionHash, p.CSRFToken = sess.IDHash, sess.CSRFToken
	now := s.now()
	// Sliding expiry, written at most once a minute to spare the database.
	if now.Sub(sess.LastSeenAt) > time.Minute {
		s.st.DB.WithContext(ctx).Model(&session{}).Where("id_hash = ?", sess.IDHash).
			Updates(map[string]any{"last_seen_at": now, "expires_at": now.Add(s.opt.SessionTTL)})
	}
	return p, sess.MFAPending, nil
}

// sessionRow reads the live session of token with its principal row;
// ErrUnauthenticated when there is none or its user is disabled.
func (s *Service) sessionRow(ctx context.Context, token string) (principalRow, error) {
	if token == "" {
		return principalRow{}, apperr.ErrUnauthenticated
	}
	return s.loadPrincipalRow(ctx, sha(token), false)
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		var sess session
		if err := tx.DB.Where("id_hash = ?", sha(token)).Take(&sess).Error; err != nil {
			if store.IsNotFound(err) {
				return nil
			}
			return err
		}
		if err := tx.DB.Where("id_hash = ?", sess.IDHash).Delete(&session{}).Error; err != nil {
			return err
		}
		var orgID int64
		if sess.OrganisationID != nil {
			orgID = *sess.OrganisationID
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: orgID, Action: "logout", TargetType: "user", TargetID: fmt.Sprint(sess.UserID)})
	})
}

// SwitchOrganisation makes orgID the session's current organisation. An
// organisation the user may not act in answers apperr.ErrNotFound.
func (s *Service) SwitchOrganisation(ctx context.Context, p *Principal, orgID int64) error {
	target, err := s.principalFor(ctx, p.User, orgID)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		var viaSSO bool
		if err := tx.DB.Model(&session{}).Where("id_hash = ?", p.SessionHash).Select("via_sso").Scan(&viaSSO).Error; err != nil {
			return err
		}
		if !viaSSO && !p.User.IsOperator && !target.Organisation.PasswordLogin {
			// A password session cannot reach, by switching, an
			// organisation whose people must sign in through its provider.
			return apperr.Forbidden("login.password_disabled")
		}
		if err := tx.DB.Model(&session{}).Where("id_hash = ?", p.SessionHash).Update("organisation_id", orgID).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: orgID, Action: "organisation.switch", TargetType: "organisation", TargetID: fmt.Sprint(orgID)})
	})
}

// PurgeExpired deletes expired sessions and login attempts older than a
// day; a periodic job calls it.
func (s *Service) PurgeExpired(ctx context.Context) (int64, error) {
	res := s.st.DB.WithContext(ctx).Where("expires_at < ?", s.now()).Delete(&session{})
	if res.Error != nil {
		return 0, res.Error
	}
	err := s.st.DB.WithContext(ctx).Where("created_at < ?", s.now().Add(-24*time.Hour-s.opt.Window)).Delete(&loginAttempt{}).Error
	return res.RowsAffected, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// SignedIn reports whether sessionToken is a full session (its second
// factor given) or bearer a live API token: a caller who may send more
// than a login form. It writes nothing; the web layer asks it before a
// large request body is read.
func (s *Service) SignedIn(ctx context.Context, sessionToken, bearer string) bool {
	if bearer != "" {
		if !strings.HasPrefix(bearer, tokenPrefix) {
			return false
		}
		row, err := s.loadPrincipalRow(ctx, sha(bearer), true)
		return err == nil && row.Token.ID != 0
	}
	if sessionToken == "" {
		return false
	}
	row, err := s.loadPrincipalRow(ctx, sha(sessionToken), false)
	return err == nil && !row.Session.MFAPending
}
