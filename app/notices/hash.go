package notices

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/breachdesk/breachdesk/app/apperr"
)

// ErrChanged refuses an approval whose content hash is not the current
// version's: the text or the measures changed after the approver loaded
// them.
var ErrChanged = fmt.Errorf("%w: the notice changed since you loaded it; review the current version and approve it again", apperr.ErrConflict)

// contentV1 is the canonical form of everything approvers approve and the
// public is shown: the version it is, its titles, update lines, every
// section in order and the prevention measures as they are published.
type contentV1 struct {
	Format       string             `json:"format"`
	NoticeID     int64              `json:"notice_id"`
	Version      int                `json:"version"`
	TitleJA      string             `json:"title_ja"`
	TitleEN      string             `json:"title_en"`
	UpdateLineJA string             `json:"update_line_ja"`
	UpdateLineEN string             `json:"update_line_en"`
	Sections     [][3]string        `json:"sections"` // key, ja, en
	Measures     []PublishedMeasure `json:"measures"`
}

// ContentHash is the SHA-256 (hex) of version v's content with measures
// as they are (or will be) published with it. An approval names it; a
// published version keeps it.
func ContentHash(v Version, measures []PublishedMeasure) string {
	c := contentV1{Format: "breachdesk/notice-version/1", NoticeID: v.NoticeID, Version: v.Version, TitleJA: v.TitleJA, TitleEN: v.TitleEN,
		UpdateLineJA: v.UpdateLineJA, UpdateLineEN: v.UpdateLineEN, Measures: measures}
	if c.Measures == nil {
		c.Measures = []PublishedMeasure{}
	}
	for _, k := range Sections {
		c.Sections = append(c.Sections, [3]string{k, v.Sections[k].JA, v.Sections[k].EN})
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // strings and ints only
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Review is the latest version of a notice as an approver sees it: the
// text, the measures it shows and the hash an approval must name.
type Review struct {
	Version Version `json:"version"`
	// Measures are the live ones for a draft (as they would be published),
	// the frozen ones for a published version.
	Measures      []PublishedMeasure `json:"measures"`
	ContentSHA256 string             `json:"content_sha256"`
	// LegalApproved and OwnerApproved: an approval naming this content.
	LegalApproved bool `json:"legal_approved"`
	OwnerApproved bool `json:"owner_approved"`
	// LegalStale and OwnerStale: an approval given for other content.
	LegalStale bool `json:"legal_stale"`
	OwnerStale bool `json:"owner_stale"`
	// PublishedVersion is the newest published version (0: none);
	// MeasuresChanged says the measures a version would show now differ
	// from what it shows.
	PublishedVersion int  `json:"published_version"`
	MeasuresChanged  bool `json:"measures_changed"`
	// PlanVersion is the approved prevention plan version the measures
	// come from (0: no plan was approved; they are the live measures).
	PlanVersion int `json:"plan_version"`
	// Live are the case's measures as they are now, for the editor.
	Live []Measure `json:"-"`
}

// review computes a version's Review from it, the live measures and the
// measures it would show (see Service.shown).
func review(v Version, live []Measure, shown []PublishedMeasure) Review {
	r := Review{Version: v, Live: live, Measures: shown}
	if v.PublishedAt != nil {
		r.Measures = v.Measures
	}
	r.ContentSHA256 = ContentHash(v, r.Measures)
	r.LegalApproved = v.LegalApprovedAt != nil && v.LegalApprovedSHA256 != nil && *v.LegalApprovedSHA256 == r.ContentSHA256
	r.OwnerApproved = v.OwnerApprovedAt != nil && v.OwnerApprovedSHA256 != nil && *v.OwnerApprovedSHA256 == r.ContentSHA256
	r.LegalStale = v.LegalApprovedAt != nil && !r.LegalApproved
	r.OwnerStale = v.OwnerApprovedAt != nil && !r.OwnerApproved
	return r
}

// measuresDiffer reports whether the measures a version would show now
// are not what a published version shows.
func measuresDiffer(shown, published []PublishedMeasure) bool {
	return !slices.Equal(shown, published)
}
