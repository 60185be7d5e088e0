package auth

import (
	"context"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/store"
)

// Steps at which a secret is checked, named in the audit rows of refused
// and failed tries.
const (
	stepPassword = "password" // the login form
	stepTOTP     = "totp"     // the login's second factor
	stepReauth   = "reauth"   // the current password, to change it or turn 2FA off
)

// attempt is one try at an account's secret, recorded as failed before the
// secret is checked.
type attempt struct {
	id         int64
	email, ip  string
	step       string
	failAction string // the audit action when the secret is wrong
}

// reserveAttempt decides whether a try at email's secret from ip may be
// checked at all, and if so records it as failed before the check. Tries
// for one account, and from one address, take turns on advisory locks, so
// forty tries at once see each other: no more than MaxPerAccount secrets
// are checked in a window however many arrive together. A refused try is
// audited and answers apperr.ErrThrottled.
//
// Failures count since the later of the window's start and the account's
// last success.
func (s *Service) reserveAttempt(ctx context.Context, email, ip, step, failAction string) (attempt, error) {
	a := attempt{email: email, ip: ip, step: step, failAction: failAction}
	throttled := false
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		// Always the account's lock first, then the address's: no two
		// tries wait for each other in a circle.
		for _, key := range []string{"login-email:" + email, "login-ip:" + ip} {
			if err := tx.DB.Exec(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, key).Error; err != nil {
				return err
			}
		}
		since := tx.Now().Add(-s.opt.Window)
		var perAccount, perIP int64
		if err := tx.DB.Raw(`SELECT count(*) FROM login_attempts
			WHERE email = ? AND NOT succeeded AND created_at > ?
			AND created_at > COALESCE((SELECT max(created_at) FROM login_attempts WHERE email = ? AND succeeded), '-infinity')`,
			email, since, email).Scan(&perAccount).Error; err != nil {
			return err
		}
		if err := tx.DB.Raw(`SELECT count(*) FROM login_attempts WHERE ip = ? AND NOT succeeded AND created_at > ?`,
			ip, since).Scan(&perIP).Error; err != nil {
			return err
		}
		if perAccount >= int64(s.opt.MaxPerAccount) || perIP >= int64(s.opt.MaxPerIP) {
			throttled = true
			actx := audit.WithActor(ctx, audit.Actor{Label: email, IP: ip})
			return audit.Record(actx, tx, audit.Entry{Action: "login.throttled", TargetType: "user", TargetID: email,
				Details: map[string]any{"step": step, "failures_for_account": perAccount, "failures_from_address": perIP}})
		}
		row := loginAttempt{Email: email, IP: ip, Succeeded: false, CreatedAt: tx.Now()}
		if err := tx.DB.Create(&row).Error; err != nil {
			return err
		}
		a.id = row.ID
		return nil
	})
	if err == nil && throttled {
		err = apperr.New(apperr.ErrThrottled, "login.throttled")
	}
	return a, err
}

// fail audits a wrong secret (the try is already counted) and returns the
// error the caller answers with.
func (s *Service) fail(ctx context.Context, a attempt, answer error) error {
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		actx := audit.WithActor(ctx, audit.Actor{Label: a.email, IP: a.ip})
		if u := audit.ActorFrom(ctx); u.UserID != 0 {
			actx = ctx // a signed-in user re-entering their password
		}
		return audit.Record(actx, tx, audit.Entry{Action: a.failAction, TargetType: "user", TargetID: a.email, Details: map[string]any{"step": a.step}})
	})
	if err != nil {
		return err
	}
	return answer
}

// succeed marks the try succeeded, which also clears the account's count.
func (s *Service) succeed(tx *store.Tx, a attempt) error {
	return tx.DB.Model(&loginAttempt{}).Where("id = ?", a.id).Update("succeeded", true).Error
}

// release forgets a try whose secret was never checked (the server was too
// busy), so that a busy server does not lock people out.
func (s *Service) release(ctx context.Context, a attempt) {
	s.st.DB.WithContext(context.WithoutCancel(ctx)).Where("id = ?", a.id).Delete(&loginAttempt{})
}
