package notices

import (
	"context"
	"fmt"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

// Public is what the public page of a notice shows: nothing from the case
// but a published version as it was approved: its text and the measures'
// titles and statuses frozen with it (never the live measures).
type Public struct {
	Org      auth.Organisation
	Notice   Notice
	Version  Version   // the version shown
	History  []Version // every published version, newest first
	Measures []PublishedMeasure
	Latest   bool // Version is the current one
}

// PublicPage returns a published notice by slug: the current version, or
// an earlier published one (version > 0). Anything not published, or
// unpublished since, answers apperr.ErrNotFound.
func (s *Service) PublicPage(ctx context.Context, slug string, version int) (Public, error) {
	var pub Public
	db := s.st.DB.WithContext(ctx)
	err := db.Where("slug = ? AND status = ?", slug, StatusPublished).Take(&pub.Notice).Error
	if store.IsNotFound(err) {
		return pub, apperr.ErrNotFound
	}
	if err != nil {
		return pub, err
	}
	if err := db.Omit("pdf_ja", "pdf_en").Where("notice_id = ? AND published_at IS NOT NULL", pub.Notice.ID).Order("version DESC").Find(&pub.History).Error; err != nil {
		return pub, err
	}
	if len(pub.History) == 0 {
		return pub, apperr.ErrNotFound
	}
	pub.Version, pub.Latest = pub.History[0], true
	if version > 0 {
		found := false
		for _, v := range pub.History {
			if v.Version == version {
				pub.Version, pub.Latest, found = v, v.Version == pub.History[0].Version, true
			}
		}
		if !found {
			return pub, apperr.ErrNotFound
		}
	}
	if err := db.Take(&pub.Org, pub.Notice.OrganisationID).Error; err != nil {
		return pub, err
	}
	if err := checkFrozen(pub.Version); err != nil {
		return pub, err
	}
	pub.Measures = pub.Version.Measures
	return pub, nil
}

// checkFrozen refuses to show a published version whose content is not
// the content both approvals named (a row changed behind the service's
// back). Versions published before hashes were kept have none to check.
func checkFrozen(v Version) error {
	if v.ContentSHA256 != nil && ContentHash(v, v.Measures) != *v.ContentSHA256 {
		return fmt.Errorf("notices: published version %d of notice %d does not match the content hash it was approved with", v.Version, v.NoticeID)
	}
	return nil
}

// PublicPDF returns the PDF of a published version in lang.
func (s *Service) PublicPDF(ctx context.Context, slug string, version int, lang string) ([]byte, error) {
	pub, err := s.PublicPage(ctx, slug, version)
	if err != nil {
		return nil, err
	}
	var v Version
	if err := s.st.DB.WithContext(ctx).Where("id = ?", pub.Version.ID).Take(&v).Error; err != nil {
		return nil, err
	}
	pdf := v.PDFJA
	if lang == "en" {
		pdf = v.PDFEN
	}
	if len(pdf) == 0 {
		return nil, apperr.ErrNotFound
	}
	return pdf, nil
}

// FeedEntry is one published notice version for the Atom feed.
type FeedEntry struct {
	Notice  Notice
	Version Version
}

// Feed lists an organisation's published notice versions, newest first.
func (s *Service) Feed(ctx context.Context, orgSlug string) (auth.Organisation, []FeedEntry, error) {
	var org auth.Organisation
	db := s.st.DB.WithContext(ctx)
	if err := db.Where("slug = ?", orgSlug).Take(&org).Error; err != nil {
		if store.IsNotFound(err) {
			return org, nil, apperr.ErrNotFound
		}
		return org, nil, err
	}
	var ns []Notice
	if err := db.Where("organisation_id = ? AND status = ?", org.ID, StatusPublished).Find(&ns).Error; err != nil {
		return org, nil, err
	}
	var out []FeedEntry
	for _, n := range ns {
		var vs []Version
		if err := db.Omit("pdf_ja", "pdf_en").Where("notice_id = ? AND published_at IS NOT NULL", n.ID).Order("version DESC").Find(&vs).Error; err != nil {
			return org, nil, err
		}
		for _, v := range vs {
			out = append(out, FeedEntry{Notice: n, Version: v})
		}
	}
	return org, out, nil
}
