package workflows

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/webhooks"
)

// WebhookDeliveryWorker sends one event to one webhook endpoint. A
// receiver that does not answer 2xx makes the attempt fail, and River
// tries again after NextRetry, up to jobs.WebhookMaxAttempts.
type WebhookDeliveryWorker struct {
	river.WorkerDefaults[jobs.WebhookDelivery]
	webhooks  *webhooks.Service
	retryBase time.Duration // WebhookRetryBase
	now       func() time.Time
}

// Work makes one attempt; the last one marks the delivery failed.
func (w *WebhookDeliveryWorker) Work(ctx context.Context, job *river.Job[jobs.WebhookDelivery]) error {
	return w.webhooks.Deliver(ctx, job.Args.DeliveryID, job.Attempt, job.Attempt >= job.MaxAttempts)
}

// Timeout bounds one attempt: the service's own HTTP timeout is well
// below it, so this only catches a stuck database.
func (w *WebhookDeliveryWorker) Timeout(*river.Job[jobs.WebhookDelivery]) time.Duration {
	return time.Minute
}

// NextRetry backs off exponentially from WebhookRetryBase (30 s unless
// set) up to an hour: a receiver that is down gets room to come back.
func (w *WebhookDeliveryWorker) NextRetry(job *river.Job[jobs.WebhookDelivery]) time.Time {
	d := w.retryBase
	if d <= 0 {
		d = 30 * time.Second
	}
	for i := 1; i < job.Attempt && d < time.Hour; i++ {
		d *= 2
	}
	return w.now().Add(min(d, time.Hour))
}
