package auth

import (
	"bytes"
	"context"
	"crypto/subtle"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/store"
)

// TOTPEnrolment is a secret waiting for the user's first code.
type TOTPEnrolment struct {
	Secret string // base32, for manual entry
	URI    string // otpauth:// URI
	QRPNG  []byte // the URI as a QR code
}

// BeginTOTP creates a new TOTP secret for the user and stores it
// (encrypted) without enabling it; ConfirmTOTP enables it.
func (s *Service) BeginTOTP(ctx context.Context, p *Principal) (TOTPEnrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "BreachDesk", AccountName: p.User.Email})
	if err != nil {
		return TOTPEnrolment{}, err
	}
	if p.User.TOTPEnabled() {
		return TOTPEnrolment{}, apperr.Conflict("conflict.totp_on")
	}
	sealed := s.box.Seal([]byte(key.Secret()))
	if err := s.st.DB.WithContext(ctx).Model(&User{}).Where("id = ?", p.User.ID).Update("totp_secret_enc", sealed).Error; err != nil {
		return TOTPEnrolment{}, err
	}
	return enrolmentFor(key)
}

// PendingTOTP returns the enrolment started by BeginTOTP, to show again.
func (s *Service) PendingTOTP(ctx context.Context, p *Principal) (TOTPEnrolment, bool, error) {
	var u User
	if err := s.st.DB.WithContext(ctx).Take(&u, p.User.ID).Error; err != nil {
		return TOTPEnrolment{}, false, err
	}
	if u.TOTPEnabled() || len(u.TOTPSecretEnc) == 0 {
		return TOTPEnrolment{}, false, nil
	}
	secret, err := s.box.Open(u.TOTPSecretEnc)
	if err != nil {
		return TOTPEnrolment{}, false, err
	}
	key, err := otp.NewKeyFromURL(fmt.Sprintf("otpauth://totp/BreachDesk:%s?secret=%s&issuer=BreachDesk", u.Email, secret))
	if err != nil {
		return TOTPEnrolment{}, false, err
	}
	e, err := enrolmentFor(key)
	return e, err == nil, err
}

func enrolmentFor(key *otp.Key) (TOTPEnrolment, error) {
	img, err := key.Image(200, 200)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPEnrolment{}, err
	}
	return TOTPEnrolment{Secret: key.Secret(), URI: key.URL(), QRPNG: buf.Bytes()}, nil
}

// ConfirmTOTP enables two-factor login when code matches the pending
// secret, and returns ten single-use recovery codes (shown once).
func (s *Service) ConfirmTOTP(ctx context.Context, p *Principal, code string) ([]string, error) {
	var u User
	if err := s.st.DB.WithContext(ctx).Take(&u, p.User.ID).Error; err != nil {
		return nil, err
	}
	if len(u.TOTPSecretEnc) == 0 || u.TOTPEnabled() {
		return nil, apperr.Conflict("conflict.totp_not_enrolling")
	}
	step, ok, err := s.totpStep(u.TOTPSecretEnc, code)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.Invalid("code", "validation.totp_mismatch")
	}
	codes := make([]string, 10)
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Model(&User{}).Where("id = ?", u.ID).Update("totp_enabled_at", s.now()).Error; err != nil {
			return err
		}
		// The code that turned it on cannot also open the next login.
		if _, err := s.spendStep(tx.DB, u.ID, step); err != nil {
			return err
		}
		if err := tx.DB.Where("user_id = ?", u.ID).Delete(&recoveryCode{}).Error; err != nil {
			return err
		}
		for i := range codes {
			raw := randomToken(10)
			codes[i] = raw[:4] + "-" + raw[4:8] + "-" + raw[8:12]
			if err := tx.DB.Create(&recoveryCode{UserID: u.ID, CodeHash: sha(normaliseCode(codes[i])), CreatedAt: s.now()}).Error; err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "user.totp_enabled", TargetType: "user", TargetID: fmt.Sprint(u.ID)})
	})
	return codes, err
}

// DisableTOTP turns two-factor login off after checking the password.
func (s *Service) DisableTOTP(ctx context.Context, p *Principal, password string) error {
	var u User
	if err := s.st.DB.WithContext(ctx).Take(&u, p.User.ID).Error; err != nil {
		return err
	}
	if err := s.reauthenticate(ctx, u, "password", password); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Model(&User{}).Where("id = ?", u.ID).
			Updates(map[string]any{"totp_enabled_at": nil, "totp_secret_enc": nil, "totp_last_step": nil}).Error; err != nil {
			return err
		}
		if err := tx.DB.Where("user_id = ?", u.ID).Delete(&recoveryCode{}).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "user.totp_disabled", TargetType: "user", TargetID: fmt.Sprint(u.ID)})
	})
}

// useTOTP reports whether code is the user's current TOTP code and, if so,
// spends it: the step it belongs to, and every earlier one, are refused
// from then on, so a code seen over a shoulder or replayed from a proxy
// log opens nothing.
func (s *Service) useTOTP(ctx context.Context, u User, code string) (bool, error) {
	if len(u.TOTPSecretEnc) == 0 {
		return false, nil
	}
	step, ok, err := s.totpStep(u.TOTPSecretEnc, code)
	if !ok || err != nil {
		return false, err
	}
	return s.spendStep(s.st.DB.WithContext(ctx), u.ID, step)
}

// spendStep records step as the user's last, unless it was spent already.
func (s *Service) spendStep(db *gorm.DB, userID, step int64) (bool, error) {
	res := db.Model(&User{}).Where("id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)", userID, step).Update("totp_last_step", step)
	return res.RowsAffected == 1, res.Error
}

// totpPeriod is the TOTP step, in seconds (RFC 6238's default).
const totpPeriod = 30

// totpStep finds the step whose code is code: the current one, or one step
// either side for clock skew, as RFC 6238 recommends.
func (s *Service) totpStep(sealed []byte, code string) (step int64, ok bool, err error) {
	secret, err := s.box.Open(sealed)
	if err != nil {
		return 0, false, fmt.Errorf("auth: TOTP secret cannot be decrypted (was BREACHDESK_SECRET_KEY changed?): %w", err)
	}
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0, false, nil
	}
	now := s.now().Unix() / totpPeriod
	for _, step := range []int64{now - 1, now, now + 1} {
		want, err := totp.GenerateCodeCustom(string(secret), time.Unix(step*totpPeriod, 0), totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return 0, false, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true, nil
		}
	}
	return 0, false, nil
}

func (s *Service) useRecoveryCode(ctx context.Context, u User, code string) (bool, error) {
	code = normaliseCode(code)
	if len(code) < 12 {
		return false, nil
	}
	var used bool
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		var rcs []recoveryCode
		if err := tx.DB.Where("user_id = ? AND used_at IS NULL", u.ID).Find(&rcs).Error; err != nil {
			return err
		}
		want := sha(code)
		for _, rc := range rcs {
			if subtle.ConstantTimeCompare(rc.CodeHash, want) == 1 {
				res := tx.DB.Model(&recoveryCode{}).Where("id = ? AND used_at IS NULL", rc.ID).Update("used_at", s.now())
				if res.Error != nil {
					return res.Error
				}
				used = res.RowsAffected == 1
				return audit.Record(ctx, tx, audit.Entry{Action: "user.recovery_code_used", TargetType: "user", TargetID: fmt.Sprint(u.ID)})
			}
		}
		return nil
	})
	return used, err
}

func normaliseCode(c string) string {
	return strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(c)))
}

// TOTPCodeAt returns the code for a base32 secret at t; tests and the demo
// command use it.
func TOTPCodeAt(secret string, t time.Time) (string, error) { return totp.GenerateCode(secret, t) }
