package evidence

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// ErrNotStored answers a download of an item held elsewhere.
var ErrNotStored = apperr.Conflict("conflict.evidence_not_stored")

// CardDataError refuses an upload that holds card numbers (or that cannot
// be checked): BreachDesk keeps no card data, so the file is not stored.
// It carries what the upload page needs to offer the alternative, the
// item recorded as held by the forensic investigator: the file's name,
// hash and size. It unwraps to a validation error on "file" (a 422).
type CardDataError struct {
	Filename   string
	SHA256     string
	SizeBytes  int64
	Findings   []Finding // the first ones
	Total      int       // how many card numbers
	Unreadable string    // why the file could not be checked, when it could not
	invalid    *apperr.ValidationError
}

func (e *CardDataError) Error() string { return e.invalid.Error() }

// Unwrap makes the refusal a validation error.
func (e *CardDataError) Unwrap() error { return e.invalid }

// refuseCardData scans an upload and refuses it when it holds a card
// number or cannot be checked within the scan's bounds.
func refuseCardData(data []byte, filename string, sum []byte) error {
	found, total, err := scanCardNumbers(data)
	if err == nil && total == 0 {
		return nil
	}
	e := &CardDataError{Filename: filename, SHA256: hex.EncodeToString(sum), SizeBytes: int64(len(data)), Findings: found, Total: total,
		invalid: &apperr.ValidationError{}}
	switch {
	case errors.Is(err, errUnscannable):
		e.Unreadable = strings.TrimPrefix(err.Error(), errUnscannable.Error()+": ")
		e.invalid.Add("file", "validation.card_unscannable", e.Unreadable)
	case err != nil:
		return err
	default:
		where := make(apperr.List, len(found))
		for i, f := range found {
			where[i] = f.message()
		}
		if total > len(found) {
			where = append(where, apperr.Msg("validation.card_more", total-len(found)))
		}
		e.invalid.Add("file", "validation.card_data", total, where)
	}
	return e
}

// HeldInput describes a file kept by someone else (the forensic
// investigator, typically), of which BreachDesk records only what
// identifies it.
type HeldInput struct {
	Filename    string `json:"filename" required:"true" doc:"the file's name; only its last path element is kept, cut to 255 characters"`
	SHA256      string `json:"sha256" required:"true" pattern:"^[0-9a-fA-F]{64}$" doc:"the file's SHA-256, 64 hex digits"`
	SizeBytes   int64  `json:"size_bytes" minimum:"0" doc:"the file's size in bytes"`
	HeldBy      string `json:"held_by" required:"true" maxLength:"200" doc:"who keeps the file, e.g. the forensic investigator's name"`
	Description string `json:"description" maxLength:"2000"`
}

// RecordHeld adds an item without content: a file that holds card data
// and stays with its holder. Its first custody event says it was handed
// to them.
func (s *Service) RecordHeld(ctx context.Context, p *auth.Principal, caseID int64, in HeldInput) (Item, error) {
	if err := s.caseInOrg(ctx, p, caseID); err != nil {
		return Item{}, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return Item{}, err
	}
	in.Filename, in.HeldBy, in.Description = strings.TrimSpace(in.Filename), strings.TrimSpace(in.HeldBy), strings.TrimSpace(in.Description)
	v := &apperr.ValidationError{}
	name := SanitiseFilename(in.Filename)
	if in.Filename == "" {
		v.Add("filename", "validation.required")
	}
	sum, err := hex.DecodeString(strings.ToLower(strings.TrimSpace(in.SHA256)))
	if err != nil || len(sum) != 32 {
		v.Add("sha256", "validation.sha256")
	}
	if in.SizeBytes < 0 {
		v.Add("size_bytes", "validation.not_negative")
	}
	checkText(v, "held_by", in.HeldBy, maxHandlerRunes)
	if len([]rune(in.Description)) > maxDescriptionRunes {
		v.Add("description", "validation.max_chars", maxDescriptionRunes)
	}
	if err := v.OrNil(); err != nil {
		return Item{}, err
	}
	it := Item{OrganisationID: p.OrgID(), CaseID: caseID, Filename: name, ContentType: "application/octet-stream", SizeBytes: in.SizeBytes,
		SHA256: Digest(sum), Description: in.Description, HeldBy: in.HeldBy, CreatedBy: &p.User.ID}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := cases.LockWritable(ctx, tx, it.CaseID); err != nil {
			return err
		}
		if err := tx.DB.Create(&it).Error; err != nil {
			return err
		}
		ev := CustodyEvent{OrganisationID: it.OrganisationID, EvidenceID: it.ID, Kind: KindTransferred, OccurredAt: s.now(),
			Handler: in.HeldBy, Reason: "held by " + in.HeldBy + "; BreachDesk keeps no copy (card data)", RecordedBy: &p.User.ID}
		if err := tx.DB.Create(&ev).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, it.OrganisationID, it.CaseID, "evidence.held", "timeline.evidence_held", in.HeldBy, it.Filename, it.SHA256.Short()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: it.OrganisationID, Action: "evidence.held", TargetType: "evidence", TargetID: fmt.Sprint(it.ID),
			Details: map[string]any{"case_id": it.CaseID, "filename": it.Filename, "size_bytes": it.SizeBytes, "sha256": it.SHA256.Hex(), "held_by": in.HeldBy}})
	})
	if err != nil {
		return Item{}, err
	}
	return it, nil
}
