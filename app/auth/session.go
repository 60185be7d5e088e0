package auth

import (
	"context"
	"fmt"
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
	if err := s.checkThrottle(ctx, email, ip); err != nil {
		return LoginResult{}, err
	}
	var u User
	err := s.st.DB.WithContext(ctx).Where("email = ? AND disabled_at IS NULL", email).Take(&u).Error
	if err != nil && !store.IsNotFound(err) {
		return LoginResult{}, err
	}
	hash := u.PasswordHash
	if u.ID == 0 {
		hash = dummyHash()
	}
	if !CheckPassword(hash, password) || u.ID == 0 {
		return LoginResult{}, s.failLogin(ctx, email, ip, "login.failed")
	}
	token := randomToken(32)
	orgID, err := s.defaultOrganisation(ctx, u)
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
			return nil // the login completes, and is recorded, after the second factor
		}
		return s.recordSuccess(actx, tx, u, orgID, ip)
	})
	return LoginResult{SessionToken: token, MFARequired: sess.MFAPending}, err
}

func (s *Service) recordSuccess(ctx context.Context, tx *store.Tx, u User, orgID int64, ip string) error {
	if err := tx.DB.Create(&loginAttempt{Email: u.Email, IP: ip, Succeeded: true, CreatedAt: s.now()}).Error; err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{OrganisationID: orgID, Action: "login.succeeded", TargetType: "user", TargetID: fmt.Sprint(u.ID)})
}

func (s *Service) failLogin(ctx context.Context, email, ip, action string) error {
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Create(&loginAttempt{Email: email, IP: ip, Succeeded: false, CreatedAt: s.now()}).Error; err != nil {
			return err
		}
		actx := audit.WithActor(ctx, audit.Actor{Label: email, IP: ip})
		return audit.Record(actx, tx, audit.Entry{Action: action, TargetType: "user", TargetID: email})
	})
	if err != nil {
		return err
	}
	return ErrBadCredentials
}

// checkThrottle counts failures since the later of the window start and
// the account's last success.
func (s *Service) checkThrottle(ctx context.Context, email, ip string) error {
	since := s.now().Add(-s.opt.Window)
	var perAccount, perIP int64
	err := s.st.DB.WithContext(ctx).Raw(`SELECT count(*) FROM login_attempts
		WHERE email = ? AND NOT succeeded AND created_at > ?
		AND created_at > COALESCE((SELECT max(created_at) FROM login_attempts WHERE email = ? AND succeeded), '-infinity')`,
		email, since, email).Scan(&perAccount).Error
	if err != nil {
		return err
	}
	if err := s.st.DB.WithContext(ctx).Raw(`SELECT count(*) FROM login_attempts WHERE ip = ? AND NOT succeeded AND created_at > ?`,
		ip, since).Scan(&perIP).Error; err != nil {
		return err
	}
	if perAccount >= int64(s.opt.MaxPerAccount) || perIP >= int64(s.opt.MaxPerIP) {
		return apperr.ErrThrottled
	}
	return nil
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
	if err := s.checkThrottle(ctx, u.Email, ip); err != nil {
		return "", err
	}
	actx := audit.WithActor(ctx, audit.Actor{UserID: u.ID, Label: u.Email, IP: ip})
	ok, err := s.checkTOTP(u, code)
	if err != nil {
		return "", err
	}
	if !ok {
		used, err := s.useRecoveryCode(actx, u, code)
		if err != nil {
			return "", err
		}
		if !used {
			return "", s.failLogin(ctx, u.Email, ip, "login.totp_failed")
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
		return s.recordSuccess(actx, tx, u, orgID, ip)
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
	if _, err := s.principalFor(ctx, p.User, orgID); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
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
