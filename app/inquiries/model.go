// Package inquiries is a case's call centre: the log of inquiries from
// the public (who called, what they asked, what they were told, whether
// they are among the affected persons), the FAQ sheet staff curate for
// the operators, and its exports.
//
// Callers read card numbers out on the phone and type them into web
// forms, so every free-text field passes the PAN guard before it is
// stored: a card number is kept as brand and last four digits only.
package inquiries

import "time"

// Channels an inquiry can arrive by (the schema's CHECK constraint).
var Channels = []string{"phone", "email", "web", "other"}

// Affected answers "is the caller among the affected persons?". Unknown
// is its own value: a caller not found in an incomplete list is not
// thereby unaffected.
const (
	AffectedYes     = "yes"
	AffectedNo      = "no"
	AffectedUnknown = "unknown"
)

// AffectedValues lists the tri-state in display order.
var AffectedValues = []string{AffectedYes, AffectedNo, AffectedUnknown}

// Inquiry statuses.
const (
	StatusOpen     = "open"
	StatusAnswered = "answered"
)

// Statuses lists the statuses in display order.
var Statuses = []string{StatusOpen, StatusAnswered}

// Categories are what an inquiry is about. A fixed list keeps the counts
// by category comparable from one day's report to the next.
var Categories = []string{"affected_check", "what_happened", "card_misuse", "card_reissue", "suspicious_contact", "complaint", "compensation", "other"}

// Inquiry is one contact from a member of the public about a case.
type Inquiry struct {
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"-"`
	CaseID         int64     `json:"case_id"`
	ReceivedAt     time.Time `json:"received_at"`
	Channel        string    `json:"channel" enum:"inquiry_channel"`
	CallerName     string    `json:"caller_name"`
	CallerContact  string    `json:"caller_contact"`
	// PersonID is the affected person the caller was matched to, if any.
	PersonID   *int64     `json:"person_id"`
	Affected   string     `json:"affected" enum:"inquiry_affected"`
	Question   string     `json:"question"`
	Answer     string     `json:"answer"`
	Status     string     `json:"status" enum:"inquiry_status"`
	Category   string     `json:"category" enum:"inquiry_category"`
	TakenBy    string     `json:"taken_by"`
	AnsweredAt *time.Time `json:"answered_at"`
	CreatedBy  *int64     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// TableName is the inquiries table.
func (Inquiry) TableName() string { return "inquiries" }

// FAQEntry is one curated question and answer of a case's FAQ sheet.
type FAQEntry struct {
	ID              int64     `json:"id"`
	OrganisationID  int64     `json:"-"`
	CaseID          int64     `json:"case_id"`
	Position        int       `json:"position"`
	QuestionJA      string    `json:"question_ja"`
	AnswerJA        string    `json:"answer_ja"`
	QuestionEN      string    `json:"question_en"`
	AnswerEN        string    `json:"answer_en"`
	SourceInquiryID *int64    `json:"source_inquiry_id"`
	CreatedBy       *int64    `json:"created_by"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// TableName is the FAQ table.
func (FAQEntry) TableName() string { return "faq_entries" }

// Counts summarise a case's inquiries for the case page and reports.
type Counts struct {
	Total       int64 `json:"total"`
	Open        int64 `json:"open"`
	Answered    int64 `json:"answered"`
	Affected    int64 `json:"affected"`
	NotAffected int64 `json:"not_affected"`
	Unknown     int64 `json:"unknown"`
	// ByCategory lists the categories in use, most frequent first.
	ByCategory []CategoryCount `json:"by_category"`
}

// CategoryCount is how many inquiries one category has.
type CategoryCount struct {
	Category string `json:"category" enum:"inquiry_category"`
	Count    int64  `json:"count"`
}

// Person is what the call centre sees of an affected person when
// checking a caller against the list: enough to confirm who it is.
type Person struct {
	ID         int64  `json:"id"`
	CustomerID string `json:"customer_id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	Phone      string `json:"phone"`
	CardBrand  string `json:"card_brand"`
	CardLast4  string `json:"card_last4"`
	// Notified reports whether a letter or e-mail has gone to them.
	Notified bool `json:"notified"`
}
