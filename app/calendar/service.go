// Package calendar serves the obligations' deadlines as iCalendar feeds
// (RFC 5545) that Outlook, Google Calendar or Apple Calendar subscribe to:
// one feed per user of one organisation (the open cases' obligations) and
// one per user and case. A feed is reached by a secret URL, the way an
// API token reaches the API: the secret is shown once, only its SHA-256 is
// stored, and revoking the feed ends it.
//
// A user's feed covers one organisation, the one the user acts in when
// making it, not every organisation the user belongs to: membership, role
// and the audit log are per organisation, so a feed that leaks exposes
// one tenant's deadlines only, leaving an organisation ends that
// organisation's feed at the next fetch, and its creation and revocation
// are recorded in that organisation's audit log, which its owner reads.
// A member of several organisations makes one feed in each.
package calendar

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/frontend"
)

// secretPrefix marks feed secrets, so secret scanners can find leaked ones
// and nobody mistakes one for an API token (bdt_).
const secretPrefix = "bdc_"

// MaxEvents bounds one feed: an organisation with thousands of open
// obligations gets the MaxEvents with the nearest deadlines, so a fetch
// stays one bounded query and a bounded body.
const MaxEvents = 2000

// Feed is one calendar feed's metadata; the secret itself is only shown
// when the feed is made.
type Feed struct {
	ID             int64
	OrganisationID int64
	UserID         int64
	// CaseID is nil for the user's feed of the organisation's open cases.
	CaseID     *int64
	TokenHash  []byte `pan:"-"`
	Prefix     string `pan:"-"` // random
	CreatedAt  time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// TableName is the feeds table.
func (Feed) TableName() string { return "calendar_feeds" }

// Listed is a live feed of a case as the case page lists it.
type Listed struct {
	Feed
	UserName string
}

// Service makes, lists, revokes and renders calendar feeds.
type Service struct {
	st    *store.Store
	cases *cases.Service
	now   func() time.Time
	base  *url.URL
	// domain ends every event's UID, so that UIDs are globally unique
	// (RFC 5545 3.8.4.7) and stable across fetches.
	domain string
	msgs   i18n.Catalogue
}

// NewService returns the service. baseURL is the public address the feed
// URLs are made on (config BaseURL); its host names the events' UIDs.
func NewService(st *store.Store, clk clock.Clock, cs *cases.Service, baseURL string) (*Service, error) {
	if st == nil || clk == nil || cs == nil {
		panic("calendar.NewService: the store, clock and case service are required")
	}
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("calendar: base URL %q is not an absolute URL", baseURL)
	}
	msgs, err := i18n.Load(frontend.Messages, "i18n")
	if err != nil {
		return nil, err
	}
	return &Service{st: st, cases: cs, now: clk.Now, base: u, domain: u.Hostname(), msgs: msgs}, nil
}

// URL is the address a calendar subscribes to for secret.
func (s *Service) URL(secret string) string {
	return strings.TrimSuffix(s.base.String(), "/") + "/calendar/" + secret + ".ics"
}

// hashOf is what is stored of a secret. The lookup by this hash is the
// comparison: no secret is compared byte by byte, so no timing tells how
// much of a guess was right.
func hashOf(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// newSecret is 160 random bits, in lower-case base32 so that it survives
// every calendar client's URL field.
func newSecret() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return secretPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// member refuses a principal that is not a member of its organisation (an
// operator looking around): a feed is checked against its maker's
// membership at every fetch, which such a principal lacks.
func member(p *auth.Principal) error {
	if p.OrgID() == 0 {
		return apperr.ErrNotFound
	}
	if p.Role == "" {
		return apperr.Forbidden("forbidden.calendar_not_member")
	}
	return nil
}

// CreateUserFeed makes the principal's feed of the organisation's open
// cases, revoking the one it had, and returns the secret (shown once).
func (s *Service) CreateUserFeed(ctx context.Context, p *auth.Principal) (string, Feed, error) {
	if err := member(p); err != nil {
		return "", Feed{}, err
	}
	return s.create(ctx, p, nil)
}

// CreateCaseFeed makes the principal's feed of one case (owner, manager
// and legal: the roles that answer for the reports), revoking the one the
// principal had for it, and returns the secret (shown once).
func (s *Service) CreateCaseFeed(ctx context.Context, p *auth.Principal, caseID int64) (string, Feed, error) {
	if err := member(p); err != nil {
		return "", Feed{}, err
	}
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return "", Feed{}, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return "", Feed{}, err
	}
	return s.create(ctx, p, &c.ID)
}

func (s *Service) create(ctx context.Context, p *auth.Principal, caseID *int64) (string, Feed, error) {
	secret := newSecret()
	now := s.now()
	f := Feed{OrganisationID: p.OrgID(), UserID: p.User.ID, CaseID: caseID, TokenHash: hashOf(secret), Prefix: secret[:len(secretPrefix)+6], CreatedAt: now}
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		old := tx.DB.Model(&Feed{}).Where("organisation_id = ? AND user_id = ? AND revoked_at IS NULL", f.OrganisationID, f.UserID)
		if caseID == nil {
			old = old.Where("case_id IS NULL")
		} else {
			old = old.Where("case_id = ?", *caseID)
		}
		var replaced []int64
		if err := old.Pluck("id", &replaced).Error; err != nil {
			return err
		}
		for _, id := range replaced {
			if err := s.revokeTx(ctx, tx, f.OrganisationID, id, f.CaseID); err != nil {
				return err
			}
		}
		if err := tx.DB.Create(&f).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: f.OrganisationID, Action: "calendar_feed.create", TargetType: "calendar_feed", TargetID: fmt.Sprint(f.ID),
			Details: map[string]any{"prefix": f.Prefix, "case_id": caseID}})
	})
	return secret, f, err
}

func (s *Service) revokeTx(ctx context.Context, tx *store.Tx, orgID, id int64, caseID *int64) error {
	res := tx.DB.Model(&Feed{}).Where("id = ? AND organisation_id = ? AND revoked_at IS NULL", id, orgID).Update("revoked_at", s.now())
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return apperr.ErrNotFound
	}
	return audit.Record(ctx, tx, audit.Entry{OrganisationID: orgID, Action: "calendar_feed.revoke", TargetType: "calendar_feed", TargetID: fmt.Sprint(id),
		Details: map[string]any{"case_id": caseID}})
}

// UserFeed returns the principal's live feed of the organisation's open
// cases; ok is false when there is none.
func (s *Service) UserFeed(ctx context.Context, p *auth.Principal) (Feed, bool, error) {
	var f Feed
	if p.OrgID() == 0 {
		return f, false, nil
	}
	err := s.st.DB.WithContext(ctx).Where("organisation_id = ? AND user_id = ? AND case_id IS NULL AND revoked_at IS NULL", p.OrgID(), p.User.ID).Limit(1).Find(&f).Error
	return f, f.ID != 0, err
}

// RevokeUserFeed revokes the principal's feed of the organisation's open
// cases; without one it answers apperr.ErrNotFound.
func (s *Service) RevokeUserFeed(ctx context.Context, p *auth.Principal) error {
	f, ok, err := s.UserFeed(ctx, p)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.ErrNotFound
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error { return s.revokeTx(ctx, tx, f.OrganisationID, f.ID, nil) })
}

// CaseFeeds lists a case's live feeds, whoever made them, for the roles
// that may make one (nil for the others): any of them can stop a link that
// leaked.
func (s *Service) CaseFeeds(ctx context.Context, p *auth.Principal, c cases.Case) ([]Listed, error) {
	if !c.BelongsTo(p) || !p.May(auth.WriteDocuments) {
		return nil, nil
	}
	var out []Listed
	err := s.st.DB.WithContext(ctx).Raw(`SELECT f.*, u.name AS user_name FROM calendar_feeds f JOIN users u ON u.id = f.user_id
		WHERE f.organisation_id = ? AND f.case_id = ? AND f.revoked_at IS NULL ORDER BY f.id`, c.OrganisationID, c.ID).Scan(&out).Error
	return out, err
}

// RevokeCaseFeed revokes one of the case's feeds (owner, manager, legal);
// a feed of another case or organisation answers apperr.ErrNotFound.
func (s *Service) RevokeCaseFeed(ctx context.Context, p *auth.Principal, caseID, feedID int64) error {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return err
	}
	var f Feed
	if err := s.st.DB.WithContext(ctx).Where("id = ? AND organisation_id = ? AND case_id = ? AND revoked_at IS NULL", feedID, c.OrganisationID, c.ID).Limit(1).Find(&f).Error; err != nil {
		return err
	}
	if f.ID == 0 {
		return apperr.ErrNotFound
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error { return s.revokeTx(ctx, tx, f.OrganisationID, f.ID, f.CaseID) })
}
