// Package clock is where BreachDesk reads the time. Everything that needs
// "now" (services, workers, pages, the rows GORM stamps, River's own
// scheduling in tests) is handed one Clock by its constructor, wired once
// in cmd/; production hands in System, tests a clocktest.Clock pinned to
// the day they are about. Elapsed time (latencies, timeouts, pacing) is
// measured with a Stopwatch, which never yields a date.
//
// This file is the only place that reads the wall clock: a test in this
// package fails when time.Now, time.Since or time.Until appears anywhere
// else in the module.
package clock

import "time"

// Clock tells the current time.
type Clock interface {
	// Now returns the current time in UTC.
	Now() time.Time
}

// System is the real clock.
var System Clock = system{}

type system struct{}

func (system) Now() time.Time { return time.Now().UTC() }

// Stopwatch measures elapsed time on the monotonic clock, immune to the
// wall clock being set and to the injected Clock: for how long something
// took or how long to wait, never for what day it is.
type Stopwatch struct{ start time.Time }

// Start starts a stopwatch.
func Start() Stopwatch { return Stopwatch{start: time.Now()} }

// Elapsed is the time since Start.
func (s Stopwatch) Elapsed() time.Duration { return time.Since(s.start) }

// Deadline is the wall-clock instant d from now, for APIs that take one
// (net.Conn.SetDeadline): an instant on the real clock, not the injected one.
func Deadline(d time.Duration) time.Time { return time.Now().Add(d) }
