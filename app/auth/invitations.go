package auth

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm/clause"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/store"
)

// Invitation is an owner's offer of a role in their organisation to an
// e-mail address. Nobody joins an organisation without accepting: an
// owner who could add any existing account by its address could pull
// another merchant's staff into their organisation, and would learn which
// addresses have accounts.
type Invitation struct {
	ID             int64
	OrganisationID int64
	Email          string `pan:"refuse"`
	Role           Role
	InvitedBy      *int64
	CreatedAt      time.Time
	ExpiresAt      time.Time
	AnsweredAt     *time.Time
	Accepted       *bool
	// OrganisationName is filled for the invitee's list.
	OrganisationName string `gorm:"->;-:migration"`
}

// invitationDays is how long an invitation can be accepted.
const invitationDays = 14

// Invite offers role in the current organisation to email. Owners only.
// When no account has the address, one is made (in no organisation) with
// the initial password the owner chose, to be given to the person; an
// existing account keeps its own password. Either way the person joins
// only by accepting while signed in, and the answer, its timing and the
// members page are the same whether or not the address had an account.
func (s *Service) Invite(ctx context.Context, p *Principal, email, name, password string, role Role) error {
	if err := p.Require(ManageMembers); err != nil {
		return err
	}
	email, name = NormaliseEmail(email), strings.TrimSpace(name)
	v := &apperr.ValidationError{}
	if !validEmail(email) {
		v.Add("email", "validation.email")
	}
	if name == "" || utf8.RuneCountInString(name) > 200 {
		v.Add("name", "validation.required_max_chars", 200)
	}
	validatePassword(v, "password", password, email, name)
	if !role.Valid() {
		v.Add("role", "validation.role")
	}
	if err := v.OrNil(); err != nil {
		return err
	}
	// Hashed for an existing account too, where it is not used: the answer
	// takes as long either way.
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		var u User
		if err := tx.DB.Where("email = ?", email).Take(&u).Error; err != nil && !store.IsNotFound(err) {
			return err
		}
		if u.ID != 0 {
			var member int64
			if err := tx.DB.Model(&Membership{}).Where("user_id = ? AND organisation_id = ?", u.ID, p.OrgID()).Count(&member).Error; err != nil {
				return err
			}
			if member > 0 {
				// The owner sees the members already; this tells nothing new.
				return apperr.Invalid("email", "validation.already_member")
			}
		} else {
			u = User{Email: email, Name: name, PasswordHash: hash}
			if err := tx.DB.Create(&u).Error; err != nil {
				return err
			}
		}
		now := tx.Now()
		inv := Invitation{OrganisationID: p.OrgID(), Email: email, Role: role, InvitedBy: &p.User.ID, CreatedAt: now, ExpiresAt: now.AddDate(0, 0, invitationDays)}
		// Inviting again replaces the open invitation's role and expiry.
		if err := tx.DB.Where("organisation_id = ? AND email = ? AND answered_at IS NULL", inv.OrganisationID, email).Delete(&Invitation{}).Error; err != nil {
			return err
		}
		if err := tx.DB.Create(&inv).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "invitation.create", TargetType: "invitation", TargetID: fmt.Sprint(inv.ID),
			Details: map[string]any{"email": email, "role": role}})
	})
}

// Invitations lists the current organisation's open invitations. Owners
// only.
func (s *Service) Invitations(ctx context.Context, p *Principal) ([]Invitation, error) {
	if err := p.Require(ManageMembers); err != nil {
		return nil, err
	}
	var out []Invitation
	err := s.st.DB.WithContext(ctx).Where("organisation_id = ? AND answered_at IS NULL AND expires_at > ?", p.OrgID(), s.now()).
		Order("created_at DESC, id DESC").Find(&out).Error
	return out, err
}

// CancelInvitation withdraws an open invitation of the current
// organisation. Owners only.
func (s *Service) CancelInvitation(ctx context.Context, p *Principal, id int64) error {
	if err := p.Require(ManageMembers); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		res := tx.DB.Where("id = ? AND organisation_id = ? AND answered_at IS NULL", id, p.OrgID()).Delete(&Invitation{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.ErrNotFound
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "invitation.cancel", TargetType: "invitation", TargetID: fmt.Sprint(id)})
	})
}

// MyInvitations lists the open invitations to the signed-in user's
// address, with the inviting organisation's name.
func (s *Service) MyInvitations(ctx context.Context, p *Principal) ([]Invitation, error) {
	var out []Invitation
	err := s.st.DB.WithContext(ctx).Table("invitations").Select("invitations.*, organisations.name AS organisation_name").
		Joins("JOIN organisations ON organisations.id = invitations.organisation_id").
		Where("invitations.email = ? AND invitations.answered_at IS NULL AND invitations.expires_at > ?", p.User.Email, s.now()).
		Order("invitations.created_at, invitations.id").Scan(&out).Error
	return out, err
}

// AnswerInvitation accepts or declines one of the signed-in user's open
// invitations. Accepting makes the user a member with the invitation's
// role and, for a browser session, acts in that organisation from now on.
// Any other id answers apperr.ErrNotFound.
func (s *Service) AnswerInvitation(ctx context.Context, p *Principal, id int64, accept bool) (orgID int64, err error) {
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		var inv Invitation
		err := tx.DB.Where("id = ? AND email = ? AND answered_at IS NULL AND expires_at > ?", id, p.User.Email, tx.Now()).
			Clauses(clause.Locking{Strength: "UPDATE"}).Take(&inv).Error
		if store.IsNotFound(err) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := tx.DB.Model(&Invitation{}).Where("id = ?", inv.ID).Updates(map[string]any{"answered_at": tx.Now(), "accepted": accept}).Error; err != nil {
			return err
		}
		action := "invitation.decline"
		if accept {
			action = "invitation.accept"
			if err := s.setMembership(ctx, tx, inv.OrganisationID, p.User.ID, inv.Role); err != nil {
				return err
			}
			if len(p.SessionHash) > 0 {
				if err := tx.DB.Model(&session{}).Where("id_hash = ?", p.SessionHash).Update("organisation_id", inv.OrganisationID).Error; err != nil {
					return err
				}
			}
			orgID = inv.OrganisationID
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: inv.OrganisationID, Action: action, TargetType: "invitation", TargetID: fmt.Sprint(inv.ID)})
	})
	return orgID, err
}
