package jobs

import "github.com/riverqueue/river"

// WebhookDelivery sends one event to one webhook endpoint (a row of
// webhook_deliveries, which holds the event's data).
type WebhookDelivery struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind is the River job kind.
func (WebhookDelivery) Kind() string { return "webhook_delivery" }

// WebhookMaxAttempts bounds the attempts of one delivery: with the
// worker's backoff (30 s doubling up to an hour) eight attempts span
// about two hours before the delivery is given up as failed.
const WebhookMaxAttempts = 8

// InsertOpts: one job per delivery, on the webhooks queue so that a slow
// receiver never holds up reminders or e-mail.
func (WebhookDelivery) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueWebhooks, MaxAttempts: WebhookMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// QueueWebhooks is the queue of webhook deliveries.
const QueueWebhooks = "webhooks"
