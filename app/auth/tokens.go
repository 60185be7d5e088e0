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

// tokenPrefix marks BreachDesk tokens, so secret scanners can find leaked ones.
const tokenPrefix = "bdt_"

// TokenInput is what a user chooses for a new API token.
type TokenInput struct {
	Name  string
	Scope string // TokenRead or TokenWrite; "" is TokenRead
	Days  int    // lifetime in days, 1 to MaxTokenDays; 0 is DefaultTokenDays
}

// Token lifetimes. A token without an end stays valid in every script and
// CI log it was ever pasted into.
const (
	DefaultTokenDays = 90
	MaxTokenDays     = 365
)

// CreateAPIToken issues a bearer token for the principal's user in the
// current organisation. The returned secret is shown once; only its
// SHA-256 is stored.
func (s *Service) CreateAPIToken(ctx context.Context, p *Principal, in TokenInput) (string, APIToken, error) {
	if p.OrgID() == 0 {
		return "", APIToken{}, apperr.ErrNotFound
	}
	name := strings.TrimSpace(in.Name)
	v := &apperr.ValidationError{}
	if len([]rune(name)) > 100 {
		v.Add("name", "validation.max_chars", 100)
	}
	scope := in.Scope
	switch scope {
	case "":
		scope = TokenRead
	case TokenRead, TokenWrite:
	default:
		v.Add("scope", "validation.token_scope")
	}
	days := in.Days
	if days == 0 {
		days = DefaultTokenDays
	}
	if days < 1 || days > MaxTokenDays {
		v.Add("days", "validation.between", 1, MaxTokenDays)
	}
	if err := v.OrNil(); err != nil {
		return "", APIToken{}, err
	}
	if p.ReadOnly && scope == TokenWrite {
		return "", APIToken{}, apperr.Forbidden("forbidden.read_only_token")
	}
	secret := tokenPrefix + randomToken(32)
	now := s.now()
	t := APIToken{UserID: p.User.ID, OrganisationID: p.OrgID(), Name: name, Prefix: secret[:len(tokenPrefix)+6], TokenHash: sha(secret),
		Scope: scope, CreatedAt: now, ExpiresAt: now.AddDate(0, 0, days)}
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Create(&t).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: t.OrganisationID, Action: "token.create", TargetType: "api_token", TargetID: fmt.Sprint(t.ID),
			Details: map[string]any{"name": name, "prefix": t.Prefix, "scope": scope, "expires_at": t.ExpiresAt}})
	})
	return secret, t, err
}

// ListAPITokens lists the user's tokens in the current organisation.
func (s *Service) ListAPITokens(ctx context.Context, p *Principal) ([]APIToken, error) {
	var out []APIToken
	err := s.st.DB.WithContext(ctx).Where("user_id = ? AND organisation_id = ?", p.User.ID, p.OrgID()).Order("id DESC").Find(&out).Error
	return out, err
}

// RevokeAPIToken revokes one of the user's tokens in the current
// organisation; any other id answers apperr.ErrNotFound.
func (s *Service) RevokeAPIToken(ctx context.Context, p *Principal, id int64) error {
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		res := tx.DB.Model(&APIToken{}).Where("id = ? AND user_id = ? AND organisation_id = ? AND revoked_at IS NULL", id, p.User.ID, p.OrgID()).
			Update("revoked_at", s.now())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.ErrNotFound
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "token.revoke", TargetType: "api_token", TargetID: fmt.Sprint(id)})
	})
}

// AuthenticateToken resolves an "Authorization: Bearer" secret to its
// principal, acting in the token's organisation.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (Principal, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return Principal{}, apperr.ErrUnauthenticated
	}
	row, err := s.loadPrincipalRow(ctx, sha(secret), true)
	if err != nil {
		return Principal{}, err
	}
	p, ok := row.principal()
	if !ok {
		// membership gone: the token no longer grants anything
		return Principal{}, apperr.ErrUnauthenticated
	}
	t := row.Token
	p.TokenID, p.ReadOnly = t.ID, t.Scope != TokenWrite
	s.st.DB.WithContext(ctx).Model(&APIToken{}).Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", t.ID, s.now().Add(-5*time.Minute)).Update("last_used_at", s.now())
	return p, nil
}

// IssueTokenFor is the CLI's way to create a token for a user by e-mail in
// an organisation by slug (`breachdesk token create`).
func (s *Service) IssueTokenFor(ctx context.Context, email, orgSlug string, in TokenInput) (string, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return "", fmt.Errorf("user %s: %w", email, err)
	}
	org, err := s.OrganisationBySlug(ctx, orgSlug)
	if err != nil {
		return "", fmt.Errorf("organisation %s: %w", orgSlug, err)
	}
	p, err := s.principalFor(ctx, u, org.ID)
	if err != nil {
		return "", fmt.Errorf("%s is not a member of %s: %w", email, orgSlug, err)
	}
	actx := audit.WithActor(ctx, audit.Actor{UserID: u.ID, Label: "cli:" + u.Email})
	secret, _, err := s.CreateAPIToken(actx, &p, in)
	return secret, err
}
