package webhooks

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/frontend"
)

// MaxEndpoints bounds the endpoints of one organisation: every event
// costs one delivery per endpoint.
const MaxEndpoints = 20

// secretPrefix marks a Standard Webhooks signing secret.
const secretPrefix = "whsec_"

// Options configure the service.
type Options struct {
	// SecretKey (the server's BREACHDESK_SECRET_KEY) seals the endpoints'
	// signing secrets in the database. Required.
	SecretKey []byte
	// AllowLoopback lets endpoints on loopback addresses through (only
	// tests set it, through BREACHDESK_WEBHOOK_ALLOW_LOOPBACK); private
	// and link-local addresses are refused all the same.
	AllowLoopback bool
	// Timeout bounds one POST, connection included (default 10 s).
	Timeout time.Duration
	// TLS is the TLS client configuration (nil: the system's roots);
	// tests trust their receiver's certificate with it.
	TLS *tls.Config
	// Messages is the UI catalogue chat messages come from (nil: the
	// one embedded in the binary).
	Messages i18n.Catalogue
}

// Service manages endpoints and delivers events.
type Service struct {
	st    *store.Store
	clock clock.Clock
	opts  Options
	box   *auth.SecretBox
	msgs  i18n.Catalogue
	guard *guard
}

// NewService returns the webhooks service.
func NewService(st *store.Store, clk clock.Clock, o Options) (*Service, error) {
	if len(o.SecretKey) == 0 {
		return nil, errors.New("webhooks: no secret key to seal endpoint secrets with")
	}
	// A key of its own, derived from the server key, so that the TOTP
	// secrets and these never share one.
	box, err := auth.NewDerivedSecretBox(o.SecretKey, "breachdesk webhook endpoint secrets v1")
	if err != nil {
		return nil, err
	}
	msgs := o.Messages
	if msgs == nil {
		if msgs, err = i18n.Load(frontend.Messages, "i18n"); err != nil {
			return nil, err
		}
	}
	o.Timeout = cmp.Or(o.Timeout, 10*time.Second)
	return &Service{st: st, clock: clk, opts: o, box: box, msgs: msgs, guard: &guard{allowLoopback: o.AllowLoopback}}, nil
}

func (s *Service) seal(plain []byte) []byte { return s.box.Seal(plain) }

func (s *Service) open(sealed []byte) ([]byte, error) { return s.box.Open(sealed) }

// List returns the organisation's endpoints.
func (s *Service) List(ctx context.Context, p *auth.Principal) ([]Endpoint, error) {
	if err := p.Require(auth.ManageCases); err != nil {
		return nil, err
	}
	var out []Endpoint
	err := s.st.DB.WithContext(ctx).Where("organisation_id = ?", p.OrgID()).Order("id").Find(&out).Error
	return out, err
}

// Get returns one endpoint of the caller's organisation.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Endpoint, error) {
	var e Endpoint
	if err := p.Require(auth.ManageCases); err != nil {
		return e, err
	}
	err := s.st.DB.WithContext(ctx).Where("id = ? AND organisation_id = ?", id, p.OrgID()).Take(&e).Error
	if store.IsNotFound(err) {
		return e, apperr.ErrNotFound
	}
	return e, err
}

// check validates in, resolving the URL's host so that an address the
// server must not reach is refused now, not at the first event.
func (s *Service) check(ctx context.Context, in EndpointInput) (EndpointInput, error) {
	v := &apperr.ValidationError{}
	in.URL = strings.TrimSpace(in.URL)
	in.Description = strings.TrimSpace(in.Description)
	if code, args := s.guard.checkURL(ctx, in.URL); code != "" {
		v.Add("url", code, args...)
	}
	if utf8.RuneCountInString(in.Description) > 200 {
		v.Add("description", "validation.max_chars", 200)
	}
	if pan.Contains(in.Description) {
		v.Add("description", "validation.full_pan")
	}
	var events []string
	for _, e := range in.Events {
		if !slices.Contains(Events, Event(e)) {
			v.Add("events", "validation.webhook_event_unknown", e)
			continue
		}
		if !slices.Contains(events, e) {
			events = append(events, e)
		}
	}
	if len(in.Events) == 0 {
		v.Add("events", "validation.webhook_events_required")
	}
	in.Events = events
	if in.Format == "" {
		in.Format = FormatStandard
	}
	if !slices.Contains(Formats, in.Format) {
		v.Add("format", "validation.webhook_format_unknown", in.Format)
	}
	if in.Language == "" {
		in.Language = "ja"
	}
	if in.Language != "ja" && in.Language != "en" {
		v.Add("language", "validation.webhook_language_unknown", in.Language)
	}
	return in, v.OrNil()
}

// Create registers an endpoint and returns it with its signing secret,
// "whsec_" and 32 random bytes in base64: the only time the secret is
// shown.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in EndpointInput) (Endpoint, string, error) {
	if err := p.Require(auth.ManageCases); err != nil {
		return Endpoint{}, "", err
	}
	in, err := s.check(ctx, in)
	if err != nil {
		return Endpoint{}, "", err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Endpoint{}, "", err
	}
	now := s.clock.Now()
	e := Endpoint{OrganisationID: p.OrgID(), URL: in.URL, Description: in.Description, Events: pq.StringArray(in.Events),
		Format: in.Format, Language: in.Language, Secret: s.seal(raw), Active: in.Active, CreatedBy: &p.User.ID, CreatedAt: now, UpdatedAt: now}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		var n int64
		if err := tx.DB.Model(&Endpoint{}).Where("organisation_id = ?", p.OrgID()).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxEndpoints {
			return apperr.Conflict("conflict.webhook_endpoints_limit", MaxEndpoints)
		}
		if err := tx.DB.Create(&e).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: e.OrganisationID, Action: "webhook.create", TargetType: "webhook_endpoint",
			TargetID: fmt.Sprint(e.ID), Details: map[string]any{"url": e.URL, "events": in.Events, "format": e.Format}})
	})
	if err != nil {
		return Endpoint{}, "", err
	}
	return e, secretPrefix + base64.StdEncoding.EncodeToString(raw), nil
}

// Update changes an endpoint's URL, events, format, language and active
// flag; its secret stays.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, in EndpointInput) (Endpoint, error) {
	e, err := s.Get(ctx, p, id)
	if err != nil {
		return e, err
	}
	if in, err = s.check(ctx, in); err != nil {
		return e, err
	}
	e.URL, e.Description, e.Events, e.Format, e.Language, e.Active, e.UpdatedAt = in.URL, in.Description, pq.StringArray(in.Events), in.Format, in.Language, in.Active, s.clock.Now()
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Select("url", "description", "events", "format", "language", "active", "updated_at").Save(&e).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: e.OrganisationID, Action: "webhook.update", TargetType: "webhook_endpoint",
			TargetID: fmt.Sprint(e.ID), Details: map[string]any{"url": e.URL, "events": in.Events, "format": e.Format, "active": e.Active}})
	})
	return e, err
}

// Delete removes an endpoint with its delivery log; its pending jobs find
// no delivery and end.
func (s *Service) Delete(ctx context.Context, p *auth.Principal, id int64) error {
	e, err := s.Get(ctx, p, id)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Delete(&Endpoint{}, e.ID).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: e.OrganisationID, Action: "webhook.delete", TargetType: "webhook_endpoint",
			TargetID: fmt.Sprint(e.ID), Details: map[string]any{"url": e.URL}})
	})
}

// SendTest queues a webhook.test event to one endpoint, active or not,
// whatever it subscribes to.
func (s *Service) SendTest(ctx context.Context, p *auth.Principal, id int64) (Delivery, error) {
	e, err := s.Get(ctx, p, id)
	if err != nil {
		return Delivery{}, err
	}
	var d Delivery
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		d, err = enqueue(ctx, tx, e.OrganisationID, e.ID, EventTest, map[string]any{"endpoint_id": e.ID, "organisation": p.Organisation.Slug})
		return err
	})
	return d, err
}

// LogLimit bounds the deliveries the log shows.
const LogLimit = 50

// Log returns the latest deliveries to an endpoint with their attempts.
func (s *Service) Log(ctx context.Context, p *auth.Principal, id int64) ([]LogEntry, error) {
	e, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	var ds []Delivery
	if err := s.st.DB.WithContext(ctx).Where("endpoint_id = ? AND organisation_id = ?", e.ID, e.OrganisationID).
		Order("id DESC").Limit(LogLimit).Find(&ds).Error; err != nil {
		return nil, err
	}
	out := make([]LogEntry, len(ds))
	ids := make([]int64, len(ds))
	for i, d := range ds {
		out[i].Delivery = d
		ids[i] = d.ID
	}
	if len(ids) == 0 {
		return out, nil
	}
	var as []Attempt
	if err := s.st.DB.WithContext(ctx).Where("delivery_id IN ?", ids).Order("attempt DESC").Find(&as).Error; err != nil {
		return nil, err
	}
	for i := range out {
		for _, a := range as {
			if a.DeliveryID == out[i].ID {
				out[i].Tries = append(out[i].Tries, a)
			}
		}
	}
	return out, nil
}
