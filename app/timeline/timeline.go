// Package timeline keeps each case's timeline: automatic entries written
// by the services for every change, and manual entries whose event time
// may differ from when they were written down.
package timeline

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
)

// Entry is one timeline row.
type Entry struct {
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"-"`
	CaseID         int64     `json:"case_id"`
	OccurredAt     time.Time `json:"occurred_at"`
	Kind           string    `json:"kind"` // auto or manual
	Action         string    `json:"action"`
	// Summary is a manual entry's text, or an automatic entry written
	// before entries carried message codes.
	Summary string `json:"summary"`
	// MessageCode and MessageArgs are an automatic entry's catalogue
	// message (see Record); Text says it in the reader's language.
	MessageCode string    `json:"message_code,omitempty"`
	MessageArgs []Arg     `json:"-" gorm:"serializer:json;type:jsonb"`
	ActorID     *int64    `json:"actor_id"`
	CreatedAt   time.Time `json:"created_at"`
}

// TableName is the timeline table.
func (Entry) TableName() string { return "timeline_entries" }

// Added is a manual entry as recorded.
type Added struct {
	Entry Entry
	// MaskedCardNumbers counts the card numbers in the summary that were
	// cut to brand and last four digits, so the caller can say that the
	// stored text differs from what was typed.
	MaskedCardNumbers int
}

// AddManual records something that happened at occurredAt (e.g. "the PSP
// called about a CPP alert"). Card numbers in the text are masked.
func AddManual(ctx context.Context, st *store.Store, p *auth.Principal, caseID int64, occurredAt time.Time, summary string) (Added, error) {
	if err := p.Require(auth.WorkCases); err != nil {
		return Added{}, err
	}
	summary = strings.TrimSpace(summary)
	var e Entry
	masked := 0
	err := st.InTx(ctx, func(tx *store.Tx) error {
		// Validated in the transaction: "in the future" is by its clock.
		v := &apperr.ValidationError{}
		if summary == "" || utf8.RuneCountInString(summary) > 5000 {
			v.Add("summary", "validation.required_max_chars", 5000)
		}
		if occurredAt.IsZero() {
			v.Add("occurred_at", "validation.required")
		} else if occurredAt.After(tx.Now().Add(5 * time.Minute)) {
			v.Add("occurred_at", "validation.future")
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		var text string
		text, masked = pan.Mask(summary)
		e = Entry{OrganisationID: p.OrgID(), CaseID: caseID, OccurredAt: occurredAt.UTC(), Kind: "manual", Action: "note", Summary: text, MessageArgs: Args{}, ActorID: &p.User.ID}
		// A case voided as opened in error takes no more entries (see
		// cases.Service.Void, which records here and so cannot be asked).
		var found struct {
			N      int64
			Voided bool
		}
		if err := tx.DB.Raw(`SELECT count(*) AS n, COALESCE(bool_or(voided_at IS NOT NULL), false) AS voided
			FROM cases WHERE id = ? AND organisation_id = ?`, caseID, p.OrgID()).Scan(&found).Error; err != nil {
			return err
		}
		if found.N == 0 {
			return apperr.ErrNotFound
		}
		if found.Voided {
			return apperr.Conflict("conflict.case_voided")
		}
		if err := tx.DB.Create(&e).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "timeline.add", TargetType: "case", TargetID: itoa(caseID)})
	})
	if err != nil {
		return Added{}, err
	}
	return Added{Entry: e, MaskedCardNumbers: masked}, nil
}

// List returns a case's timeline in event order. The caller has checked
// that the case belongs to orgID; the query is scoped all the same.
func List(ctx context.Context, st *store.Store, orgID, caseID int64) ([]Entry, error) {
	var out []Entry
	err := st.DB.WithContext(ctx).Where("organisation_id = ? AND case_id = ?", orgID, caseID).Order("occurred_at, id").Find(&out).Error
	return out, err
}
