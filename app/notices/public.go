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

// FeedLimit bounds the Atom feed: the newest entries are what a reader
// polls for, and an organisation with many notices and 第N報 must not make
// every poll (a press-day spike of them) load its whole history.
const FeedLimit = 50

// Feed lists an organisation's published notice versions, newest first,
// at most FeedLimit of them: the versions in one query, their notices in
// a second.
func (s *Service) Feed(ctx context.Context, orgSlug string) (auth.Organisation, []FeedEntry, error) {
	var org auth.Organisation
	db := s.st.DB.WithContext(ctx)
	if err := db.Where("slug = ?", orgSlug).Take(&org).Error; err != nil {
		if store.IsNotFound(err) {
			return org, nil, apperr.ErrNotFound
		}
		return org, nil, err
	}
	var vs []Version
	if err := db.Omit("pdf_ja", "pdf_en").
		Where("organisation_id = ? AND published_at IS NOT NULL AND notice_id IN (SELECT id FROM notices WHERE organisation_id = ? AND status = ?)", org.ID, org.ID, StatusPublished).
		Order("published_at DESC, id DESC").Limit(FeedLimit).Find(&vs).Error; err != nil {
		return org, nil, err
	}
	if len(vs) == 0 {
		return org, nil, nil
	}
	ids := make([]int64, 0, len(vs))
	for _, v := range vs {
		ids = append(ids, v.NoticeID)
	}
	var ns []Notice
	if err := db.Where("organisation_id = ? AND id IN ?", org.ID, ids).Find(&ns).Error; err != nil {
		return org, nil, err
	}
	byID := make(map[int64]Notice, len(ns))
	for _, n := range ns {
		byID[n.ID] = n
	}
	out := make([]FeedEntry, 0, len(vs))
	for _, v := range vs {
		out = append(out, FeedEntry{Notice: byID[v.NoticeID], Version: v})
	}
	return org, out, nil
}
