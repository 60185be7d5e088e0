package drafts

import (
	"context"
	"fmt"
	"strings"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/store"
)

// Template returns the template in force for the organisation (its own
// newest override, else the built-in) and whether it is an override.
func (s *Service) Template(ctx context.Context, p *auth.Principal, kind, lang string) (string, bool, error) {
	ki, err := validKindLang(kind, lang)
	if err != nil {
		return "", false, err
	}
	var body, version string
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		body, version, err = s.template(tx, p.OrgID(), ki, lang)
		return err
	})
	return body, strings.HasPrefix(version, "org-"), err
}

// Preview renders body against a case without storing anything, so an
// organisation can see its template before saving it.
func (s *Service) Preview(ctx context.Context, p *auth.Principal, caseID int64, kind, lang, body string) ([]byte, error) {
	if _, err := s.cases.Get(ctx, p, caseID); err != nil {
		return nil, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return nil, err
	}
	ki, err := validKindLang(kind, lang)
	if err != nil {
		return nil, err
	}
	var pdf []byte
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		src, err := s.source(ctx, tx, p.OrgID(), caseID)
		if err != nil {
			return err
		}
		view := documents.Build(src, ki, lang, nil)
		_, pdf, err = s.renderView(ctx, body, view, src, Document{Lang: lang})
		if err != nil {
			return apperr.Invalid("body", "validation.template", err.Error())
		}
		return nil
	})
	return pdf, err
}

// SaveTemplate stores a new version of the organisation's template for a
// kind and language after checking that it executes and parses against a
// sample case; owners and legal only.
func (s *Service) SaveTemplate(ctx context.Context, p *auth.Principal, kind, lang, body string) (Override, error) {
	if err := p.Require(auth.EditTemplates); err != nil {
		return Override{}, err
	}
	ki, err := validKindLang(kind, lang)
	if err != nil {
		return Override{}, err
	}
	if len(body) > 200_000 {
		return Override{}, apperr.Invalid("body", "validation.max_bytes", 200_000)
	}
	if _, err := documents.Compose(body, documents.Sample(ki, lang)); err != nil {
		return Override{}, apperr.Invalid("body", "validation.template", err.Error())
	}
	o := Override{OrganisationID: p.OrgID(), Kind: kind, Lang: lang, Body: body, CreatedBy: &p.User.ID}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Raw(`SELECT COALESCE(max(version), 0) + 1 FROM template_overrides WHERE organisation_id = ? AND kind = ? AND lang = ?`, o.OrganisationID, kind, lang).Scan(&o.Version).Error; err != nil {
			return err
		}
		if err := tx.DB.Create(&o).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: o.OrganisationID, Action: "template.save", TargetType: "template", TargetID: fmt.Sprintf("%s.%s", kind, lang),
			Details: map[string]any{"version": o.Version}})
	})
	return o, err
}
