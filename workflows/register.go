package workflows

import (
	"time"

	"github.com/riverqueue/river"
)

// register adds every job kind's worker, each given the one service it
// calls.
func register(w *river.Workers, deps Deps) error {
	if err := river.AddWorkerSafely(w, &PurgeSessionsWorker{auth: deps.Auth}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(w, &DeadlineReminderWorker{deadlines: deps.Deadlines}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(w, &NotificationEmailWorker{emailer: deps.Emailer}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(w, &ImportPeopleWorker{people: deps.People, jobTimeout: deps.JobTimeout}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(w, &LetterChunkWorker{letters: deps.Letters, retryBase: deps.LetterRetryBase, now: deps.Clock.Now}); err != nil {
		return err
	}
	if deps.Orders != nil {
		if err := river.AddWorkerSafely(w, &ImportOrdersWorker{orders: deps.Orders, jobTimeout: deps.JobTimeout}); err != nil {
			return err
		}
	}
	if deps.Scoping != nil {
		if err := river.AddWorkerSafely(w, &ScopeRunWorker{scoping: deps.Scoping, jobTimeout: deps.JobTimeout}); err != nil {
			return err
		}
	}
	if deps.Webhooks != nil {
		if err := river.AddWorkerSafely(w, &WebhookDeliveryWorker{webhooks: deps.Webhooks, retryBase: deps.WebhookRetryBase, now: deps.Clock.Now}); err != nil {
			return err
		}
	}
	if deps.Security != nil {
		if err := river.AddWorkerSafely(w, &SecurityReviewWorker{security: deps.Security}); err != nil {
			return err
		}
	}
	if deps.AuditCheckpointer != nil {
		if err := river.AddWorkerSafely(w, &AuditCheckpointWorker{checkpointer: deps.AuditCheckpointer}); err != nil {
			return err
		}
	}
	return river.AddWorkerSafely(w, &RenderDocumentWorker{st: deps.Store, drafts: deps.Drafts})
}

// periodicJobs are the housekeeping jobs every working client schedules;
// River elects one leader so each runs once per period across processes.
func periodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
			return PurgeSessionsArgs{}, nil
		}, &river.PeriodicJobOpts{RunOnStart: true}),
	}
}
