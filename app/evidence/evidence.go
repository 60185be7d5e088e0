// Package evidence keeps a case's evidence register: uploaded files stored
// in PostgreSQL (so no client-chosen path ever reaches the disk) with their
// SHA-256, and each item's chain of custody. An upload is scanned for card
// numbers first and refused if it holds one, saying where; such a file is
// registered instead as held by its keeper (typically the forensic
// investigator), with its hash and no content. Every change is audited and
// written to the case timeline; a download is audited as an export.
package evidence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// DefaultMaxBytes is the upload limit when none is configured.
const DefaultMaxBytes int64 = 50 << 20

// Length limits of the free-text fields (the schema's CHECK constraints).
const (
	maxDescriptionRunes = 2000
	maxHandlerRunes     = 200
	maxReasonRunes      = 2000
)

// clockSkew tolerates a client clock slightly ahead of ours when a custody
// time is checked for being in the future.
const clockSkew = 5 * time.Minute

// ErrIntegrity means stored bytes no longer match the SHA-256 taken at
// upload: the item must not be handed out as if it were intact.
var ErrIntegrity = errors.New("evidence: stored file does not match its SHA-256")

// Service manages the evidence register.
type Service struct {
	st       *store.Store
	maxBytes int64
	now      func() time.Time
}

// NewService returns the evidence service. maxBytes bounds one upload;
// 0 means DefaultMaxBytes.
func NewService(st *store.Store, clk clock.Clock, maxBytes int64) *Service {
	if st == nil || clk == nil {
		panic("evidence.NewService: the store and clock are required")
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Service{st: st, maxBytes: maxBytes, now: clk.Now}
}

// MaxBytes is the upload limit, for forms to show.
func (s *Service) MaxBytes() int64 { return s.maxBytes }

// FormatSize writes a byte count for people: "50 MiB", "1.5 KiB", "12 bytes".
func FormatSize(n int64) string {
	units := []string{"KiB", "MiB", "GiB"}
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	v, unit := float64(n), ""
	for _, u := range units {
		if v < 1024 {
			break
		}
		v, unit = v/1024, u
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %s", int64(v), unit)
	}
	return fmt.Sprintf("%.1f %s", v, unit)
}

// caseInOrg answers ErrNotFound unless the case belongs to the principal's
// organisation, so another tenant's case ids reveal nothing.
func (s *Service) caseInOrg(ctx context.Context, p *auth.Principal, caseID int64) error {
	if p.OrgID() == 0 {
		return apperr.ErrNotFound
	}
	var n int64
	if err := s.st.DB.WithContext(ctx).Raw(`SELECT count(*) FROM cases WHERE id = ? AND organisation_id = ?`, caseID, p.OrgID()).Scan(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return apperr.ErrNotFound
	}
	return nil
}

// Upload stores a file as evidence of a case. At most maxBytes are read,
// the type is sniffed from the content (the client's claim is ignored),
// the description is masked for card numbers, and the first custody event
// ("collected" by the uploader) is written with it.
func (s *Service) Upload(ctx context.Context, p *auth.Principal, caseID int64, filename string, r io.Reader, description string) (Item, error) {
	if err := s.caseInOrg(ctx, p, caseID); err != nil {
		return Item{}, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return Item{}, err
	}
	description = strings.TrimSpace(description)
	v := &apperr.ValidationError{}
	if utf8.RuneCountInString(description) > maxDescriptionRunes {
		v.Add("description", "validation.max_chars", maxDescriptionRunes)
	}
	// One byte past the limit tells "exactly at the limit" from "over it"
	// without reading an unbounded body into memory.
	var data []byte
	if r != nil {
		var err error
		if data, err = io.ReadAll(io.LimitReader(r, s.maxBytes+1)); err != nil {
			return Item{}, fmt.Errorf("evidence: read upload: %w", err)
		}
	}
	switch {
	case int64(len(data)) > s.maxBytes:
		v.Add("file", "validation.file_too_large", FormatSize(s.maxBytes))
	case len(data) == 0:
		v.Add("file", "validation.file_required")
	}
	if err := v.OrNil(); err != nil {
		return Item{}, err
	}
	sum := sha256.Sum256(data)
	if err := refuseCardData(data, SanitiseFilename(filename), sum[:]); err != nil {
		return Item{}, err
	}
	desc, masked := pan.Mask(description)
	it := Item{OrganisationID: p.OrgID(), CaseID: caseID, Filename: SanitiseFilename(filename),
		ContentType: http.DetectContentType(data[:min(len(data), 512)]), SizeBytes: int64(len(data)),
		SHA256: Digest(sum[:]), Description: desc, Data: data, CreatedBy: &p.User.ID}
	now := s.now()
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		// A voided case gathers no more evidence.
		if err := cases.LockWritable(ctx, tx, it.CaseID); err != nil {
			return err
		}
		if err := tx.DB.Create(&it).Error; err != nil {
			return err
		}
		handler := strings.TrimSpace(p.User.Name)
		if handler == "" {
			handler = p.User.Email
		}
		ev := CustodyEvent{OrganisationID: it.OrganisationID, EvidenceID: it.ID, Kind: KindCollected, OccurredAt: now,
			Handler: truncateRunes(handler, maxHandlerRunes), Reason: "uploaded to BreachDesk", RecordedBy: &p.User.ID}
		if err := tx.DB.Create(&ev).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, it.OrganisationID, it.CaseID, "evidence.upload", "timeline.evidence_added", it.Filename, it.SHA256.Short()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: it.OrganisationID, Action: "evidence.upload", TargetType: "evidence", TargetID: fmt.Sprint(it.ID),
			Details: map[string]any{"case_id": it.CaseID, "filename": it.Filename, "size_bytes": it.SizeBytes, "content_type": it.ContentType,
				"sha256": it.SHA256.Hex(), "masked_card_numbers": masked}})
	})
	if err != nil {
		return Item{}, err
	}
	it.Data = nil // callers get the metadata; the bytes are only handed out by Open
	return it, nil
}

// List returns a case's evidence, oldest first, without the file bytes.
func (s *Service) List(ctx context.Context, p *auth.Principal, caseID int64) ([]Item, error) {
	if err := s.caseInOrg(ctx, p, caseID); err != nil {
		return nil, err
	}
	return s.list(ctx, caseID, p.OrgID())
}

// ListOf is List for a case the caller has loaded with cases.Service.Get.
func (s *Service) ListOf(ctx context.Context, p *auth.Principal, c cases.Case) ([]Item, error) {
	if !c.BelongsTo(p) {
		return nil, apperr.ErrNotFound
	}
	return s.list(ctx, c.ID, c.OrganisationID)
}

func (s *Service) list(ctx context.Context, caseID, orgID int64) ([]Item, error) {
	out := []Item{}
	err := s.st.DB.WithContext(ctx).Select(listColumns).Where("case_id = ? AND organisation_id = ?", caseID, orgID).
		Order("id").Find(&out).Error
	return out, err
}

// Get returns one item of the principal's organisation, without the bytes.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Item, error) {
	var it Item
	if p.OrgID() == 0 {
		return it, apperr.ErrNotFound
	}
	err := s.st.DB.WithContext(ctx).Select(listColumns).Where("id = ? AND organisation_id = ?", id, p.OrgID()).Take(&it).Error
	if store.IsNotFound(err) {
		return it, apperr.ErrNotFound
	}
	return it, err
}

// Open returns an item with its bytes, after checking them against the
// SHA-256 taken at upload. Handing out the file is an export, so it is
// audited in the same transaction as the read. A failed check is audited
// on its own (it must outlive the refused request) and answers
// ErrIntegrity.
func (s *Service) Open(ctx context.Context, p *auth.Principal, id int64) (Item, []byte, error) {
	var it Item
	if p.OrgID() == 0 {
		return it, nil, apperr.ErrNotFound
	}
	var broken bool
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		err := tx.DB.Where("id = ? AND organisation_id = ?", id, p.OrgID()).Take(&it).Error
		if store.IsNotFound(err) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return err
		}
		if !it.Stored() {
			return ErrNotStored
		}
		sum := sha256.Sum256(it.Data)
		if !bytes.Equal(sum[:], it.SHA256) || int64(len(it.Data)) != it.SizeBytes {
			broken = true
			return ErrIntegrity
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: it.OrganisationID, Action: "evidence.download", TargetType: "evidence", TargetID: fmt.Sprint(it.ID),
			Details: map[string]any{"case_id": it.CaseID, "filename": it.Filename, "sha256": it.SHA256.Hex()}})
	})
	if broken {
		rerr := s.st.InTx(ctx, func(tx *store.Tx) error {
			return audit.Record(ctx, tx, audit.Entry{OrganisationID: it.OrganisationID, Action: "evidence.integrity_failure", TargetType: "evidence", TargetID: fmt.Sprint(it.ID),
				Details: map[string]any{"case_id": it.CaseID, "expected_sha256": it.SHA256.Hex(), "size_bytes": it.SizeBytes, "stored_bytes": len(it.Data)}})
		})
		return Item{}, nil, errors.Join(fmt.Errorf("evidence %d: %w", it.ID, ErrIntegrity), rerr)
	}
	if err != nil {
		return Item{}, nil, err
	}
	data := it.Data
	it.Data = nil
	return it, data, nil
}

// AddCustody records one custody event of an item: who handled it, when
// and why. The time may be in the past (an event written down later) but
// not in the future.
func (s *Service) AddCustody(ctx context.Context, p *auth.Principal, evidenceID int64, kind string, occurredAt time.Time, handler, reason string) (CustodyEvent, error) {
	it, err := s.Get(ctx, p, evidenceID)
	if err != nil {
		return CustodyEvent{}, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return CustodyEvent{}, err
	}
	kind, handler, reason = strings.TrimSpace(kind), strings.TrimSpace(handler), strings.TrimSpace(reason)
	v := &apperr.ValidationError{}
	if !slices.Contains(Kinds, kind) {
		v.Add("kind", "validation.one_of", strings.Join(Kinds, ", "))
	}
	switch {
	case occurredAt.IsZero():
		v.Add("occurred_at", "validation.required")
	case occurredAt.After(s.now().Add(clockSkew)):
		v.Add("occurred_at", "validation.future")
	}
	checkText(v, "handler", handler, maxHandlerRunes)
	checkText(v, "reason", reason, maxReasonRunes)
	if err := v.OrNil(); err != nil {
		return CustodyEvent{}, err
	}
	ev := CustodyEvent{OrganisationID: it.OrganisationID, EvidenceID: it.ID, Kind: kind, OccurredAt: occurredAt.UTC(),
		Handler: handler, Reason: reason, RecordedBy: &p.User.ID}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := cases.LockWritable(ctx, tx, it.CaseID); err != nil {
			return err
		}
		if err := tx.DB.Create(&ev).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, it.OrganisationID, it.CaseID, "evidence.custody", "timeline.evidence_custody", it.Filename, apperr.Msg("evidence.kind."+kind), handler, occurredAt.UTC()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: it.OrganisationID, Action: "evidence.custody", TargetType: "evidence", TargetID: fmt.Sprint(it.ID),
			Details: map[string]any{"custody_event_id": ev.ID, "kind": kind, "handler": handler, "occurred_at": ev.OccurredAt.Format(time.RFC3339)}})
	})
	return ev, err
}

// Custody returns an item's chain of custody in event order.
func (s *Service) Custody(ctx context.Context, p *auth.Principal, evidenceID int64) ([]CustodyEvent, error) {
	if _, err := s.Get(ctx, p, evidenceID); err != nil {
		return nil, err
	}
	out := []CustodyEvent{}
	err := s.st.DB.WithContext(ctx).Where("evidence_id = ? AND organisation_id = ?", evidenceID, p.OrgID()).
		Order("occurred_at, id").Find(&out).Error
	return out, err
}

// checkText requires a short text, bounds its length and refuses card
// numbers: a custody record is shared with investigators and must not
// become a place where a PAN is kept.
func checkText(v *apperr.ValidationError, field, s string, max int) {
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		v.Add(field, "validation.required")
	case n > max:
		v.Add(field, "validation.max_chars", max)
	}
	if pan.Contains(s) {
		v.Add(field, "validation.full_pan")
	}
}

func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
