package obligations

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/breachdesk/breachdesk/app/i18n"

	"github.com/rickar/cal/v2/jp"
)

// The years whose Japanese holidays the tests check against the Cabinet
// Office (内閣府) list. Equinox days are fixed only a year ahead (官報,
// February), and one-off laws move holidays, so dates outside this range
// get a needs_review note instead of silent trust.
const (
	JapanVerifiedFrom = 2024
	JapanVerifiedTo   = 2027
)

// JapanCalendar is the calendar of Japanese government offices: closed on
// Saturdays, Sundays, national holidays (国民の祝日に関する法律 Art. 2), substitute
// holidays (Art. 3(2)), citizens' holidays (Art. 3(3)) and 12/29–1/3
// (行政機関の休日に関する法律 Art. 1). The zero value is ready to use.
type JapanCalendar struct{}

// IsBusinessDay reports whether government offices are open on d.
func (c JapanCalendar) IsBusinessDay(d Date) bool {
	_, closed := c.ClosedReason(d)
	return !closed
}

// Verified reports whether the holidays of year were checked by hand.
func (JapanCalendar) Verified(year int) bool {
	return year >= JapanVerifiedFrom && year <= JapanVerifiedTo
}

// Holiday returns the name of the holiday on d (national, substitute or
// citizens' holiday), if any. Weekends and the year-end closure are not
// holidays; see ClosedReason.
func (JapanCalendar) Holiday(d Date) (i18n.Text, bool) {
	name, ok := japanYear(d.Year)[d]
	return name, ok
}

// Holidays returns every holiday of year in date order.
func (JapanCalendar) Holidays(year int) []Date {
	days := make([]Date, 0, 20)
	for d := range japanYear(year) {
		days = append(days, d)
	}
	slices.SortFunc(days, Date.Compare)
	return days
}

// ClosedReason says why offices are closed on d; ok is false on a
// business day. The reason feeds the explanation of a moved deadline.
func (c JapanCalendar) ClosedReason(d Date) (i18n.Text, bool) {
	if isYearEndClosure(d) {
		return tx("年末年始の閉庁日（12月29日～1月3日）", "year-end closure (12/29–1/3)"), true
	}
	if name, ok := c.Holiday(d); ok {
		return name, true
	}
	switch d.Weekday() {
	case time.Saturday:
		return tx("土曜日", "Saturday"), true
	case time.Sunday:
		return tx("日曜日", "Sunday"), true
	}
	return i18n.Text{}, false
}

// isYearEndClosure reports whether d is in 12/29–1/3.
func isYearEndClosure(d Date) bool {
	return (d.Month == time.December && d.Day >= 29) || (d.Month == time.January && d.Day <= 3)
}

// japanOverrides corrects the library where it disagrees with the Cabinet
// Office list. A zero Text removes the day. It is empty today: the library
// agrees with the official lists for the verified years (see the tests),
// and the substitute and citizens' holidays are derived from the law below.
// Add entries here, with the official source, if a one-off law moves a day.
var japanOverrides = map[Date]i18n.Text{}

// holidayNamesJA translates the library's English names.
var holidayNamesJA = map[string]string{
	"New Year's Day":                        "元日",
	"Coming of Age Day":                     "成人の日",
	"National Foundation Day":               "建国記念の日",
	"The Emperor's Birthday":                "天皇誕生日",
	"Vernal Equinox Day":                    "春分の日",
	"Showa Day":                             "昭和の日",
	"Constitution Memorial Day":             "憲法記念日",
	"Greenery Day":                          "みどりの日",
	"Children's Day":                        "こどもの日",
	"Marine Day":                            "海の日",
	"Mountain Day":                          "山の日",
	"Respect for the Aged Day":              "敬老の日",
	"Autumnal Equinox Day":                  "秋分の日",
	"Sports Day":                            "スポーツの日",
	"Culture Day":                           "文化の日",
	"Labor Thanksgiving Day":                "勤労感謝の日",
	"New Emperor Enthronement Day":          "即位の日",
	"The New Emperor Enthronement Ceremony": "即位礼正殿の儀の行われる日",
}

var (
	substituteName = tx("振替休日", "substitute holiday")
	citizensName   = tx("国民の休日", "citizens' holiday")
)

var (
	// japanMu guards japanCache and every call into the jp package: some of
	// its holiday functions write to the shared *cal.Holiday while computing
	// (the vernal equinox sets h.Day), which is a data race under parallel use.
	japanMu    sync.Mutex
	japanCache = map[int]map[Date]i18n.Text{}
)

// japanYear returns the holidays of year, computed once and cached. The
// returned map must not be modified.
func japanYear(year int) map[Date]i18n.Text {
	japanMu.Lock()
	defer japanMu.Unlock()
	if m, ok := japanCache[year]; ok {
		return m
	}
	m := computeJapanYear(year)
	japanCache[year] = m
	return m
}

// computeJapanYear takes the national holidays from rickar/cal/v2/jp and
// applies Art. 3(2) and 3(3) itself. The library encodes substitute days as
// fixed weekday offsets and the September citizens' holiday as a table
// ending in 2032; deriving both from the law keeps later years right too.
// The library's own observed dates are kept as well (a union), so a
// disagreement can only add a closed day, the safe direction for deadlines.
func computeJapanYear(year int) map[Date]i18n.Text {
	national := map[Date]i18n.Text{} // 国民の祝日 proper
	out := map[Date]i18n.Text{}
	for _, h := range jp.Holidays {
		actual, observed := h.Calc(year)
		if actual.IsZero() {
			continue
		}
		d := DateOf(actual)
		if d.Year != year {
			continue
		}
		if strings.HasPrefix(strings.ToLower(h.Name), "national holiday between") {
			out[d] = citizensName
			continue
		}
		ja := holidayNamesJA[h.Name]
		if ja == "" {
			ja = h.Name
		}
		national[d] = tx(ja, h.Name)
		out[d] = national[d]
		if od := DateOf(observed); od != d && od.Year == year {
			if _, ok := out[od]; !ok {
				out[od] = substituteName
			}
		}
	}
	// Art. 3(2): a holiday on a Sunday makes the nearest following day that
	// is not a national holiday a day off.
	for d := range national {
		if d.Weekday() != time.Sunday {
			continue
		}
		s := d.AddDays(1)
		for _, ok := national[s]; ok; _, ok = national[s] {
			s = s.AddDays(1)
		}
		if _, ok := out[s]; !ok && s.Year == year {
			out[s] = substituteName
		}
	}
	// Art. 3(3): a day (not itself a national holiday) between two national
	// holidays is a day off.
	for d := range national {
		mid, next := d.AddDays(1), d.AddDays(2)
		_, midHoliday := national[mid]
		_, nextHoliday := national[next]
		if !midHoliday && nextHoliday {
			if _, ok := out[mid]; !ok {
				out[mid] = citizensName
			}
		}
	}
	for d, name := range japanOverrides {
		if d.Year != year {
			continue
		}
		if name == (i18n.Text{}) {
			delete(out, d)
		} else {
			out[d] = name
		}
	}
	return out
}
