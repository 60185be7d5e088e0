// Package webhooks sends an organisation's events to the HTTPS endpoints
// it registered: each event becomes one delivery per subscribed endpoint,
// enqueued as a River job in the transaction of the change itself, signed
// by the Standard Webhooks scheme (webhook-id, webhook-timestamp,
// webhook-signature) and retried with backoff; every attempt is logged.
package webhooks

import (
	"time"

	"github.com/lib/pq"
)

// Event names a kind of event an endpoint can subscribe to.
type Event string

// The events BreachDesk emits. EventTest is sent only by the settings
// page's "send test event" button, to the one endpoint it is pressed for.
const (
	EventCaseOpened          Event = "case.opened"
	EventCasePhaseChanged    Event = "case.phase_changed"
	EventObligationDueSoon   Event = "obligation.due_soon"
	EventObligationOverdue   Event = "obligation.overdue"
	EventObligationSubmitted Event = "obligation.submitted"
	EventDocumentApproved    Event = "document.approved"
	EventNoticePublished     Event = "notice.published"
	EventImportFinished      Event = "import.finished"
	EventLetterBatchFinished Event = "letter_batch.finished"
	EventTest                Event = "webhook.test"
)

// Events are the events an endpoint may subscribe to, in the order the
// settings page lists them.
var Events = []Event{EventCaseOpened, EventCasePhaseChanged, EventObligationDueSoon, EventObligationOverdue,
	EventObligationSubmitted, EventDocumentApproved, EventNoticePublished, EventImportFinished, EventLetterBatchFinished}

// Formats of a delivery's body: the Standard Webhooks JSON envelope, or a
// {"text": "..."} message that a Slack or Microsoft Teams incoming
// webhook posts to a channel as it is.
const (
	FormatStandard = "standard"
	FormatSlack    = "slack"
	FormatTeams    = "teams"
)

// Formats lists the formats, for the settings page.
var Formats = []string{FormatStandard, FormatSlack, FormatTeams}

// Endpoint is one registered receiver of an organisation's events.
type Endpoint struct {
	ID             int64          `json:"id"`
	OrganisationID int64          `json:"-"`
	URL            string         `json:"url"`
	Description    string         `json:"description"`
	Events         pq.StringArray `json:"events" gorm:"type:text[]"`
	Format         string         `json:"format"`
	// Language is the language of chat (Slack, Teams) messages: the
	// organisation has no language of its own, its members each have one.
	Language string `json:"language"`
	// Secret is sealed with the server's key; it is shown in clear only
	// once, when the endpoint is made.
	Secret    []byte    `json:"-" pan:"-"`
	Active    bool      `json:"active"`
	CreatedBy *int64    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName is the endpoints table.
func (Endpoint) TableName() string { return "webhook_endpoints" }

// Subscribes reports whether the endpoint wants event e.
func (e Endpoint) Subscribes(ev Event) bool {
	for _, x := range e.Events {
		if x == string(ev) {
			return true
		}
	}
	return false
}

// Delivery is one event sent (or to be sent) to one endpoint.
type Delivery struct {
	ID             int64      `json:"id"`
	OrganisationID int64      `json:"-"`
	EndpointID     int64      `json:"endpoint_id"`
	Event          string     `json:"event"`
	Payload        []byte     `json:"-" gorm:"type:jsonb"`
	Status         string     `json:"status"`
	Attempts       int        `json:"attempts"`
	CreatedAt      time.Time  `json:"created_at"`
	DeliveredAt    *time.Time `json:"delivered_at"`
}

// TableName is the deliveries table.
func (Delivery) TableName() string { return "webhook_deliveries" }

// Delivery states.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
)

// Attempt is one POST of a delivery: what the receiver answered and how
// long it took.
type Attempt struct {
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"-"`
	DeliveryID     int64     `json:"delivery_id"`
	Attempt        int       `json:"attempt"`
	At             time.Time `json:"at"`
	OK             bool      `json:"ok" gorm:"column:ok"`
	StatusCode     int       `json:"status_code"`
	LatencyMS      int       `json:"latency_ms" gorm:"column:latency_ms"`
	Error          string    `json:"error"`
	Response       string    `json:"response"`
}

// TableName is the attempts table.
func (Attempt) TableName() string { return "webhook_attempts" }

// LogEntry is a delivery with its attempts, newest first, for the log.
type LogEntry struct {
	Delivery
	Tries []Attempt
}

// EndpointInput is what the settings form sends for an endpoint.
type EndpointInput struct {
	URL         string   `json:"url"`
	Description string   `json:"description"`
	Events      []string `json:"events"`
	Format      string   `json:"format"`
	Language    string   `json:"language"`
	Active      bool     `json:"active"`
}
