// Package auth holds organisations (tenants), users, memberships and roles,
// invitations, password and TOTP login with throttling, server-side
// sessions and API tokens. Every other service gets the caller as a
// Principal from here.
package auth

import (
	"time"

	"github.com/lib/pq"

	"github.com/breachdesk/breachdesk/app/obligations"
)

// Role is a member's role in one organisation.
type Role string

// Roles, from most to least powerful.
const (
	RoleOwner     Role = "owner"
	RoleManager   Role = "manager"
	RoleResponder Role = "responder"
	RoleLegal     Role = "legal"
	RoleViewer    Role = "viewer"
)

// Roles lists every role, for forms and validation.
var Roles = []Role{RoleOwner, RoleManager, RoleResponder, RoleLegal, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Organisation is one merchant (tenant). Every case, person and document
// belongs to exactly one.
type Organisation struct {
	ID              int64
	Slug            string `pan:"refuse"`
	Name            string `pan:"refuse"`
	LegalName       string
	CorporateNumber string
	Address         string
	Representative  string
	// ContactDesk names the desk people affected can reach; ContactPhone,
	// ContactHours, ContactEmail and ContactURL (a web form) say how.
	ContactDesk  string
	ContactPhone string
	ContactHours string
	ContactEmail string `pan:"refuse"`
	ContactURL   string `gorm:"column:contact_url"`
	AcquirerName string
	PSPName      string         `gorm:"column:psp_name"`
	CardBrands   pq.StringArray `gorm:"type:text[]"`
	Timezone     string
	// PasswordLogin is false when the owner turned local passwords off:
	// members sign in through single sign-on (see LoginSSO).
	PasswordLogin bool `gorm:"default:true"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Location is the organisation's time zone: the times its people read and
// type in are in it. An empty or unknown zone name reads as
// obligations.DefaultTimezone (Asia/Tokyo, also the column's default),
// the zone the deadline engine falls back to as well.
func (o Organisation) Location() *time.Location { return obligations.Location(o.Timezone) }

// User is a person who logs in.
type User struct {
	ID            int64
	Email         string `pan:"refuse"`
	Name          string `pan:"refuse"`
	PasswordHash  string `json:"-" pan:"-"` // argon2id's encoding: salt and hash
	Language      string
	IsOperator    bool
	TOTPSecretEnc []byte     `gorm:"column:totp_secret_enc" json:"-"`
	TOTPEnabledAt *time.Time `gorm:"column:totp_enabled_at"`
	// TOTPLastStep is the 30-second step of the last code accepted: a code
	// opens one login, never two.
	TOTPLastStep *int64 `gorm:"column:totp_last_step" json:"-"`
	DisabledAt   *time.Time
	// OIDCSubject is "issuer subject" of the identity provider account the
	// first single sign-on bound this user to.
	OIDCSubject *string `gorm:"column:oidc_subject" json:"-" pan:"-"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TOTPEnabled reports whether the user must give a TOTP code at login.
func (u User) TOTPEnabled() bool { return u.TOTPEnabledAt != nil }

// Membership links a user to an organisation with a role.
type Membership struct {
	UserID         int64 `gorm:"primaryKey"`
	OrganisationID int64 `gorm:"primaryKey"`
	Role           Role
	CreatedAt      time.Time
}

type session struct {
	IDHash         []byte `gorm:"primaryKey;column:id_hash"`
	UserID         int64
	OrganisationID *int64
	CSRFToken      string `gorm:"column:csrf_token" pan:"-"` // random
	MFAPending     bool   `gorm:"column:mfa_pending"`
	// ViaSSO: opened by single sign-on, so it may enter an organisation
	// whose password login is off.
	ViaSSO     bool   `gorm:"column:via_sso"`
	IP         string `gorm:"column:ip"`
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

func (session) TableName() string { return "sessions" }

// APIToken is a bearer token's metadata; the secret itself is only shown
// once and stored as a SHA-256.
type APIToken struct {
	ID             int64
	UserID         int64
	OrganisationID int64
	Name           string `pan:"refuse"`
	Prefix         string `pan:"-"` // the token's first random characters
	TokenHash      []byte `json:"-"`
	// Scope is TokenRead (GET and HEAD only) or TokenWrite.
	Scope      string `pan:"-"`
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Token scopes.
const (
	TokenRead  = "read"
	TokenWrite = "write"
)

// Live reports whether the token still authenticates at now.
func (t APIToken) Live(now time.Time) bool { return t.RevokedAt == nil && now.Before(t.ExpiresAt) }

type recoveryCode struct {
	ID        int64
	UserID    int64
	CodeHash  []byte
	UsedAt    *time.Time
	CreatedAt time.Time
}

func (recoveryCode) TableName() string { return "recovery_codes" }

type loginAttempt struct {
	ID        int64
	Email     string
	IP        string `gorm:"column:ip"`
	Succeeded bool
	CreatedAt time.Time
}

func (loginAttempt) TableName() string { return "login_attempts" }
