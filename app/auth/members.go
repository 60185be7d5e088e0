package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/store"
)

// Member is a user with their role in the current organisation.
type Member struct {
	User User
	Role Role
}

// ListMembers lists the current organisation's members.
func (s *Service) ListMembers(ctx context.Context, p *Principal) ([]Member, error) {
	if err := p.Require(ReadMembers); err != nil {
		return nil, err
	}
	type row struct {
		User
		Role Role
	}
	var rows []row
	err := s.st.DB.WithContext(ctx).Table("users").Select("users.*, memberships.role").
		Joins("JOIN memberships ON memberships.user_id = users.id").
		Where("memberships.organisation_id = ?", p.OrgID()).Order("users.name, users.id").Scan(&rows).Error
	out := make([]Member, len(rows))
	for i, r := range rows {
		out[i] = Member{User: r.User, Role: r.Role}
	}
	return out, err
}

// Member returns one member of the current organisation; a user who is not
// a member answers apperr.ErrNotFound.
func (s *Service) Member(ctx context.Context, p *Principal, userID int64) (Member, error) {
	members, err := s.ListMembers(ctx, p)
	if err != nil {
		return Member{}, err
	}
	for _, m := range members {
		if m.User.ID == userID {
			return m, nil
		}
	}
	return Member{}, apperr.ErrNotFound
}

// SetRole changes a member's role. Owners only; the last owner cannot be
// demoted, so an organisation is never left without one.
func (s *Service) SetRole(ctx context.Context, p *Principal, userID int64, role Role) error {
	if err := p.Require(ManageMembers); err != nil {
		return err
	}
	if !role.Valid() {
		return apperr.Invalid("role", "validation.role")
	}
	m, err := s.Member(ctx, p, userID)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if m.Role == RoleOwner && role != RoleOwner {
			if err := s.keepAnOwner(tx, p.OrgID()); err != nil {
				return err
			}
		}
		return s.setMembership(ctx, tx, p.OrgID(), userID, role)
	})
}

// RemoveMember takes a user out of the current organisation. Owners only.
func (s *Service) RemoveMember(ctx context.Context, p *Principal, userID int64) error {
	if err := p.Require(ManageMembers); err != nil {
		return err
	}
	m, err := s.Member(ctx, p, userID)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if m.Role == RoleOwner {
			if err := s.keepAnOwner(tx, p.OrgID()); err != nil {
				return err
			}
		}
		if err := tx.DB.Where("user_id = ? AND organisation_id = ?", userID, p.OrgID()).Delete(&Membership{}).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "membership.remove", TargetType: "user", TargetID: fmt.Sprint(userID)})
	})
}

func (s *Service) keepAnOwner(tx *store.Tx, orgID int64) error {
	var owners int64
	if err := tx.DB.Raw(`SELECT count(*) FROM memberships WHERE organisation_id = ? AND role = 'owner'`, orgID).Scan(&owners).Error; err != nil {
		return err
	}
	if owners <= 1 {
		return apperr.Conflict("conflict.last_owner")
	}
	return nil
}

// ChangePassword sets a new password after checking the current one. The
// check is a try at the account, throttled and audited like a login. Every
// other session and every API token of the user ends: a changed password
// should lock out whoever knew the old one, and whatever they made with it.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next string) error {
	var u User
	if err := s.st.DB.WithContext(ctx).Take(&u, p.User.ID).Error; err != nil {
		return err
	}
	v := &apperr.ValidationError{}
	validatePassword(v, "new_password", next, u.Email, u.Name)
	if err := s.reauthenticate(ctx, u, "current_password", current); err != nil {
		if err := v.Merge(err); err != nil {
			return err
		}
		return v
	}
	if err := v.OrNil(); err != nil {
		return err
	}
	hash, err := s.hashPassword(ctx, next)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Model(&User{}).Where("id = ?", u.ID).Update("password_hash", hash).Error; err != nil {
			return err
		}
		if err := tx.DB.Where("user_id = ? AND id_hash <> ?", u.ID, p.SessionHash).Delete(&session{}).Error; err != nil {
			return err
		}
		revoked := tx.DB.Model(&APIToken{}).Where("user_id = ? AND revoked_at IS NULL", u.ID).Update("revoked_at", tx.Now())
		if revoked.Error != nil {
			return revoked.Error
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "user.password_changed", TargetType: "user", TargetID: fmt.Sprint(u.ID),
			Details: map[string]any{"tokens_revoked": revoked.RowsAffected}})
	})
}

// reauthenticate checks a signed-in user's current password before a
// change that needs it. It is a try at the account like a login: wrong
// answers count toward the same throttle and are audited.
func (s *Service) reauthenticate(ctx context.Context, u User, field, password string) error {
	a, err := s.reserveAttempt(ctx, u.Email, audit.ActorFrom(ctx).IP, stepReauth, "user.password_check_failed")
	if err != nil {
		return err
	}
	ok, err := s.checkPassword(ctx, u.PasswordHash, password)
	if err != nil {
		s.release(ctx, a)
		return err
	}
	if !ok {
		return s.fail(ctx, a, apperr.Invalid(field, "validation.current_password"))
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error { return s.succeed(tx, a) })
}

// SetLanguage stores the user's UI language ("" = follow the browser).
func (s *Service) SetLanguage(ctx context.Context, p *Principal, lang string) error {
	lang = strings.TrimSpace(lang)
	if lang != "" && lang != "ja" && lang != "en" {
		return apperr.Invalid("language", "validation.language_or_empty")
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Model(&User{}).Where("id = ?", p.User.ID).Update("language", lang).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "user.language", TargetType: "user", TargetID: fmt.Sprint(p.User.ID), Details: map[string]any{"language": lang}})
	})
}
