package inquiries

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

// maxMatches bounds a lookup: an exact key rarely fits more than a family
// sharing a phone, and the desk must not be able to page through the list.
const maxMatches = 20

// minPhoneDigits keeps a short number (an extension, a postcode) from
// matching by accident.
const minPhoneDigits = 8

// personColumns are what a lookup reads of a person.
const personColumns = `id, customer_id, name, email, phone, card_brand, card_last4,
	(notified_email_at IS NOT NULL OR notified_letter_at IS NOT NULL) AS notified`

// phoneSQL normalises a stored phone number like normalisePhone does.
const phoneSQL = `regexp_replace(regexp_replace(phone, '^\s*\+81', '0'), '[^0-9]', '', 'g')`

// Lookup finds the case's affected persons whose e-mail, phone number or
// customer id is exactly key. Matching is exact on purpose: the desk
// confirms a caller's identity, it does not browse the list.
func (s *Service) Lookup(ctx context.Context, p *auth.Principal, caseID int64, key string) ([]Person, error) {
	if _, err := s.cases.Get(ctx, p, caseID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(key) == "" {
		return nil, apperr.Invalid("lookup", "validation.lookup")
	}
	return lookup(s.st.DB.WithContext(ctx), p.OrgID(), caseID, key)
}

func lookup(db *gorm.DB, orgID, caseID int64, key string) ([]Person, error) {
	key = strings.TrimSpace(key)
	out := []Person{}
	if key == "" {
		return out, nil
	}
	conds, args := []string{"customer_id = ?"}, []any{key}
	if strings.Contains(key, "@") {
		conds, args = append(conds, "email = ?"), append(args, strings.ToLower(key))
	}
	if d := normalisePhone(key); len(d) >= minPhoneDigits {
		conds, args = append(conds, phoneSQL+" = ?"), append(args, d)
	}
	err := db.Table("people").Select(personColumns).
		Where("case_id = ? AND organisation_id = ?", caseID, orgID).
		Where("("+strings.Join(conds, " OR ")+")", args...).
		Order("id").Limit(maxMatches).Scan(&out).Error
	return out, err
}

// normalisePhone keeps the digits of a phone number (full-width ones
// too, as Japanese input methods type them), writing a +81 prefix as the
// domestic 0, so "+81 90-1234-5678" and "090 1234 5678" are the same.
// Anything with letters other than a phone's punctuation is no phone.
func normalisePhone(s string) string {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "+81"); ok {
		s = "0" + rest
	} else if rest, ok := strings.CutPrefix(s, "＋８１"); ok {
		s = "0" + rest
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case strings.ContainsRune(" -()+.　－ー（）", r):
		default:
			return ""
		}
	}
	return b.String()
}

// autoMatch links the inquiry to the one person that the caller's
// contact or lookup key finds. No match leaves "affected" as given (the
// list may be incomplete) and several leave the choice to the desk.
func (s *Service) autoMatch(ctx context.Context, tx *store.Tx, it *Inquiry, keys ...string) error {
	found := map[int64]bool{}
	for _, k := range keys {
		ps, err := lookup(tx.DB.WithContext(ctx), it.OrganisationID, it.CaseID, k)
		if err != nil {
			return err
		}
		for _, p := range ps {
			found[p.ID] = true
		}
	}
	if len(found) != 1 {
		return nil
	}
	for id := range found {
		it.PersonID, it.Affected = &id, AffectedYes
	}
	return nil
}

// LinkPerson records that the caller is the given affected person of the
// inquiry's case (affected = yes). personID 0 removes the link and sets
// affected back to unknown.
func (s *Service) LinkPerson(ctx context.Context, p *auth.Principal, id, personID int64) (Inquiry, error) {
	it, err := s.Get(ctx, p, id)
	if err != nil {
		return it, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return it, err
	}
	it.PersonID, it.Affected = nil, AffectedUnknown
	if personID != 0 {
		var n int64
		err := s.st.DB.WithContext(ctx).Table("people").Where("id = ? AND case_id = ? AND organisation_id = ?", personID, it.CaseID, it.OrganisationID).Count(&n).Error
		if err != nil {
			return it, err
		}
		if n == 0 {
			return it, apperr.Invalid("person_id", "validation.not_case_person")
		}
		it.PersonID, it.Affected = &personID, AffectedYes
	}
	it.UpdatedAt = s.now()
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Model(&Inquiry{}).Where("id = ? AND organisation_id = ?", it.ID, it.OrganisationID).
			Updates(map[string]any{"person_id": it.PersonID, "affected": it.Affected, "updated_at": it.UpdatedAt}).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: it.OrganisationID, Action: "inquiry.link_person", TargetType: "inquiry", TargetID: fmt.Sprint(it.ID),
			Details: map[string]any{"case_id": it.CaseID, "person_id": it.PersonID}})
	})
	return it, err
}

// LinkedPerson returns the person an inquiry is linked to, if any.
func (s *Service) LinkedPerson(ctx context.Context, p *auth.Principal, it Inquiry) (*Person, error) {
	if it.PersonID == nil || it.OrganisationID != p.OrgID() {
		return nil, nil
	}
	var out []Person
	err := s.st.DB.WithContext(ctx).Table("people").Select(personColumns).
		Where("id = ? AND organisation_id = ?", *it.PersonID, p.OrgID()).Limit(1).Scan(&out).Error
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return &out[0], nil
}
