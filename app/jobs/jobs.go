// Package jobs declares the arguments of BreachDesk's background jobs.
// Services enqueue them in their own transactions; the workers live in
// workflows/. Arguments carry ids only: never personal data, never a card
// number, so nothing sensitive sits in the job table.
package jobs

import (
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"
)

// DeadlineReminder fires one scheduled reminder of an obligation.
type DeadlineReminder struct {
	ReminderID int64 `json:"reminder_id"`
}

// Kind is the River job kind.
func (DeadlineReminder) Kind() string { return "deadline_reminder" }

// InsertOpts: one job per reminder row, whatever happens.
func (DeadlineReminder) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: river.QueueDefault, MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SendNotificationEmail e-mails one in-app notification to its user.
type SendNotificationEmail struct {
	NotificationID int64 `json:"notification_id"`
}

// Kind is the River job kind.
func (SendNotificationEmail) Kind() string { return "notification_email" }

// InsertOpts: retried with River's backoff on temporary SMTP failures.
func (SendNotificationEmail) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 12, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// RenderDocument renders one queued document version to PDF.
type RenderDocument struct {
	DocumentID int64 `json:"document_id"`
}

// Kind is the River job kind.
func (RenderDocument) Kind() string { return "render_document" }

// InsertOpts: one job per document version.
func (RenderDocument) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ReminderLead is how long before its time a reminder job is scheduled.
// River moves scheduled jobs to the queue every 5 s, so a job scheduled
// for the exact time could start up to 5 s late; scheduled early, the
// worker snoozes in steps of at most ReminderSnoozeStep, which River
// keeps available (not scheduled), and the job runs within the fetch
// poll interval of its time.
const ReminderLead = 10 * time.Second

// ReminderSnoozeStep is below River's scheduler interval (5 s) so that a
// snoozed job stays available with its exact time.
const ReminderSnoozeStep = 4 * time.Second

// ReminderInsertOpts schedules the job of a reminder due at fireAt,
// ReminderLead early. A job whose start has already come is inserted
// available, not scheduled in the past: a scheduled job waits for River's
// scheduler, which runs every few seconds and only on the leader, and a
// reminder due in a moment would be late.
func ReminderInsertOpts(fireAt, now time.Time) *river.InsertOpts {
	if start := fireAt.Add(-ReminderLead); start.After(now) {
		return &river.InsertOpts{ScheduledAt: start}
	}
	return &river.InsertOpts{}
}

// LetterChunk delivers one chunk of a letter batch: e-mails sent, or the
// chunk's letters rendered into one print-ready PDF.
type LetterChunk struct {
	BatchID int64 `json:"batch_id"`
	Chunk   int   `json:"chunk"`
}

// Kind is the River job kind.
func (LetterChunk) Kind() string { return "letter_chunk" }

// InsertOpts: one job per chunk; temporary SMTP refusals are retried with
// River's backoff many times before a letter is given up.
func (LetterChunk) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueLetters, MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// QueueLetters is the queue of letter chunks, worked by a few workers of
// its own so that a large batch neither starves reminders nor floods the
// CPU with renders.
const QueueLetters = "letters"

// MaxFailureReason bounds the reason a failed import or scope run keeps.
const MaxFailureReason = 500

// FailureReason is an error's text as a failed import or run keeps it: at
// most MaxFailureReason bytes, cut at a character boundary so that the
// text stays valid UTF-8 for its column.
func FailureReason(reason string) string {
	if len(reason) <= MaxFailureReason {
		return reason
	}
	cut := MaxFailureReason
	for cut > 0 && !utf8.RuneStart(reason[cut]) {
		cut--
	}
	return reason[:cut]
}
