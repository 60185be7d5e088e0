package notices

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm/clause"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// cleanSlug applies Create's rules to a slug typed for a notice: lower
// case, trimmed, and the public address's pattern.
func cleanSlug(slug string) (string, error) {
	slug = strings.ToLower(strings.TrimSpace(slug))
	if slug == "" {
		return "", apperr.Invalid("slug", "validation.required")
	}
	if !slugPattern.MatchString(slug) {
		return "", apperr.Invalid("slug", "validation.notice_slug")
	}
	return slug, nil
}

// SetSlug changes the public address (/notices/{slug}) of a notice that
// was never published, to correct a typo. Once a version has been
// published the address is out there (in the press, in letters, in the
// feed) and must keep working, so the change is refused with
// conflict.notice_slug_published. A slug another notice uses is refused
// with conflict.notice_slug_taken, on the slug field.
func (s *Service) SetSlug(ctx context.Context, p *auth.Principal, id int64, slug string) (Notice, error) {
	n, err := s.Get(ctx, p, id)
	if err != nil {
		return n, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return n, err
	}
	if _, err := s.cases.GetWritable(ctx, p, n.CaseID); err != nil {
		return n, err
	}
	if slug, err = cleanSlug(slug); err != nil {
		return n, err
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		// Publish locks the latest version: taking the same lock first
		// means a publication under way finishes before the check.
		var v Version
		if err := latest(tx, n.ID, &v); err != nil {
			return err
		}
		if err := tx.DB.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", n.ID).Take(&n).Error; err != nil {
			return err
		}
		var published int64
		if err := tx.DB.Model(&Version{}).Where("notice_id = ? AND published_at IS NOT NULL", n.ID).Count(&published).Error; err != nil {
			return err
		}
		if published > 0 || n.Status != StatusDraft || n.PublishedVersion != nil {
			return apperr.Conflict("conflict.notice_slug_published", "/notices/"+n.Slug)
		}
		if slug == n.Slug {
			return nil
		}
		from := n.Slug
		n.Slug, n.UpdatedAt = slug, s.now()
		if err := tx.DB.Model(&Notice{}).Where("id = ?", n.ID).Updates(map[string]any{"slug": slug, "updated_at": n.UpdatedAt}).Error; err != nil {
			if store.IsUniqueViolation(err) {
				return &apperr.Error{Kind: apperr.ErrConflict, Code: "conflict.notice_slug_taken", Field: "slug"}
			}
			return err
		}
		if err := timeline.Record(ctx, tx, n.OrganisationID, n.CaseID, "notice.slug", "timeline.notice_slug_changed", "/notices/"+from, "/notices/"+slug); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: n.OrganisationID, Action: "notice.slug", TargetType: "notice", TargetID: fmt.Sprint(n.ID),
			Details: map[string]any{"from": from, "to": slug}})
	})
	return n, err
}

// DeleteMeasure removes a prevention measure of a case, entered by
// mistake or dropped. The public sees only the measures frozen with a
// published version, which stay as they were; the next version shows
// the live list, and the editor says that it differs.
func (s *Service) DeleteMeasure(ctx context.Context, p *auth.Principal, caseID, id int64) (Measure, error) {
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return Measure{}, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return Measure{}, err
	}
	var m Measure
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		err := tx.DB.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ? AND case_id = ? AND organisation_id = ?", id, c.ID, c.OrganisationID).Take(&m).Error
		if store.IsNotFound(err) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := tx.DB.Delete(&Measure{}, m.ID).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "measure.delete", "timeline.measure_deleted", i18n.Text{JA: m.TitleJA, EN: m.TitleEN}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "measure.delete", TargetType: "measure", TargetID: fmt.Sprint(m.ID),
			Details: map[string]any{"title_ja": m.TitleJA, "title_en": m.TitleEN, "status": m.Status}})
	})
	return m, err
}
