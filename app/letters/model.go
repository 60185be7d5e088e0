// Package letters sends the approved customer letter to the persons
// affected by a case: by e-mail, one message per person, or as
// print-ready PDFs with many letters per file. A batch fans out into
// chunks worked by background jobs; each (batch, person) has exactly one
// letter row whose state records what happened to it.
//
// Exactly once. A print letter is rendered and marked printed in one
// transaction, so a crash repeats at most the rendering. An e-mail is
// marked sent by one autocommitted statement right after the SMTP server
// accepted it: a crash in the gap between the server's "250 OK" and that
// statement (a few milliseconds) sends the letter again on the retry. The
// message keeps the same Message-ID on every attempt so a receiving system
// can recognise the repeat. Nothing else can send a letter twice: a chunk
// is worked by one job at a time and only letters still pending are sent.
package letters

import "time"

// Channels.
const (
	ChannelEmail = "email"
	ChannelPrint = "print"
)

// Channels are the channels a batch may use: the service checks against
// this list and the API document offers it.
var Channels = []string{ChannelEmail, ChannelPrint}

// Letter states.
const (
	StatePending   = "pending"
	StateSent      = "sent"       // e-mail accepted by the SMTP server
	StatePrinted   = "printed"    // in a print-ready PDF
	StateFailed    = "failed"     // e-mail refused and no postal address to fall back to
	StateNoAddress = "no_address" // nothing to send it to
)

// Selections of persons for a batch.
const (
	SelectAll         = "all"
	SelectNotNotified = "not_notified"
	SelectSearch      = "search"
)

// Selections are the ways a batch may choose its persons, checked by the
// service and offered by the API document.
var Selections = []string{SelectAll, SelectNotNotified, SelectSearch}

// Person e-mail statuses (people.email_status).
const (
	EmailSent    = "sent"
	EmailFailed  = "failed"  // refused by the server (5xx)
	EmailBounced = "bounced" // reported back as undeliverable
)

// Batch is one sending of a letter to a set of persons.
type Batch struct {
	ID             int64      `json:"id"`
	OrganisationID int64      `json:"-"`
	CaseID         int64      `json:"case_id"`
	DocumentID     int64      `json:"document_id"`
	Lang           string     `json:"lang"`
	Channel        string     `json:"channel"`
	AttachPDF      bool       `json:"attach_pdf"`
	Selection      string     `json:"selection"`
	Search         string     `json:"search"`
	SameLanguage   bool       `json:"same_language"`
	ChunkSize      int        `json:"chunk_size"`
	Chunks         int        `json:"chunks"`
	Total          int        `json:"total"`
	Status         string     `json:"status"`
	CreatedBy      *int64     `json:"created_by"`
	CreatedAt      time.Time  `json:"created_at"`
	FinishedAt     *time.Time `json:"finished_at"`
}

// TableName is the batches table.
func (Batch) TableName() string { return "letter_batches" }

// Letter is one letter of a batch to one person.
type Letter struct {
	ID             int64      `json:"id"`
	OrganisationID int64      `json:"-"`
	BatchID        int64      `json:"batch_id"`
	PersonID       int64      `json:"person_id"`
	Chunk          int        `json:"chunk"`
	Channel        string     `json:"channel"`
	Fallback       bool       `json:"fallback"`
	State          string     `json:"state"`
	Attempts       int        `json:"attempts"`
	LastError      string     `json:"last_error"`
	SentAt         *time.Time `json:"sent_at"`
	FileID         *int64     `json:"file_id"`
	BouncedAt      *time.Time `json:"bounced_at"`
}

// TableName is the letters table.
func (Letter) TableName() string { return "letters" }

// File is one print-ready PDF of a batch.
type File struct {
	ID             int64      `json:"id"`
	OrganisationID int64      `json:"-"`
	BatchID        int64      `json:"batch_id"`
	Chunk          int        `json:"chunk"`
	Letters        int        `json:"letters"`
	PDF            []byte     `json:"-" gorm:"column:pdf"`
	SHA256         []byte     `json:"-" gorm:"column:sha256"`
	PostedAt       *time.Time `json:"posted_at"`
	CreatedAt      time.Time  `json:"created_at"`
}

// TableName is the files table.
func (File) TableName() string { return "letter_files" }

// Counts are a batch's letters by state, for its progress bar.
type Counts struct {
	Total     int `json:"total"`
	Pending   int `json:"pending"`
	Sent      int `json:"sent"`
	Printed   int `json:"printed"`
	Failed    int `json:"failed"`
	NoAddress int `json:"no_address"`
	// Fallback counts letters that went to print because e-mail could not
	// reach the person (no address, refused or bounced).
	Fallback int `json:"fallback"`
	Bounced  int `json:"bounced"`
}

// Retry is a batch's e-mails waiting for a retry after a temporary
// failure (the SMTP server down or throttling): the progress alone would
// stand still with no word why.
type Retry struct {
	// Waiting is how many e-mail letters wait for a retry.
	Waiting int `json:"waiting"`
	// LastError is the reason of the latest temporary failure, as kept on
	// the letters.
	LastError string `json:"last_error"`
	// Attempts is how many times the waiting letters were tried so far
	// (the most of any of them).
	Attempts int `json:"attempts"`
	// MaxAttempts is the attempt after which letters still refused go to
	// print instead; 0 when unknown (the chunk's job is gone).
	MaxAttempts int `json:"max_attempts"`
	// NextAttemptAt is when the job queue tries the earliest waiting chunk
	// again; nil when no retry is scheduled (one is under way, or the
	// worker has not yet picked up the failure).
	NextAttemptAt *time.Time `json:"next_attempt_at"`
}

// Done is how many letters need nothing more.
func (c Counts) Done() int { return c.Total - c.Pending }

// Percent is the progress in whole percent.
func (c Counts) Percent() int {
	if c.Total == 0 {
		return 100
	}
	return c.Done() * 100 / c.Total
}
