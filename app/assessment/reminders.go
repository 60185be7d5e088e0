package assessment

import (
	"context"
	"time"

	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/store"
)

// Reminder timing around an obligation's deadline D: a warning (at the
// start of a guideline window, else three days before D), a day before,
// at D, and an hour after D when it is overdue.
const (
	warnLead    = 72 * time.Hour
	overdueLag  = time.Hour
	dayBeforeAt = 24 * time.Hour
)

// fireTimes computes when each reminder of o should fire; thresholds that
// fall before the clock start are left out.
func fireTimes(o Obligation) map[string]time.Time {
	d := o.Deadline()
	if d == nil {
		return nil
	}
	out := map[string]time.Time{
		ThresholdDayBefore: d.Add(-dayBeforeAt),
		ThresholdDue:       *d,
		ThresholdOverdue:   d.Add(overdueLag),
	}
	if o.WindowStart != nil {
		out[ThresholdWarn] = *o.WindowStart
	} else {
		out[ThresholdWarn] = d.Add(-warnLead)
	}
	start := o.Detail().ClockStart
	for k, t := range out {
		if !start.IsZero() && t.Before(start) && k != ThresholdDue && k != ThresholdOverdue {
			delete(out, k)
		}
	}
	return out
}

// schedule makes the obligation's scheduled reminders match its deadline:
// unchanged ones stay (so recomputing never duplicates), moved ones are
// cancelled and scheduled anew. Of the thresholds already in the past, only
// the latest is kept, so a case opened late gets one reminder, not four.
func (d *Deadlines) schedule(ctx context.Context, tx *store.Tx, o Obligation, now time.Time) error {
	drill, err := inDrill(tx, o.CaseID)
	if err != nil {
		return err
	}
	if !o.Open() || drill {
		return d.cancelReminders(ctx, tx, o.ID)
	}
	want := fireTimes(o)
	latestPast := ""
	for k, t := range want {
		if !t.After(now) && (latestPast == "" || t.After(want[latestPast])) {
			latestPast = k
		}
	}
	for k, t := range want {
		if !t.After(now) && k != latestPast {
			delete(want, k)
		}
	}
	var existing []Reminder
	if err := tx.DB.Where("obligation_id = ? AND state = 'scheduled'", o.ID).Find(&existing).Error; err != nil {
		return err
	}
	for _, r := range existing {
		if t, ok := want[r.Threshold]; ok && t.Equal(r.FireAt) {
			delete(want, r.Threshold) // already right
			continue
		}
		if err := d.cancelReminder(ctx, tx, r); err != nil {
			return err
		}
	}
	for threshold, at := range want {
		r := Reminder{OrganisationID: o.OrganisationID, ObligationID: o.ID, Threshold: threshold, FireAt: at.UTC(), State: "scheduled", CreatedAt: now, UpdatedAt: now}
		if err := tx.DB.Create(&r).Error; err != nil {
			return err
		}
		// The job is scheduled a little early and snoozes to the exact time
		// (see jobs.ReminderLead): River's scheduler only looks every few
		// seconds, a snooze lands on time.
		res, err := tx.Enqueue(ctx, jobs.DeadlineReminder{ReminderID: r.ID}, jobs.ReminderInsertOpts(r.FireAt, now))
		if err != nil {
			return err
		}
		if err := tx.DB.Model(&r).Update("job_id", res.Job.ID).Error; err != nil {
			return err
		}
	}
	return nil
}

func (d *Deadlines) cancelReminders(ctx context.Context, tx *store.Tx, obligationID int64) error {
	var existing []Reminder
	if err := tx.DB.Where("obligation_id = ? AND state = 'scheduled'", obligationID).Find(&existing).Error; err != nil {
		return err
	}
	for _, r := range existing {
		if err := d.cancelReminder(ctx, tx, r); err != nil {
			return err
		}
	}
	return nil
}

// cancelReminder locks the reminder's row before its job's, the order in
// which Deliver takes them: the other order deadlocks with a reminder
// firing at the moment the obligation is submitted.
func (d *Deadlines) cancelReminder(ctx context.Context, tx *store.Tx, r Reminder) error {
	if err := tx.DB.Model(&r).Updates(map[string]any{"state": "cancelled", "updated_at": d.now()}).Error; err != nil {
		return err
	}
	if r.JobID != nil {
		return tx.CancelJob(ctx, *r.JobID)
	}
	return nil
}
