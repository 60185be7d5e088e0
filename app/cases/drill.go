package cases

import (
	"math"
	"slices"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/clock"
)

// DrillSpeeds are the speeds a drill's clock may run at: how many drill
// minutes pass in one real minute. 1440 makes a real minute a drill day,
// so a 30-day final-report clock is rehearsed in half an hour.
var DrillSpeeds = []int{1, 60, 360, 1440}

// A drill case is a tabletop exercise (issue 24): the team rehearses the
// reports of an incident that did not happen, from an awareness moment it
// chooses (aware_at, which may lie in the past or the future), on a clock
// that may run fast. Drill, DrillSpeed and DrillStartedAt are set by
// Create and never change (the database refuses it too), so a real case
// can never become a rehearsal, nor a rehearsal a real case.
//
// What a drill never does, and where it is refused: letters or e-mail to
// the affected persons (letters.Service.Create), publishing its public
// notice (notices.Service.Publish), webhooks to other systems
// (webhooks.Emit) and real-time deadline reminders (its deadlines are in
// drill time; the case page's countdowns follow the drill clock instead).

// RefuseInDrill returns the conflict code for an action a drill never
// takes (sending to persons, publishing), nil for a real case. Services
// call it before they change anything.
func (c Case) RefuseInDrill(code string) error {
	if c.Drill {
		return apperr.Conflict(code)
	}
	return nil
}

// DrillClock is the clock case c runs on: clk itself for a real case; for
// a drill, drill time, which starts at the chosen awareness moment when
// the drill started and runs DrillSpeed times as fast as clk:
//
//	drill now = aware_at + (clk.Now() - drill_started_at) × speed
//
// Everything that asks "now" about a drill case (its deadlines' status and
// countdowns, the time a report is marked submitted, the debrief) asks
// this clock, so the one injected clock still drives it all. The maths is
// on instants (UTC durations), so summer time changes nothing.
func DrillClock(c Case, clk clock.Clock) clock.Clock {
	if !c.Drill || c.DrillStartedAt == nil || c.DrillSpeed < 1 {
		return clk
	}
	return drillClock{real: clk, aware: c.AwareAt, started: *c.DrillStartedAt, speed: c.DrillSpeed}
}

type drillClock struct {
	real           clock.Clock
	aware, started time.Time
	speed          int
}

// Now is the drill's time. Before its start the drill stands still at the
// awareness moment; a drill left running for centuries stops at the
// largest time a Duration can hold rather than wrapping around.
func (d drillClock) Now() time.Time {
	elapsed := d.real.Now().Sub(d.started)
	if elapsed <= 0 {
		return d.aware.UTC()
	}
	if elapsed > time.Duration(math.MaxInt64/int64(d.speed)) {
		return d.aware.Add(time.Duration(math.MaxInt64)).UTC()
	}
	return d.aware.Add(elapsed * time.Duration(d.speed)).UTC()
}

// drillNowSQL is DrillClock in SQL, for queries over cases aliased c with
// the real time bound as @now.
const drillNowSQL = `(CASE WHEN c.drill THEN c.aware_at + (@now - c.drill_started_at) * c.drill_speed ELSE @now END)`

// checkDrill validates a new case's drill settings: the speed must be one
// of DrillSpeeds. A real case takes no speed.
func checkDrill(v *apperr.ValidationError, in NewCase) {
	if in.Drill && !slices.Contains(DrillSpeeds, in.DrillSpeed) {
		v.Add("drill_speed", "validation.drill_speed", "1, 60, 360, 1440")
	}
	if !in.Drill && in.DrillSpeed != 0 {
		v.Add("drill_speed", "validation.drill_speed_real_case")
	}
}

// checkDrillTimes checks a drill's times: its awareness is whatever
// moment the team rehearses from (a Friday before Golden Week, say), past
// or future, so only its presence and the order of the leak period count.
func checkDrillTimes(v *apperr.ValidationError, in NewCase) {
	if in.AwareAt.IsZero() {
		v.Add("aware_at", "validation.time_required")
	}
	if in.OccurredFrom != nil && in.OccurredTo != nil && in.OccurredTo.Before(*in.OccurredFrom) {
		v.Add("occurred_to", "validation.occurred_to_before_from")
	}
}

// ClockOf is DrillClock for case c on the service's clock.
func (s *Service) ClockOf(c Case) clock.Clock { return DrillClock(c, nowFunc(s.now)) }

// nowFunc is a clock.Clock made of a Now function.
type nowFunc func() time.Time

func (f nowFunc) Now() time.Time { return f() }
