// Package clocktest gives tests a clock.Clock they control. A test that is
// about the calendar pins its own "today" with At or Frozen; every other
// test takes New, which starts at the real time or, when the variable
// BREACHDESK_TEST_NOW is set, at the day it names. CI runs the suite with
// that variable set to days that break naive date code (the year-end
// closure, Golden Week, a leap day, a DST change), so a test that only
// passes on "normal" days fails on a normal day, not on the day it breaks.
//
// The clock also serves as River's test time (it has River's NowOrNil), so
// jobs scheduled for later are run by moving the clock, not by sleeping.
package clocktest

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/clock"
)

// EnvNow names the variable that moves the start of every New clock: an
// instant in RFC 3339 (2027-04-28T08:30:00+09:00), or a date
// (2027-04-28), meaning noon in Tokyo that day.
const EnvNow = "BREACHDESK_TEST_NOW"

var tokyo = time.FixedZone("JST", 9*3600)

// Clock is a test clock. A running clock advances with real time from
// where it was set; a frozen one moves only by Set and Advance. It is safe
// for concurrent use.
type Clock struct {
	mu     sync.Mutex
	at     time.Time       // the time when last set
	since  clock.Stopwatch // real time since then (running clocks)
	frozen bool
}

var _ clock.Clock = (*Clock)(nil)

// New returns a running clock that starts at Start(), for tests that need a
// "now" but are not about a particular day. The start is logged, so a
// failure says which day to reproduce it on.
func New(tb testing.TB) *Clock {
	tb.Helper()
	start, err := Start()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("test clock starts at %s (%s=%s to reproduce)", start.Format(time.RFC3339), EnvNow, start.Format(time.RFC3339))
	return At(start)
}

// At returns a running clock that starts at t: for tests about a day.
func At(t time.Time) *Clock {
	c := &Clock{}
	c.Set(t)
	return c
}

// Frozen returns a clock stopped at t.
func Frozen(t time.Time) *Clock {
	c := At(t)
	c.frozen = true
	return c
}

// Real is the system clock, for tests that share a database with a
// breachdesk process started from the test binary: that process runs on
// the system clock, and the jobs and rows the test writes must be due by
// it. Such a test is about processes (crashes, restarts, load), and must
// not assert on a date.
func Real() clock.Clock { return clock.System }

// Start is where New clocks start: the instant or date in
// BREACHDESK_TEST_NOW, or the real time when it is unset.
func Start() (time.Time, error) {
	v := os.Getenv(EnvNow)
	if v == "" {
		return clock.System.Now(), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	d, err := time.ParseInLocation(time.DateOnly, v, tokyo)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s=%q: want a date (2027-04-28) or an RFC 3339 instant", EnvNow, v)
	}
	return d.Add(12 * time.Hour).UTC(), nil
}

// Now returns the clock's time in UTC.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now()
}

func (c *Clock) now() time.Time {
	if c.frozen {
		return c.at
	}
	return c.at.Add(c.since.Elapsed())
}

// NowOrNil is River's test time hook (rivertype.TimeGenerator): River
// stamps and schedules jobs, and finds them due, by this clock.
func (c *Clock) NowOrNil() *time.Time {
	t := c.Now()
	return &t
}

// Set moves the clock to t (backwards too).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.since = t.UTC(), clock.Start()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.since = c.now().Add(d), clock.Start()
}
