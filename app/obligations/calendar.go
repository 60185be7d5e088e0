package obligations

import (
	"fmt"
	"time"
)

// Date is a civil date with no time or zone: legal day counts are about
// dates on the wall calendar of a place, not about instants.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t on the wall calendar of t's location. Call
// it on t.In(zone) to get the date in a given zone.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// MustDate parses "2006-01-02"; it panics on bad input and is meant for
// tables and tests written by hand.
func MustDate(s string) Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(fmt.Sprintf("obligations.MustDate(%q): %v", s, err))
	}
	return DateOf(t)
}

// t returns midnight UTC of d, used only for calendar arithmetic.
func (d Date) t() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns the date n days after d (before, for negative n).
func (d Date) AddDays(n int) Date { return DateOf(d.t().AddDate(0, 0, n)) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.t().Weekday() }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return d.t().Compare(e.t()) }

// String formats d as 2006-01-02.
func (d Date) String() string { return d.t().Format(time.DateOnly) }

// EndOfDay returns 23:59:59 of d in loc: a day-based deadline lasts until
// the end of its last day in the place whose law sets it.
func (d Date) EndOfDay(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 0, loc)
}

// Calendar says which days count as business days for a deadline.
type Calendar interface {
	IsBusinessDay(d Date) bool
}

// maxRoll bounds RollForward and AddBusinessDays so that a calendar that
// declares no business day at all cannot hang the engine.
const maxRoll = 366

// RollForward returns d if it is a business day, else the next one (the
// 行政機関の休日に関する法律 Art. 2 rule for filing deadlines).
func RollForward(c Calendar, d Date) Date {
	for i := 0; i < maxRoll && !c.IsBusinessDay(d); i++ {
		d = d.AddDays(1)
	}
	return d
}

// AddBusinessDays returns the n-th business day after d; d itself is not
// counted (a report "within 3 business days" of a Friday discovery is due
// on Wednesday).
func AddBusinessDays(c Calendar, d Date, n int) Date {
	for i := 0; n > 0 && i < maxRoll*4; i++ {
		d = d.AddDays(1)
		if c.IsBusinessDay(d) {
			n--
		}
	}
	return d
}

// WeekdayCalendar treats Monday to Friday as business days. It is used for
// the card brands: their rules are global and name no holiday calendar.
type WeekdayCalendar struct{}

// IsBusinessDay reports whether d is Monday to Friday.
func (WeekdayCalendar) IsBusinessDay(d Date) bool {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}
