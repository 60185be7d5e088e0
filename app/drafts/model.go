// Package drafts keeps a case's generated documents: report drafts,
// letters and memos as PDF versions with their SHA-256, the free-text
// fields people edit, approval by legal, export and submission. Rendering
// runs as a background job; organisations may override templates.
package drafts

import (
	"encoding/json"
	"time"
)

// Document statuses.
const (
	StatusQueued    = "queued"
	StatusDraft     = "draft"
	StatusApproved  = "approved"
	StatusSubmitted = "submitted"
	StatusFailed    = "failed"
)

// Statuses lists the statuses of a document, in the order it goes
// through them (failed: rendering went wrong).
var Statuses = []string{StatusQueued, StatusDraft, StatusApproved, StatusSubmitted, StatusFailed}

// Document is one generated version of a document.
type Document struct {
	ID              int64           `json:"id"`
	OrganisationID  int64           `json:"-"`
	CaseID          int64           `json:"case_id"`
	Kind            string          `json:"kind"`
	Lang            string          `json:"lang"`
	Version         int             `json:"version"`
	TemplateVersion string          `json:"template_version"`
	Status          string          `json:"status"`
	Fields          json.RawMessage `json:"fields" gorm:"type:jsonb"`
	Composed        string          `json:"-"`
	PDF             []byte          `json:"-" gorm:"column:pdf"`
	SHA256          []byte          `json:"-" gorm:"column:sha256"`
	Error           string          `json:"error,omitempty"`
	GeneratedBy     *int64          `json:"generated_by"`
	ApprovedBy      *int64          `json:"approved_by"`
	ApprovedAt      *time.Time      `json:"approved_at"`
	SubmittedAt     *time.Time      `json:"submitted_at"`
	RenderedAt      *time.Time      `json:"rendered_at"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`

	// ContentSHA256 is the hash of the rendered content (ContentHash,
	// hex), kept when it is rendered; ApprovedContentSHA256 the one legal
	// approved. Hex digits, which the card-number guard must not read
	// (pan:"-"): a run of them can pass Luhn.
	ContentSHA256         *string `json:"content_sha256" gorm:"column:content_sha256" pan:"-"`
	ApprovedContentSHA256 *string `json:"approved_content_sha256" gorm:"column:approved_content_sha256" pan:"-"`
	// PDFOrganisation and PDFReference are the PDF's header as rendered,
	// so the approved PDF shows what legal read.
	PDFOrganisation string `json:"-" gorm:"column:pdf_organisation"`
	PDFReference    string `json:"-" gorm:"column:pdf_reference"`
	// ReturnedAt, ReturnedBy and ReturnComment record legal sending this
	// version back instead of approving it (SendBack).
	ReturnedAt    *time.Time `json:"returned_at"`
	ReturnedBy    *int64     `json:"returned_by"`
	ReturnComment string     `json:"return_comment"`
}

// FieldMap decodes the edited fields.
func (d Document) FieldMap() map[string]string {
	m := map[string]string{}
	_ = json.Unmarshal(d.Fields, &m)
	return m
}

// Override is an organisation's own version of a template.
type Override struct {
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"-"`
	Kind           string    `json:"kind"`
	Lang           string    `json:"lang"`
	Version        int       `json:"version"`
	Body           string    `json:"body"`
	CreatedBy      *int64    `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
}

// TableName is the overrides table.
func (Override) TableName() string { return "template_overrides" }
