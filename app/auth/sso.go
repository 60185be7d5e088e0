package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/store"
)

// ExternalIdentity is a person as the identity provider vouches for them
// in a verified ID token: the provider checked the password and any second
// factor, so a single sign-on session never asks for TOTP.
type ExternalIdentity struct {
	Issuer  string
	Subject string
	Email   string // verified by the provider (email_verified)
	Name    string
	// Grants are the memberships the role claim gives.
	Grants []Grant
}

// Grant is one membership named by the provider's role claim.
type Grant struct {
	OrgSlug string
	Role    Role
}

// binding is what users.oidc_subject holds for id.
func (id ExternalIdentity) binding() string { return id.Issuer + " " + id.Subject }

// LoginSSO opens a session for a verified identity. Memberships come from
// the role claim (for organisations that exist; set or updated each login)
// and from open invitations to the address (accepted here). A person with
// neither, and no membership already, is refused with apperr.ErrForbidden
// "sso.no_membership" and no account is made. An account already bound to
// another subject of the provider is refused too ("sso.subject_mismatch"):
// an address the provider gave to someone new does not open it.
// Memberships the claim no longer names are kept (they may come from an
// invitation); owners remove members on the members page.
func (s *Service) LoginSSO(ctx context.Context, id ExternalIdentity, ip, userAgent string) (LoginResult, error) {
	id.Email = NormaliseEmail(id.Email)
	if !validEmail(id.Email) || id.Subject == "" {
		return LoginResult{}, s.RecordSSORefusal(ctx, id.Email, ip, "sso.token_invalid", "no usable email or subject")
	}
	var refusal string
	token := randomToken(32)
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		// Two first logins at once must not both create the user.
		if err := tx.DB.Exec(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, "sso:"+id.Email).Error; err != nil {
			return err
		}
		// The account bound to this provider account first: the address
		// may have changed at the provider since the first login.
		var u User
		if err := tx.DB.Where("oidc_subject = ?", id.binding()).Take(&u).Error; err != nil && !store.IsNotFound(err) {
			return err
		}
		if u.ID == 0 {
			if err := tx.DB.Where("email = ?", id.Email).Take(&u).Error; err != nil && !store.IsNotFound(err) {
				return err
			}
		}
		switch {
		case u.DisabledAt != nil:
			refusal = "sso.account_disabled"
			return nil
		case u.OIDCSubject != nil && *u.OIDCSubject != id.binding():
			refusal = "sso.subject_mismatch"
			return nil
		case u.OIDCSubject == nil && u.ID != 0 && (u.IsOperator || u.TOTPEnabled()):
			// An operator's or a second-factor account is not handed to
			// whoever the provider says owns the address: its TOTP would
			// be skipped. It keeps logging in with password and code.
			refusal = "sso.link_refused"
			return nil
		}
		var grants []grantOrg
		for _, g := range id.Grants {
			var org Organisation
			err := tx.DB.Where("slug = ?", g.OrgSlug).Take(&org).Error
			if store.IsNotFound(err) || !g.Role.Valid() {
				continue // the claim names no organisation of ours
			}
			if err != nil {
				return err
			}
			grants = append(grants, grantOrg{org.ID, g.Role})
		}
		var invs []Invitation
		if err := tx.DB.Where("email = ? AND answered_at IS NULL AND expires_at > ?", id.Email, tx.Now()).
			Order("created_at, id").Find(&invs).Error; err != nil {
			return err
		}
		var members int64
		if u.ID != 0 {
			if err := tx.DB.Model(&Membership{}).Where("user_id = ?", u.ID).Count(&members).Error; err != nil {
				return err
			}
		}
		if len(grants) == 0 && len(invs) == 0 && members == 0 && !u.IsOperator {
			refusal = "sso.no_membership"
			return nil
		}
		actx := audit.WithActor(ctx, audit.Actor{UserID: u.ID, Label: id.Email, IP: ip})
		binding := id.binding()
		if u.ID == 0 {
			name := strings.TrimSpace(id.Name)
			if name == "" {
				name, _, _ = strings.Cut(id.Email, "@")
			}
			// No password: the account signs in through the provider only
			// (an empty hash matches no password).
			u = User{Email: id.Email, Name: truncate(name, 200), OIDCSubject: &binding}
			if err := tx.DB.Create(&u).Error; err != nil {
				return err
			}
			actx = audit.WithActor(ctx, audit.Actor{UserID: u.ID, Label: id.Email, IP: ip})
			if err := audit.Record(actx, tx, audit.Entry{Action: "user.create", TargetType: "user", TargetID: fmt.Sprint(u.ID),
				Details: map[string]any{"email": u.Email, "via": "oidc"}}); err != nil {
				return err
			}
		} else if u.OIDCSubject == nil {
			if err := tx.DB.Model(&User{}).Where("id = ?", u.ID).Update("oidc_subject", binding).Error; err != nil {
				return err
			}
		}
		var firstOrg int64
		for _, inv := range invs {
			if err := tx.DB.Model(&Invitation{}).Where("id = ?", inv.ID).Updates(map[string]any{"answered_at": tx.Now(), "accepted": true}).Error; err != nil {
				return err
			}
			if err := s.setMembership(actx, tx, inv.OrganisationID, u.ID, inv.Role); err != nil {
				return err
			}
			if err := audit.Record(actx, tx, audit.Entry{OrganisationID: inv.OrganisationID, Action: "invitation.accept", TargetType: "invitation",
				TargetID: fmt.Sprint(inv.ID), Details: map[string]any{"via": "oidc"}}); err != nil {
				return err
			}
			if firstOrg == 0 {
				firstOrg = inv.OrganisationID
			}
		}
		// The claim after invitations: the provider has the last word on
		// the role in an organisation it names.
		for i, g := range grants {
			if err := s.setMembership(actx, tx, g.orgID, u.ID, g.role); err != nil {
				return err
			}
			if i == 0 {
				firstOrg = g.orgID
			}
		}
		if firstOrg == 0 {
			var err error
			if firstOrg, err = s.defaultOrganisationTx(tx, u); err != nil {
				return err
			}
		}
		now := tx.Now()
		sess := session{IDHash: sha(token), UserID: u.ID, CSRFToken: randomToken(20), ViaSSO: true, IP: ip, UserAgent: truncate(userAgent, 300),
			CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.opt.SessionTTL)}
		if firstOrg != 0 {
			sess.OrganisationID = &firstOrg
		}
		if err := tx.DB.Create(&sess).Error; err != nil {
			return err
		}
		return audit.Record(actx, tx, audit.Entry{OrganisationID: firstOrg, Action: "login.sso_succeeded", TargetType: "user", TargetID: fmt.Sprint(u.ID),
			Details: map[string]any{"issuer": id.Issuer, "grants": len(grants), "invitations": len(invs)}})
	})
	if err != nil {
		return LoginResult{}, err
	}
	if refusal != "" {
		return LoginResult{}, s.RecordSSORefusal(ctx, id.Email, ip, refusal, "")
	}
	return LoginResult{SessionToken: token}, nil
}

type grantOrg struct {
	orgID int64
	role  Role
}

// defaultOrganisationTx is defaultOrganisation inside tx.
func (s *Service) defaultOrganisationTx(tx *store.Tx, u User) (int64, error) {
	var orgs []Organisation
	db := tx.DB.Order("name, id").Limit(1)
	if !u.IsOperator {
		db = db.Where("id IN (SELECT organisation_id FROM memberships WHERE user_id = ?)", u.ID)
	}
	if err := db.Find(&orgs).Error; err != nil || len(orgs) == 0 {
		return 0, err
	}
	return orgs[0].ID, nil
}

// defaultPasswordOrganisation is the organisation a password login opens
// in: the first that still takes passwords (operators: the first of all).
func (s *Service) defaultPasswordOrganisation(ctx context.Context, u User) (int64, error) {
	orgs, err := s.Organisations(ctx, u)
	if err != nil {
		return 0, err
	}
	for _, o := range orgs {
		if o.PasswordLogin || u.IsOperator {
			return o.ID, nil
		}
	}
	return 0, nil
}

// RecordSSORefusal audits a refused single sign-on ("login.sso_refused",
// with the reason code and, for a token the relying party rejected, what
// the check said) and returns the error to answer with: apperr.ErrForbidden
// with the reason as its message code. email is "" when no token was
// trusted enough to read one.
func (s *Service) RecordSSORefusal(ctx context.Context, email, ip, reason, detail string) error {
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		label := email
		if label == "" {
			label = "oidc"
		}
		actx := audit.WithActor(ctx, audit.Actor{Label: label, IP: ip})
		details := map[string]any{"reason": reason}
		if detail != "" {
			details["detail"] = truncate(detail, 300)
		}
		return audit.Record(actx, tx, audit.Entry{Action: "login.sso_refused", TargetType: "user", TargetID: email, Details: details})
	})
	if err != nil {
		return err
	}
	return apperr.Forbidden(reason)
}

// passwordLoginRefused reports whether u may not log in with a password:
// every organisation u is a member of has turned password login off.
// Operators are excepted: they run the platform, belong to no
// organisation's identity provider, and must still get in when the
// provider is down. A user in no organisation yet (an invitee) may log in
// to answer invitations.
func (s *Service) passwordLoginRefused(ctx context.Context, u User) (bool, error) {
	if u.IsOperator {
		return false, nil
	}
	var row struct{ Total, Allowed int64 }
	err := s.st.DB.WithContext(ctx).Raw(`SELECT count(*) AS total, count(*) FILTER (WHERE o.password_login) AS allowed
		FROM memberships m JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id = ?`, u.ID).Scan(&row).Error
	return row.Total > 0 && row.Allowed == 0, err
}

// SetPasswordLogin turns local password login on or off for the current
// organisation. The owner's (EditProfile). Audited.
func (s *Service) SetPasswordLogin(ctx context.Context, p *Principal, on bool) error {
	if err := p.Require(EditProfile); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Model(&Organisation{}).Where("id = ?", p.OrgID()).Updates(map[string]any{"password_login": on, "updated_at": tx.Now()}).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "organisation.password_login", TargetType: "organisation",
			TargetID: fmt.Sprint(p.OrgID()), Details: map[string]any{"password_login": on}})
	})
}
