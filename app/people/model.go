// Package people keeps the persons affected by a case and loads them from
// CSV files (the list a merchant exports from its shop or CRM). An import
// is uploaded once, masked for card numbers on the way in, stored in the
// database and processed by a background job in resumable chunks; its
// progress and per-line errors are kept on the import.
//
// Card numbers never reach the database, the logs, a temporary file or a
// job's arguments: every cell is passed through the PAN guard before
// anything else reads it, and a card-number column keeps only the brand
// and the last four digits.
package people

import (
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"
)

// Import modes.
const (
	// ModePartial imports every valid row and reports the others.
	ModePartial = "partial"
	// ModeAllOrNothing rejects the whole file when any row is invalid.
	ModeAllOrNothing = "all_or_nothing"
)

// Modes are the import modes a caller may choose, the first the default:
// the service checks against this list and the API document offers it.
var Modes = []string{ModePartial, ModeAllOrNothing}

// Import statuses.
const (
	StatusQueued   = "queued"
	StatusRunning  = "running"
	StatusDone     = "done"
	StatusRejected = "rejected"
	StatusFailed   = "failed"
)

// MaxErrors is how many row errors an import keeps; the counts go on.
const MaxErrors = 1000

// Import is one uploaded CSV and the result of loading it.
//
// RowsTotal counts the data rows of the file (blank rows excluded);
// RowsImported the valid rows taken in, of which RowsMerged went into a
// person that already existed or appeared earlier in the file; RowsInvalid
// the rows refused. When done, RowsTotal = RowsImported + RowsInvalid.
type Import struct {
	ID             int64           `json:"id"`
	OrganisationID int64           `json:"organisation_id"`
	CaseID         int64           `json:"case_id"`
	Filename       string          `json:"filename"`
	Encoding       string          `json:"encoding"`
	Mode           string          `json:"mode"`
	Mapping        []ColumnMapping `json:"mapping" gorm:"serializer:json"`
	Status         string          `json:"status"`
	RowsTotal      int64           `json:"rows_total"`
	RowsDone       int64           `json:"rows_done"`
	RowsImported   int64           `json:"rows_imported"`
	RowsMerged     int64           `json:"rows_merged"`
	RowsInvalid    int64           `json:"rows_invalid"`
	PansMasked     int64           `json:"pans_masked"`
	// CardDataColumns counts the columns of sensitive card data (security
	// code, expiry, PIN, track data) dropped at upload, from Mapping.
	CardDataColumns int        `json:"card_data_columns" gorm:"-"`
	Errors          []RowError `json:"errors" gorm:"serializer:json"`
	Error           string     `json:"error"`
	CreatedBy       *int64     `json:"created_by"`
	CreatedAt       time.Time  `json:"created_at"`
	StartedAt       *time.Time `json:"started_at"`
	FinishedAt      *time.Time `json:"finished_at"`
}

// TableName is the imports table.
func (Import) TableName() string { return "imports" }

// AfterFind fills in what is derived from the stored columns.
func (i *Import) AfterFind(*gorm.DB) error {
	i.countCardData()
	return nil
}

func (i *Import) countCardData() {
	i.CardDataColumns = 0
	for _, m := range i.Mapping {
		if m.Field == FieldCardData {
			i.CardDataColumns++
		}
	}
}

// Finished reports whether the job has nothing left to do.
func (i Import) Finished() bool {
	return i.Status == StatusDone || i.Status == StatusRejected || i.Status == StatusFailed
}

// ColumnMapping says which field one column of the file feeds: "" for a
// column no mapping names (not imported), "ignore" for one dropped on
// request, "card_data" for one of sensitive card data (always dropped),
// "extra" for one kept among the person's notes.
type ColumnMapping struct {
	Column int    `json:"column"` // 1-based position in the file
	Header string `json:"header"` // as in the file, masked
	Field  string `json:"field"`
}

// Kept reports whether the column's values are read at all: a column of
// card data, one mapped to ignore and one no mapping names are dropped at
// upload (their cells are never stored, not even in the uploaded file).
func (m ColumnMapping) Kept() bool {
	return m.Field != "" && m.Field != FieldIgnore && m.Field != FieldCardData
}

// RowError is one problem of one row. It names the line and the field but
// never repeats the cell's content, which may be personal data. Code is the
// catalogue message that says what is wrong, filled with Args (text, so
// that they read back the same from the stored JSON); the web translates
// it into the reader's language and, for the API, into Reason in English.
// Warning marks a row that was imported with part of it left out.
type RowError struct {
	Line    int64    `json:"line"`
	Field   string   `json:"field"`
	Code    string   `json:"code"`
	Args    []string `json:"args,omitempty"`
	Reason  string   `json:"reason,omitempty"`
	Warning bool     `json:"warning,omitempty"`
}

// MessageCode returns the error's code and arguments, for the translation
// (app/i18n).
func (e RowError) MessageCode() (string, []any) {
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		args[i] = a
	}
	return e.Code, args
}

// Person is one affected person of a case.
type Person struct {
	ID               int64             `json:"id"`
	OrganisationID   int64             `json:"organisation_id"`
	CaseID           int64             `json:"case_id"`
	CustomerID       string            `json:"customer_id"`
	Name             string            `json:"name"`
	NameKana         string            `json:"name_kana"`
	PostalCode       string            `json:"postal_code"`
	Address          string            `json:"address"`
	Email            string            `json:"email"`
	Phone            string            `json:"phone"`
	Language         string            `json:"language"`
	Residency        string            `json:"residency"`
	DataItems        pq.StringArray    `json:"data_items" gorm:"type:text[]"`
	CardBrand        string            `json:"card_brand"`
	CardLast4        string            `json:"card_last4"`
	Extra            map[string]string `json:"extra" gorm:"serializer:json"`
	NotifiedEmailAt  *time.Time        `json:"notified_email_at"`
	NotifiedLetterAt *time.Time        `json:"notified_letter_at"`
	EmailStatus      string            `json:"email_status"`
	BounceReason     string            `json:"bounce_reason"`
	ImportID         *int64            `json:"import_id"`
	CreatedAt        time.Time         `json:"created_at"`
	UpdatedAt        time.Time         `json:"updated_at"`
}

// TableName is the people table.
func (Person) TableName() string { return "people" }
