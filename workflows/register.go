package workflows

import (
	"time"

	"github.com/riverqueue/river"
)

// register adds every job kind's worker.
func register(w *river.Workers, deps Deps) error {
	if err := river.AddWorkerSafely(w, &PurgeSessionsWorker{auth: deps.Auth}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(w, &DeadlineReminderWorker{deps: deps}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(w, &NotificationEmailWorker{deps: deps}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(w, &ImportPeopleWorker{deps: deps}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(w, &LetterChunkWorker{deps: deps}); err != nil {
		return err
	}
	if deps.AuditCheckpointer != nil {
		if err := river.AddWorkerSafely(w, &AuditCheckpointWorker{checkpointer: deps.AuditCheckpointer}); err != nil {
			return err
		}
	}
	return river.AddWorkerSafely(w, &RenderDocumentWorker{deps: deps})
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
