package evidence

import (
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Digest is a SHA-256 stored as bytea. It marshals to lower-case hex in
// JSON, the form people compare against sha256sum output; templates may
// print it with %x.
type Digest []byte

// Hex returns the digest in lower-case hex.
func (d Digest) Hex() string { return hex.EncodeToString(d) }

// Short is the first 12 hex digits, enough to tell items apart on screen.
func (d Digest) Short() string {
	h := d.Hex()
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// MarshalJSON writes the digest as a hex string.
func (d Digest) MarshalJSON() ([]byte, error) { return json.Marshal(d.Hex()) }

// Scan copies the bytea: the driver may reuse its buffer after the row.
func (d *Digest) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = nil
	case []byte:
		*d = append(Digest(nil), v...)
	default:
		return fmt.Errorf("evidence: cannot scan %T into a digest", src)
	}
	return nil
}

// Value stores the digest as bytea.
func (d Digest) Value() (driver.Value, error) { return []byte(d), nil }

// Item is one file in a case's evidence register. Data is filled only by
// Open: listings never carry the bytes, which may be large.
type Item struct {
	ID             int64  `json:"id"`
	OrganisationID int64  `json:"-"`
	CaseID         int64  `json:"case_id"`
	Filename       string `json:"filename"`
	ContentType    string `json:"content_type" doc:"sniffed from the content, never taken from the client"`
	SizeBytes      int64  `json:"size_bytes"`
	SHA256         Digest `gorm:"column:sha256" json:"sha256"`
	Description    string `json:"description"`
	// HeldBy names who holds an item BreachDesk keeps no copy of (one
	// holding card data, kept by the forensic investigator); "" when the
	// file is stored here.
	HeldBy    string    `json:"held_by" doc:"who holds a file BreachDesk keeps no copy of (one with card data); empty when it is stored here"`
	Data      []byte    `gorm:"column:data" json:"-"`
	CreatedBy *int64    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName is the evidence table.
func (Item) TableName() string { return "evidence" }

// listColumns are Item's columns without data, for every query that does
// not hand out the file itself.
var listColumns = []string{"id", "organisation_id", "case_id", "filename", "content_type", "size_bytes", "sha256", "description", "held_by", "created_by", "created_at"}

// Stored reports whether BreachDesk keeps the file's content.
func (it Item) Stored() bool { return it.HeldBy == "" }

// Custody event kinds, in the order an item usually goes through them.
const (
	KindCollected   = "collected"
	KindTransferred = "transferred"
	KindAnalysed    = "analysed"
	KindReturned    = "returned"
)

// Kinds lists the custody event kinds (the schema's CHECK constraint).
var Kinds = []string{KindCollected, KindTransferred, KindAnalysed, KindReturned}

// CustodyEvent is one link of an item's chain of custody: who had it,
// when, and why.
type CustodyEvent struct {
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"-"`
	EvidenceID     int64     `json:"evidence_id"`
	Kind           string    `json:"kind" enum:"custody_kind"`
	OccurredAt     time.Time `json:"occurred_at"`
	Handler        string    `json:"handler"`
	Reason         string    `json:"reason"`
	RecordedBy     *int64    `json:"recorded_by"`
	CreatedAt      time.Time `json:"created_at"`
}

// TableName is the custody table.
func (CustodyEvent) TableName() string { return "custody_events" }
