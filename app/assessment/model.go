// Package assessment keeps each case's assessment (the facts the
// obligations engine works from) as numbered versions, and the case's
// obligations computed from them: every save recomputes, records what
// changed, and reschedules the deadline reminders in the same transaction.
package assessment

import (
	"encoding/json"
	"time"

	"github.com/breachdesk/breachdesk/app/i18n"

	"github.com/breachdesk/breachdesk/app/obligations"
)

// Version is one saved assessment.
type Version struct {
	ID             int64           `json:"id"`
	OrganisationID int64           `json:"-"`
	CaseID         int64           `json:"case_id"`
	Version        int             `json:"version"`
	Facts          json.RawMessage `json:"facts" gorm:"type:jsonb"`
	Note           string          `json:"note"`
	CreatedBy      *int64          `json:"created_by"`
	CreatedAt      time.Time       `json:"created_at"`
}

// TableName is the assessments table.
func (Version) TableName() string { return "assessments" }

// Statuses of an obligation.
const (
	StatusPending   = "pending"
	StatusDrafted   = "drafted"
	StatusApproved  = "approved"
	StatusSubmitted = "submitted"
	StatusWaived    = "waived"
)

// Obligation is a case's obligation: the engine's result for one rule plus
// the team's progress on it.
type Obligation struct {
	ID             int64           `json:"id"`
	OrganisationID int64           `json:"-"`
	CaseID         int64           `json:"case_id"`
	RuleID         string          `json:"rule_id"`
	Jurisdiction   string          `json:"jurisdiction"`
	Computed       json.RawMessage `json:"-" gorm:"type:jsonb"`
	// Listed is set instead of Computed by ObligationList: the part of
	// the computation a list shows.
	Listed             *Listed    `json:"-" gorm:"->;serializer:json"`
	WindowStart        *time.Time `json:"window_start"`
	DueAt              *time.Time `json:"due_at"`
	TargetAt           *time.Time `json:"target_at"`
	Guideline          bool       `json:"guideline"`
	Provisional        bool       `json:"provisional"`
	Applicable         bool       `json:"applicable"`
	Status             string     `json:"status"`
	SubmittedAt        *time.Time `json:"submitted_at"`
	RecipientReference string     `json:"recipient_reference"`
	WaiveReason        string     `json:"waive_reason"`
	DecidedBy          *int64     `json:"decided_by"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
}

// Open reports whether the obligation still needs action.
func (o Obligation) Open() bool {
	return o.Applicable && o.Status != StatusSubmitted && o.Status != StatusWaived
}

// StatusNames are the statuses as documents and notifications write them
// (the pages take theirs from the catalogue).
var StatusNames = map[string]i18n.Text{
	StatusPending: {JA: "未着手", EN: "pending"}, StatusDrafted: {JA: "起案済み", EN: "drafted"}, StatusApproved: {JA: "承認済み", EN: "approved"},
	StatusSubmitted: {JA: "提出済み", EN: "submitted"}, StatusWaived: {JA: "免除", EN: "waived"},
}

// Deadline is the time the obligation should be met by: the legal or
// guideline due time, else the organisation's own target.
func (o Obligation) Deadline() *time.Time {
	if o.DueAt != nil {
		return o.DueAt
	}
	return o.TargetAt
}

// Listed is the part of the engine's obligation a list of obligations
// shows.
type Listed struct {
	Recipient i18n.Text `json:"recipient"`
}

// Recipient is who the obligation is owed to, in both languages.
func (o Obligation) Recipient() i18n.Text {
	if o.Listed != nil {
		return o.Listed.Recipient
	}
	return o.Detail().Recipient
}

// Detail decodes the engine's full obligation (recipient, basis, content
// items, explanation, sources). It is empty for obligations read by
// ObligationList.
func (o Obligation) Detail() obligations.Obligation {
	var d obligations.Obligation
	_ = json.Unmarshal(o.Computed, &d)
	return d
}

// ChangeSet is one recomputation: which assessment version, what changed.
type ChangeSet struct {
	ID                int64                     `json:"id"`
	OrganisationID    int64                     `json:"-"`
	CaseID            int64                     `json:"case_id"`
	AssessmentVersion int                       `json:"assessment_version"`
	Changes           []obligations.Change      `json:"changes" gorm:"serializer:json;type:jsonb"`
	NeedsReview       []obligations.NeedsReview `json:"needs_review" gorm:"serializer:json;type:jsonb"`
	CreatedAt         time.Time                 `json:"created_at"`
}

// TableName is the history table.
func (ChangeSet) TableName() string { return "obligation_changes" }

// Reminder is one scheduled deadline reminder.
type Reminder struct {
	ID             int64
	OrganisationID int64
	ObligationID   int64
	Threshold      string
	FireAt         time.Time
	JobID          *int64
	State          string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Reminder thresholds.
const (
	ThresholdWarn      = "warn"
	ThresholdDayBefore = "day_before"
	ThresholdDue       = "due"
	ThresholdOverdue   = "overdue"
)
