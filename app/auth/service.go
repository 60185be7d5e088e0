package auth

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/store"
)

// Options configure a Service.
type Options struct {
	SecretKey     []byte        // encrypts TOTP secrets at rest
	SessionTTL    time.Duration // idle lifetime of a session
	Window        time.Duration // throttling window
	MaxPerAccount int           // failed logins per account within Window
	MaxPerIP      int           // failed logins per client address within Window
	Argon2        Argon2Params  // zero value means DefaultArgon2
	// MaxHashing is how many passwords are hashed or checked at once;
	// each takes Argon2.Memory while it runs. 0 means one per two cores.
	MaxHashing int
}

// Service is the accounts and sessions service.
type Service struct {
	st  *store.Store
	opt Options
	box *SecretBox
	now func() time.Time
	// principalSQL reads a request's principal in one query.
	principalSQL principalQueries
	// hashes bounds the Argon2 runs in progress (see hashing.go).
	hashes *hashSlots
}

// NewService checks the options and returns the service.
func NewService(st *store.Store, clk clock.Clock, opt Options) (*Service, error) {
	box, err := NewSecretBox(opt.SecretKey)
	if err != nil {
		return nil, err
	}
	if opt.Argon2 == (Argon2Params{}) {
		opt.Argon2 = DefaultArgon2
	}
	if opt.SessionTTL == 0 {
		opt.SessionTTL = 12 * time.Hour
	}
	if opt.Window == 0 {
		opt.Window = 15 * time.Minute
	}
	if opt.MaxPerAccount == 0 {
		opt.MaxPerAccount = 5
	}
	if opt.MaxPerIP == 0 {
		opt.MaxPerIP = 30
	}
	q, err := buildPrincipalQueries(st.DB)
	if err != nil {
		return nil, err
	}
	if opt.MaxHashing == 0 {
		// Argon2 runs two lanes: one check keeps two cores busy.
		opt.MaxHashing = max(1, runtime.NumCPU()/2)
	}
	return &Service{st: st, opt: opt, box: box, now: clk.Now, principalSQL: q, hashes: newHashSlots(opt.MaxHashing)}, nil
}

// Principal is the authenticated caller of one request: a user acting in
// one organisation with one role.
type Principal struct {
	User         User
	Organisation Organisation // zero when the user has no organisation yet
	Role         Role         // "" for an operator who is not a member
	SessionHash  []byte       // set for browser sessions
	CSRFToken    string       // set for browser sessions
	TokenID      int64        // set for API tokens
	// ReadOnly is set for API tokens of scope TokenRead: they may read
	// (GET, HEAD) and change nothing.
	ReadOnly bool
	// MultipleOrganisations is set by Authenticate and AuthenticateToken
	// when the user may act in more than one organisation (an operator, or
	// a member of several), so pages offer the organisation switcher.
	MultipleOrganisations bool
}

// OrgID is the current organisation's id, the scope of every tenant query.
func (p *Principal) OrgID() int64 { return p.Organisation.ID }

// Require returns apperr.ErrNotFound outside an organisation and
// apperr.ErrForbidden unless the principal holds perm.
func (p *Principal) Require(perm Permission) error {
	if p.Organisation.ID == 0 {
		return apperr.ErrNotFound
	}
	if !p.May(perm) {
		return apperr.ErrForbidden
	}
	return nil
}

// Actor returns the audit actor for this principal.
func (p *Principal) Actor(ip string) audit.Actor {
	return audit.Actor{UserID: p.User.ID, Label: p.User.Email, IP: ip}
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)

// NewUser is the input of CreateUser.
type NewUser struct {
	Email    string
	Name     string
	Password string
	OrgSlug  string // created when missing; "" for a user without organisation
	OrgName  string // name for a new organisation; defaults to the slug
	Role     Role
	Operator bool
}

// NormaliseEmail lower-cases and trims an address.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s, "@")
}

// CreateUser creates a user (or updates the membership of an existing one
// with the same e-mail) and, when OrgSlug names no organisation yet, creates
// it. Audited.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (User, error) {
	in.Email = NormaliseEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	v := &apperr.ValidationError{}
	if !validEmail(in.Email) {
		v.Add("email", "validation.email")
	}
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 200 {
		v.Add("name", "validation.required_max_chars", 200)
	}
	validatePassword(v, "password", in.Password, in.Email, in.Name)
	if in.OrgSlug != "" && !slugPattern.MatchString(in.OrgSlug) {
		v.Add("org", "validation.org_slug")
	}
	if in.OrgSlug != "" && !in.Role.Valid() {
		v.Add("role", "validation.role")
	}
	if err := v.OrNil(); err != nil {
		return User{}, err
	}
	hash, err := s.hashPassword(ctx, in.Password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Where("email = ?", in.Email).Take(&u).Error; err != nil && !store.IsNotFound(err) {
			return err
		}
		created := u.ID == 0
		u.Email, u.Name, u.PasswordHash = in.Email, in.Name, hash
		u.IsOperator = u.IsOperator || in.Operator
		if err := tx.DB.Save(&u).Error; err != nil {
			return err
		}
		action := "user.update"
		if created {
			action = "user.create"
		}
		if err := audit.Record(ctx, tx, audit.Entry{Action: action, TargetType: "user", TargetID: fmt.Sprint(u.ID),
			Details: map[string]any{"email": u.Email, "operator": u.IsOperator}}); err != nil {
			return err
		}
		if in.OrgSlug == "" {
			return nil
		}
		org, err := s.ensureOrganisation(ctx, tx, in.OrgSlug, in.OrgName)
		if err != nil {
			return err
		}
		return s.setMembership(ctx, tx, org.ID, u.ID, in.Role)
	})
	return u, err
}

func (s *Service) ensureOrganisation(ctx context.Context, tx *store.Tx, slug, name string) (Organisation, error) {
	var org Organisation
	err := tx.DB.Where("slug = ?", slug).Take(&org).Error
	if err == nil {
		return org, nil
	}
	if !store.IsNotFound(err) {
		return org, err
	}
	if name == "" {
		name = slug
	}
	org = Organisation{Slug: slug, Name: name, Timezone: "Asia/Tokyo", CardBrands: pq.StringArray{}}
	if err := tx.DB.Create(&org).Error; err != nil {
		return org, err
	}
	return org, audit.Record(ctx, tx, audit.Entry{OrganisationID: org.ID, Action: "organisation.create",
		TargetType: "organisation", TargetID: fmt.Sprint(org.ID), Details: map[string]any{"slug": slug}})
}

func (s *Service) setMembership(ctx context.Context, tx *store.Tx, orgID, userID int64, role Role) error {
	err := tx.DB.Exec(`INSERT INTO memberships (user_id, organisation_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, organisation_id) DO UPDATE SET role = EXCLUDED.role`, userID, orgID, role, tx.Now()).Error
	if err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{OrganisationID: orgID, Action: "membership.set",
		TargetType: "user", TargetID: fmt.Sprint(userID), Details: map[string]any{"role": string(role)}})
}

// OrganisationBySlug finds an organisation by its slug.
func (s *Service) OrganisationBySlug(ctx context.Context, slug string) (Organisation, error) {
	var org Organisation
	err := s.st.DB.WithContext(ctx).Where("slug = ?", slug).Take(&org).Error
	if store.IsNotFound(err) {
		return org, apperr.ErrNotFound
	}
	return org, err
}

// UserByEmail finds a user by e-mail.
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.st.DB.WithContext(ctx).Where("email = ?", NormaliseEmail(email)).Take(&u).Error
	if store.IsNotFound(err) {
		return u, apperr.ErrNotFound
	}
	return u, err
}

// Organisations lists the organisations the user can act in: its
// memberships, or every organisation for an operator.
func (s *Service) Organisations(ctx context.Context, u User) ([]Organisation, error) {
	var orgs []Organisation
	db := s.st.DB.WithContext(ctx).Order("name, id")
	if !u.IsOperator {
		db = db.Where("id IN (SELECT organisation_id FROM memberships WHERE user_id = ?)", u.ID)
	}
	return orgs, db.Find(&orgs).Error
}

// principalFor loads the user's role in org; an organisation the user may
// not see answers ErrNotFound.
func (s *Service) principalFor(ctx context.Context, u User, orgID int64) (Principal, error) {
	p := Principal{User: u}
	if orgID == 0 {
		return p, nil
	}
	var m Membership
	err := s.st.DB.WithContext(ctx).Where("user_id = ? AND organisation_id = ?", u.ID, orgID).Take(&m).Error
	if err != nil && !store.IsNotFound(err) {
		return p, err
	}
	if store.IsNotFound(err) && !u.IsOperator {
		return p, apperr.ErrNotFound
	}
	p.Role = m.Role
	if err := s.st.DB.WithContext(ctx).Take(&p.Organisation, orgID).Error; err != nil {
		if store.IsNotFound(err) {
			return p, apperr.ErrNotFound
		}
		return p, err
	}
	return p, nil
}
