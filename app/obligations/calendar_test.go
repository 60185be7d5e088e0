package obligations

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// officialHolidays are the Cabinet Office (内閣府「国民の祝日について」)
// lists, written out by hand, including substitute (振替休日) and citizens'
// (国民の休日) holidays.
var officialHolidays = map[int]string{
	2024: "01-01 01-08 02-11 02-12 02-23 03-20 04-29 05-03 05-04 05-05 05-06 07-15 08-11 08-12 09-16 09-22 09-23 10-14 11-03 11-04 11-23",
	2025: "01-01 01-13 02-11 02-23 02-24 03-20 04-29 05-03 05-04 05-05 05-06 07-21 08-11 09-15 09-23 10-13 11-03 11-23 11-24",
	2026: "01-01 01-12 02-11 02-23 03-20 04-29 05-03 05-04 05-05 05-06 07-20 08-11 09-21 09-22 09-23 10-12 11-03 11-23",
	2027: "01-01 01-11 02-11 02-23 03-21 03-22 04-29 05-03 05-04 05-05 07-19 08-11 09-20 09-23 10-11 11-03 11-23",
}

func TestJapanHolidaysMatchCabinetOffice(t *testing.T) {
	t.Parallel()
	for year, list := range officialHolidays {
		var want []string
		for _, md := range strings.Fields(list) {
			want = append(want, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006-")+md)
		}
		var got []string
		for _, d := range (JapanCalendar{}).Holidays(year) {
			got = append(got, d.String())
		}
		if !slices.Equal(got, want) {
			t.Errorf("%d holidays\n got %v\nwant %v", year, got, want)
		}
		if !(JapanCalendar{}).Verified(year) {
			t.Errorf("%d should be in the verified range", year)
		}
	}
}

func TestJapanCalendarDays(t *testing.T) {
	t.Parallel()
	cases := []struct {
		date     string
		business bool
		reason   string // English reason when closed
	}{
		{"2026-09-22", false, "citizens' holiday"},
		{"2026-09-24", true, ""},
		{"2027-03-22", false, "substitute holiday"},
		{"2027-03-23", true, ""},
		{"2026-05-06", false, "substitute holiday"},
		{"2026-05-07", true, ""},
		{"2025-05-06", false, "substitute holiday"},
		{"2026-12-28", true, ""},
		{"2026-12-29", false, "year-end closure (12/29–1/3)"},
		{"2026-12-31", false, "year-end closure (12/29–1/3)"},
		{"2027-01-01", false, "year-end closure (12/29–1/3)"},
		{"2027-01-03", false, "year-end closure (12/29–1/3)"},
		{"2027-01-04", true, ""},
		{"2026-01-05", true, ""},
		{"2026-11-28", false, "Saturday"},
		{"2026-11-29", false, "Sunday"},
		{"2026-11-23", false, "Labor Thanksgiving Day"},
		{"2026-07-20", false, "Marine Day"},
		{"2026-10-12", false, "Sports Day"},
		// Golden Week 2027 (Thursday 4/29, then Monday to Wednesday) and
		// the leap day of 2028, a Tuesday.
		{"2027-04-28", true, ""},
		{"2027-04-29", false, "Showa Day"},
		{"2027-04-30", true, ""},
		{"2027-05-03", false, "Constitution Memorial Day"},
		{"2027-05-04", false, "Greenery Day"},
		{"2027-05-05", false, "Children's Day"},
		{"2027-05-06", true, ""},
		{"2028-02-28", true, ""},
		{"2028-02-29", true, ""},
	}
	for _, c := range cases {
		t.Run(c.date, func(t *testing.T) {
			t.Parallel()
			d := MustDate(c.date)
			if got := (JapanCalendar{}).IsBusinessDay(d); got != c.business {
				t.Fatalf("IsBusinessDay = %v, want %v", got, c.business)
			}
			r, closed := JapanCalendar{}.ClosedReason(d)
			if closed == c.business || r.EN != c.reason {
				t.Fatalf("ClosedReason = %q,%v, want %q", r.EN, closed, c.reason)
			}
		})
	}
}

func TestRollForwardAndBusinessDays(t *testing.T) {
	t.Parallel()
	jp := JapanCalendar{}
	rolls := map[string]string{
		"2026-12-29": "2027-01-04", "2025-12-29": "2026-01-05", "2026-09-19": "2026-09-24",
		"2026-05-03": "2026-05-07", "2027-03-21": "2027-03-23", "2026-12-28": "2026-12-28",
		"2027-12-29": "2028-01-04",
	}
	for from, want := range rolls {
		if got := RollForward(jp, MustDate(from)).String(); got != want {
			t.Errorf("RollForward(%s) = %s, want %s", from, got, want)
		}
	}
	adds := []struct {
		from string
		n    int
		want string
	}{
		{"2026-12-04", 3, "2026-12-09"}, // Friday: Mon, Tue, Wed
		{"2026-12-04", 10, "2026-12-18"},
		{"2026-12-28", 3, "2026-12-31"}, // brands ignore the Japanese closure
		{"2026-12-05", 1, "2026-12-07"}, // from a Saturday
		{"2026-12-07", 0, "2026-12-07"},
	}
	for _, a := range adds {
		if got := AddBusinessDays(WeekdayCalendar{}, MustDate(a.from), a.n).String(); got != a.want {
			t.Errorf("AddBusinessDays(%s, %d) = %s, want %s", a.from, a.n, got, a.want)
		}
	}
	if got := AddBusinessDays(jp, MustDate("2026-12-28"), 1).String(); got != "2027-01-04" {
		t.Errorf("Japanese business day after 2026-12-28 = %s", got)
	}
}

// neverOpen has no business day: RollForward must still return.
type neverOpen struct{}

func (neverOpen) IsBusinessDay(Date) bool { return false }

func TestRollForwardTerminates(t *testing.T) {
	t.Parallel()
	d := MustDate("2026-01-01")
	if got := RollForward(neverOpen{}, d); got.Compare(d) <= 0 {
		t.Fatalf("RollForward on a closed calendar = %v", got)
	}
	_ = AddBusinessDays(neverOpen{}, d, 3)
}

func TestJapanCalendarConcurrent(t *testing.T) {
	t.Parallel()
	done := make(chan bool)
	for y := 2030; y < 2040; y++ {
		go func() {
			_ = (JapanCalendar{}).Holidays(y)
			done <- true
		}()
	}
	for range 10 {
		<-done
	}
	// Outside the library's September table (ends 2032), the law-derived
	// citizens' holiday must still appear: 2037-09-22 lies between 敬老の日
	// (09-21) and 秋分の日 (09-23).
	if _, ok := (JapanCalendar{}).Holiday(MustDate("2037-09-22")); !ok {
		t.Error("2037-09-22 should be a citizens' holiday")
	}
}
