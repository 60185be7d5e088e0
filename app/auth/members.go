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
	if err := p.Require(Roles...); err != nil {
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

// Invite adds a user (created when the e-mail is new, with the given
// initial password) to the current organisation. Owners only.
func (s *Service) Invite(ctx context.Context, p *Principal, email, name, password string, role Role) (User, error) {
	if err := p.Require(RoleOwner); err != nil {
		return User{}, err
	}
	if existing, err := s.UserByEmail(ctx, email); err == nil {
		if !role.Valid() {
			return User{}, apperr.Invalid("role", "must be one of owner, manager, responder, legal, viewer")
		}
		return existing, s.st.InTx(ctx, func(tx *store.Tx) error { return s.setMembership(ctx, tx, p.OrgID(), existing.ID, role) })
	}
	return s.CreateUser(ctx, NewUser{Email: email, Name: name, Password: password, OrgSlug: p.Organisation.Slug, Role: role})
}

// SetRole changes a member's role. Owners only; the last owner cannot be
// demoted, so an organisation is never left without one.
func (s *Service) SetRole(ctx context.Context, p *Principal, userID int64, role Role) error {
	if err := p.Require(RoleOwner); err != nil {
		return err
	}
	if !role.Valid() {
		return apperr.Invalid("role", "must be one of owner, manager, responder, legal, viewer")
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
	if err := p.Require(RoleOwner); err != nil {
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
		return fmt.Errorf("%w: the organisation needs at least one owner", apperr.ErrConflict)
	}
	return nil
}

// ChangePassword sets a new password after checking the current one.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next string) error {
	var u User
	if err := s.st.DB.WithContext(ctx).Take(&u, p.User.ID).Error; err != nil {
		return err
	}
	v := &apperr.ValidationError{}
	if !CheckPassword(u.PasswordHash, current) {
		v.Add("current_password", "is not your current password")
	}
	validatePassword(v, "new_password", next)
	if err := v.OrNil(); err != nil {
		return err
	}
	hash, err := HashPassword(next, s.opt.Argon2)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Model(&User{}).Where("id = ?", u.ID).Update("password_hash", hash).Error; err != nil {
			return err
		}
		// Other sessions end: a changed password should lock out whoever knew the old one.
		if err := tx.DB.Where("user_id = ? AND id_hash <> ?", u.ID, p.SessionHash).Delete(&session{}).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "user.password_changed", TargetType: "user", TargetID: fmt.Sprint(u.ID)})
	})
}

// SetLanguage stores the user's UI language ("" = follow the browser).
func (s *Service) SetLanguage(ctx context.Context, p *Principal, lang string) error {
	lang = strings.TrimSpace(lang)
	if lang != "" && lang != "ja" && lang != "en" {
		return apperr.Invalid("language", "must be ja, en or empty")
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Model(&User{}).Where("id = ?", p.User.ID).Update("language", lang).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "user.language", TargetType: "user", TargetID: fmt.Sprint(p.User.ID), Details: map[string]any{"language": lang}})
	})
}
