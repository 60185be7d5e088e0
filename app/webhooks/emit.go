package webhooks

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/store"
)

// Payload is an event's data: ids, case references, rule ids, phases,
// counts. Never personal data, never free text a card number could hide
// in: it is stored and sent to third parties.
type Payload map[string]any

// Emit records event for every active endpoint of organisation orgID
// that subscribes to it and enqueues their deliveries, in tx: the
// deliveries exist if and only if the change that caused them commits.
// An organisation without endpoints costs one indexed query.
//
// Events of a drill case (a tabletop exercise, see cases.DrillClock) go
// nowhere: the systems on the other end (ticketing, chat, the acquirer's
// intake) cannot tell a rehearsal from an incident.
func Emit(ctx context.Context, tx *store.Tx, orgID int64, event Event, payload Payload) error {
	var ids []int64
	if err := tx.DB.Raw(`SELECT id FROM webhook_endpoints WHERE organisation_id = ? AND active AND ? = ANY(events)
			AND NOT EXISTS (SELECT 1 FROM cases WHERE id = ? AND organisation_id = ? AND drill) ORDER BY id`,
		orgID, string(event), payload["case_id"], orgID).Scan(&ids).Error; err != nil {
		return fmt.Errorf("webhooks: endpoints of %s: %w", event, err)
	}
	for _, id := range ids {
		if _, err := enqueue(ctx, tx, orgID, id, event, payload); err != nil {
			return err
		}
	}
	return nil
}

// enqueue writes one delivery and its job.
func enqueue(ctx context.Context, tx *store.Tx, orgID, endpointID int64, event Event, payload Payload) (Delivery, error) {
	if payload == nil {
		payload = Payload{}
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return Delivery{}, fmt.Errorf("webhooks: payload of %s: %w", event, err)
	}
	d := Delivery{OrganisationID: orgID, EndpointID: endpointID, Event: string(event), Payload: body, Status: StatusPending, CreatedAt: tx.Now()}
	if err := tx.DB.Omit("delivered_at").Create(&d).Error; err != nil {
		return d, err
	}
	if _, err := tx.Enqueue(ctx, jobs.WebhookDelivery{DeliveryID: d.ID}, nil); err != nil {
		return d, err
	}
	return d, nil
}
