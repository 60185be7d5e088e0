package orders

import (
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/breachdesk/breachdesk/app/people"
)

// Import statuses and modes: the person import's, so that both read alike.
const (
	StatusQueued     = "queued"
	StatusRunning    = "running"
	StatusDone       = "done"
	StatusRejected   = "rejected"
	StatusFailed     = "failed"
	ModePartial      = "partial"
	ModeAllOrNothing = "all_or_nothing"
)

// MaxErrors is how many row errors an import keeps; the counts go on.
const MaxErrors = people.MaxErrors

// RowError is one problem of one line: line and field, never the cell's
// content (see people.RowError).
type RowError = people.RowError

// Import is one uploaded order export and the result of loading it.
//
// RowsTotal counts the data rows of the file (blank rows excluded), rows
// of one order each counted; RowsInvalid the rows refused; OrdersImported
// the orders this import wrote (its item rows merged).
type Import struct {
	ID             int64      `json:"id"`
	OrganisationID int64      `json:"organisation_id"`
	CaseID         int64      `json:"case_id"`
	Filename       string     `json:"filename"`
	Preset         string     `json:"preset"`
	Encoding       string     `json:"encoding"`
	Mode           string     `json:"mode"`
	Mapping        Mapping    `json:"mapping" gorm:"serializer:json"`
	Status         string     `json:"status"`
	RowsTotal      int64      `json:"rows_total"`
	RowsDone       int64      `json:"rows_done"`
	OrdersImported int64      `json:"orders_imported"`
	RowsInvalid    int64      `json:"rows_invalid"`
	PansMasked     int64      `json:"pans_masked"`
	Errors         []RowError `json:"errors" gorm:"serializer:json"`
	Error          string     `json:"error"`
	CreatedBy      *int64     `json:"created_by"`
	CreatedAt      time.Time  `json:"created_at"`
	StartedAt      *time.Time `json:"started_at"`
	FinishedAt     *time.Time `json:"finished_at"`
}

// TableName is the order_imports table.
func (Import) TableName() string { return "order_imports" }

// Finished reports whether the job has nothing left to do.
func (i Import) Finished() bool {
	return i.Status == StatusDone || i.Status == StatusRejected || i.Status == StatusFailed
}

// CardDataColumns counts the columns of sensitive card data (security
// code, expiry, PIN, track data) that were dropped at upload.
func (i Import) CardDataColumns() int {
	n := 0
	for _, c := range i.Mapping.Columns {
		if c.Field == FieldCardData {
			n++
		}
	}
	return n
}

// RetentionFinding reports whether the export held full card numbers or
// sensitive card data: the merchant's systems kept what they must not
// (non-retention broken), a finding for the investigation.
func (i Import) RetentionFinding() bool { return i.PansMasked > 0 || i.CardDataColumns() > 0 }

// Order is one order of the shop, its item rows merged.
type Order struct {
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"organisation_id"`
	CaseID         int64     `json:"case_id"`
	ImportID       *int64    `json:"import_id"`
	Line           int64     `json:"line"` // first CSV line of the order in its import
	OrderNo        string    `json:"order_no"`
	OrderedAt      time.Time `json:"ordered_at"`
	PaymentMethod  string    `json:"payment_method"` // as written in the export
	CardPayment    bool      `json:"card_payment"`
	CardBrand      string    `json:"card_brand"`
	CardLast4      string    `json:"card_last4"`
	CustomerID     string    `json:"customer_id"` // '' for guests
	Email          string    `json:"email"`
	Name           string    `json:"name"`
	NameKana       string    `json:"name_kana"`
	PostalCode     string    `json:"postal_code"`
	Address        string    `json:"address"`
	Phone          string    `json:"phone"`
	EmailKey       string    `json:"email_key"`
	NameAddressKey string    `json:"name_address_key"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// TableName is the orders table.
func (Order) TableName() string { return "orders" }

// EmailKey is the form of an e-mail address that customers are matched
// by: NFKC (full-width letters as ASCII), trimmed, lower-case.
func EmailKey(email string) string {
	return strings.ToLower(strings.TrimSpace(norm.NFKC.String(email)))
}

// NameAddressKey is the form of name, postal code and address that
// customers without an e-mail address or member id are matched by: NFKC,
// every kind of white space removed, lower-case. It is "" when the name or
// the address is missing: a name alone matches too many people.
func NameAddressKey(name, postalCode, address string) string {
	n, a := foldKey(name), foldKey(address)
	if n == "" || a == "" {
		return ""
	}
	return n + "|" + foldKey(postalCode) + "|" + a
}

// foldKey is NFKC, no white space, lower-case.
func foldKey(s string) string {
	s = norm.NFKC.String(s)
	return strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s))
}

// withKeys fills in the matching keys from the order's fields.
func (o *Order) withKeys() {
	o.EmailKey = EmailKey(o.Email)
	o.NameAddressKey = NameAddressKey(o.Name, o.PostalCode, o.Address)
}
