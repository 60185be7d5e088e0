// Package notices is the public notice of a case (お詫びとお知らせ): its
// structured sections in Japanese and English, versions with dated update
// lines (第2報, 第3報), approval by legal and by the owner before
// publication, and the recurrence-prevention measures it reports on.
package notices

import (
	"time"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// Notice is one case's public notice.
type Notice struct {
	ID               int64     `json:"id"`
	OrganisationID   int64     `json:"-"`
	CaseID           int64     `json:"case_id"`
	Slug             string    `json:"slug" pan:"refuse"`
	Status           string    `json:"status" enum:"notice_status"`
	PublishedVersion *int      `json:"published_version"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// Statuses of a notice.
const (
	StatusDraft       = "draft"
	StatusPublished   = "published"
	StatusUnpublished = "unpublished"
)

// Statuses lists the statuses of a notice.
var Statuses = []string{StatusDraft, StatusPublished, StatusUnpublished}

// Sections are a notice's parts, in the order Japanese notices give them.
var Sections = []string{"background", "cause", "scope", "request", "delay_reason", "prevention", "reports", "contact"}

// SectionTitles name the sections.
var SectionTitles = map[string]i18n.Text{
	"background":   {JA: "経緯", EN: "What happened"},
	"cause":        {JA: "原因", EN: "Cause"},
	"scope":        {JA: "対象となる情報", EN: "Information involved"},
	"request":      {JA: "お客様へのお願い", EN: "What we ask of you"},
	"delay_reason": {JA: "公表が遅れた理由", EN: "Why we announce this now"},
	"prevention":   {JA: "再発防止策ならびにサイト再開について", EN: "Preventing recurrence and reopening"},
	"reports":      {JA: "関係機関への届出状況", EN: "Reports to authorities"},
	"contact":      {JA: "お問い合わせ窓口", EN: "Contact"},
}

// Optional sections may stay empty; the others are required to publish.
var Optional = map[string]bool{"delay_reason": true}

// SectionTexts are a version's sections by key (one of Sections), each
// in Japanese and English. It has a name of its own so that the API
// document can describe it by its keys rather than as any map.
type SectionTexts map[string]i18n.Text

// Version is one version of a notice's text.
type Version struct {
	ID              int64        `json:"id"`
	OrganisationID  int64        `json:"-"`
	NoticeID        int64        `json:"notice_id"`
	Version         int          `json:"version"`
	TitleJA         string       `json:"title_ja"`
	TitleEN         string       `json:"title_en"`
	Sections        SectionTexts `json:"sections" gorm:"serializer:json;type:jsonb"`
	UpdateLineJA    string       `json:"update_line_ja"`
	UpdateLineEN    string       `json:"update_line_en"`
	CreatedBy       *int64       `json:"created_by"`
	CreatedAt       time.Time    `json:"created_at"`
	LegalApprovedBy *int64       `json:"legal_approved_by"`
	LegalApprovedAt *time.Time   `json:"legal_approved_at"`
	OwnerApprovedBy *int64       `json:"owner_approved_by"`
	OwnerApprovedAt *time.Time   `json:"owner_approved_at"`
	PublishedAt     *time.Time   `json:"published_at"`
	PDFJA           []byte       `json:"-" gorm:"column:pdf_ja"`
	PDFEN           []byte       `json:"-" gorm:"column:pdf_en"`
	SHA256JA        []byte       `json:"-" gorm:"column:sha256_ja"`
	SHA256EN        []byte       `json:"-" gorm:"column:sha256_en"`

	// LegalApprovedSHA256 is the content hash legal approved (hex).
	LegalApprovedSHA256 *string `json:"legal_approved_sha256" gorm:"column:legal_approved_sha256" pan:"-"`
	// OwnerApprovedSHA256 is the content hash the owner approved (hex).
	OwnerApprovedSHA256 *string `json:"owner_approved_sha256" gorm:"column:owner_approved_sha256" pan:"-"`
	// Measures are the prevention measures as published with this
	// version (nil until it is published: a draft shows the live ones).
	Measures []PublishedMeasure `json:"measures,omitempty" gorm:"serializer:json;type:jsonb"`
	// ContentSHA256 is the hash of the published content (hex), the one
	// both approvals named. Hashes are hex digits, which the card-number
	// guard must not read (pan:"-"): a run of them can pass Luhn.
	ContentSHA256 *string `json:"content_sha256" gorm:"column:content_sha256" pan:"-"`
}

// TableName is the versions table.
func (Version) TableName() string { return "notice_versions" }

// Title returns the title in lang.
func (v Version) Title(lang string) string {
	if lang == "en" && v.TitleEN != "" {
		return v.TitleEN
	}
	return v.TitleJA
}

// UpdateLine returns the version's dated update line in lang.
func (v Version) UpdateLine(lang string) string {
	if lang == "en" && v.UpdateLineEN != "" {
		return v.UpdateLineEN
	}
	return v.UpdateLineJA
}

// Measure is one recurrence-prevention measure.
type Measure struct {
	ID             int64      `json:"id"`
	OrganisationID int64      `json:"-"`
	CaseID         int64      `json:"case_id"`
	TitleJA        string     `json:"title_ja"`
	TitleEN        string     `json:"title_en"`
	OwnerID        *int64     `json:"owner_id"`
	TargetDate     *time.Time `json:"target_date" gorm:"type:date"`
	Status         string     `json:"status"`
	TaskID         *int64     `json:"task_id"`
	// CauseCode and SecurityMeasure are the recorded cause and the
	// catalogue measure a plan item built from the causes addresses (nil
	// for a measure written by hand).
	CauseCode       *string   `json:"cause_code,omitempty"`
	SecurityMeasure *string   `json:"security_measure,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// TableName is the measures table.
func (Measure) TableName() string { return "prevention_measures" }

// PublishedMeasure is a measure as a notice shows it: its title and
// status, nothing internal.
type PublishedMeasure struct {
	TitleJA string `json:"title_ja"`
	TitleEN string `json:"title_en"`
	Status  string `json:"status" enum:"measure_status"`
}

// Published returns the measures as a notice would show them.
func Published(ms []Measure) []PublishedMeasure {
	out := make([]PublishedMeasure, len(ms))
	for i, m := range ms {
		out[i] = PublishedMeasure{TitleJA: m.TitleJA, TitleEN: m.TitleEN, Status: m.Status}
	}
	return out
}

// MeasureStatuses lists the statuses of a measure.
var MeasureStatuses = []string{"planned", "in_progress", "done"}
