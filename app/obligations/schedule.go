package obligations

import (
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// scheduler turns an applicable rule into an Obligation with dates.
type scheduler struct {
	f   Facts
	loc *time.Location // the facts' zone: every output time is shown in it
	opt Options
	rs  reviews
}

func (s scheduler) schedule(r Rule, v verdict) Obligation {
	start := s.f.AwareAt
	zone := s.loc
	if r.Zone != "" {
		if z, err := LoadZone(r.Zone); err == nil {
			zone = z
		}
	}
	n := r.Deadline.N
	if v.days > 0 {
		n = v.days
	}
	day1 := DateOf(start.In(zone))
	ob := Obligation{
		RuleID:       r.ID,
		Jurisdiction: r.Jurisdiction,
		Recipient:    r.Recipient,
		Basis:        r.Basis,
		DeadlineKind: r.Deadline.Kind,
		Deadline:     r.Deadline.Text,
		ClockStart:   start.In(s.loc),
		Guideline:    r.Guideline,
		Provisional:  v.provisional,
		Content:      r.Content,
		Caveat:       r.Caveat,
		Internal:     r.Internal,
		VerifiedOn:   r.VerifiedOn,
		Sources:      r.Sources,
	}
	var how i18n.Text
	switch r.Deadline.Kind {
	case KindHours:
		due := start.Add(time.Duration(n) * time.Hour)
		ob.DueAt = s.at(due)
		how = tx(fmt.Sprintf("知った時点 %s から%d時間: %s。", s.stamp(start), n, s.stamp(due)),
			fmt.Sprintf("%d hours from awareness at %s: %s.", n, s.stamp(start), s.stamp(due)))
	case KindDaysAfter:
		last := day1.AddDays(n)
		ob.DueAt = s.at(last.EndOfDay(zone))
		how = tx(fmt.Sprintf("起算日 %s（%s）の翌日を1日目として%d日目 %s の終わりまで。", dayJA(day1), zone, n, dayJA(last)),
			fmt.Sprintf("Day 1 is the day after %s (%s); day %d is %s, until its end there.", dayEN(day1), zone, n, dayEN(last)))
	case KindJapanDays:
		dayN := day1.AddDays(n - 1)
		due := RollForward(s.opt.JapanCalendar, dayN)
		ob.DueAt = s.at(due.EndOfDay(zone))
		how = japanDaysHow(s.opt.JapanCalendar, day1, dayN, due, n, zone)
		s.checkVerified(day1, due)
	case KindWindow:
		from := day1.AddDays(r.Deadline.WindowFrom - 1)
		last := day1.AddDays(n - 1)
		ob.WindowStart = s.at(from.EndOfDay(zone))
		ob.DueAt = s.at(last.EndOfDay(zone))
		how = tx(fmt.Sprintf("当システムの保守的な目標: 知った日 %s を1日目として%d日目 %s の終わりから%d日目 %s の終わりまで。ガイドラインの目安（概ね3～5日以内）を早めに数えたもので、ガイドライン自身の数え方でも法定の期日でもないため、休日による繰り下げはしません。",
			dayJA(day1), r.Deadline.WindowFrom, dayJA(from), n, dayJA(last)),
			fmt.Sprintf("This system's conservative target: the aware date %s is day 1; the window runs from the end of day %d (%s) to the end of day %d (%s). It counts the guideline's \"roughly 3–5 days\" early; it is neither the guideline's own count nor a statutory date, so it is not moved for holidays.",
				dayEN(day1), r.Deadline.WindowFrom, dayEN(from), n, dayEN(last)))
	case KindBusinessDays:
		last := AddBusinessDays(s.opt.BrandCalendar, day1, n)
		ob.DueAt = s.at(last.EndOfDay(zone))
		how = tx(fmt.Sprintf("起算日 %s の後の%d営業日目（月～金で計算）%s の終わりまで。", dayJA(day1), n, dayJA(last)),
			fmt.Sprintf("Business day %d (counting Monday–Friday) after %s is %s, until its end.", n, dayEN(day1), dayEN(last)))
	case KindNone:
		how = tx("根拠の条文は期限を定めていません（日時は表示しません）。", "The text that sets this duty names no time, so no date is shown.")
	case KindPromptly, KindImmediately:
		d := s.opt.Policy.target(r.ID, r.Deadline.Kind)
		target := start.Add(d)
		ob.TargetAt = s.at(target)
		word := tx("速やかに", "promptly")
		if r.Deadline.Kind == KindImmediately {
			word = tx("直ちに", "immediately")
		}
		how = tx(fmt.Sprintf("法定の期日はありません（%s）。社内目標: 知った時点から%s後の %s。", word.JA, durJA(d), s.stamp(target)),
			fmt.Sprintf("No fixed legal date (%s). Internal target: %s after awareness, %s.", word.EN, durEN(d), s.stamp(target)))
	}
	ob.Explanation = join(v.why, how)
	if v.provisional {
		ob.Explanation = join(ob.Explanation, tx("未確定の事実を不利な側に仮定しています（要確認）。", "Based on assuming unknown facts the worse way (needs review)."))
	}
	return ob
}

// at converts t to the facts' zone and returns a pointer for the output.
func (s scheduler) at(t time.Time) *time.Time {
	t = t.In(s.loc)
	return &t
}

// stamp formats an instant in the facts' zone for explanations.
func (s scheduler) stamp(t time.Time) string { return t.In(s.loc).Format("2006-01-02 15:04 -07:00") }

// checkVerified flags day counts that touch years outside the verified
// holiday range of the Japanese calendar.
func (s scheduler) checkVerified(days ...Date) {
	v, ok := s.opt.JapanCalendar.(interface{ Verified(year int) bool })
	if !ok {
		return
	}
	for _, d := range days {
		if !v.Verified(d.Year) {
			y := fmt.Sprint(d.Year)
			s.rs.add(ReviewCalendarUnverified, "aware_at", tx(
				y+"年の祝日は内閣府の公表一覧との照合が済んでいません。期限日を内閣府の「国民の祝日」一覧で確認してください。",
				"The Japanese holidays of "+y+" are not verified against the Cabinet Office list; check the due date against it."))
		}
	}
}

// japanDaysHow explains a KindJapanDays count, naming every closed day
// between day N and the business day it moved to, each with its reason.
func japanDaysHow(c Calendar, day1, dayN, due Date, n int, zone *time.Location) i18n.Text {
	base := tx(fmt.Sprintf("知った日 %s（%s）を1日目として%d日目は %s。", dayJA(day1), zone, n, dayJA(dayN)),
		fmt.Sprintf("The aware date %s (%s) is day 1; day %d is %s.", dayEN(day1), zone, n, dayEN(dayN)))
	if due == dayN {
		return join(base, tx("開庁日のため繰り下げなし。", "It is a business day, so it stands."))
	}
	cr, _ := c.(interface{ ClosedReason(Date) (i18n.Text, bool) })
	var ja, en []string
	for d := dayN; d.Compare(due) < 0; d = d.AddDays(1) {
		reason := tx("閉庁日", "closed")
		if cr != nil {
			if r, closed := cr.ClosedReason(d); closed {
				reason = r
			}
		}
		ja = append(ja, fmt.Sprintf("%s %s", dayJA(d), reason.JA))
		en = append(en, fmt.Sprintf("%s %s", dayEN(d), reason.EN))
	}
	return join(base, tx(fmt.Sprintf("閉庁日（%s）のため翌開庁日 %s に繰り下げ（行政機関の休日に関する法律2条）。", strings.Join(ja, "、"), dayJA(due)),
		fmt.Sprintf("Offices are closed on %s, so the deadline moves to the next business day, %s (Act on Holidays of Administrative Organs, Art. 2).", strings.Join(en, "; "), dayEN(due))))
}

var weekdaysJA = [...]string{"日", "月", "火", "水", "木", "金", "土"}

func dayJA(d Date) string { return fmt.Sprintf("%s（%s）", d, weekdaysJA[d.Weekday()]) }

func dayEN(d Date) string { return fmt.Sprintf("%s (%s)", d, d.Weekday().String()[:3]) }

func durJA(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d時間", d/time.Hour)
	}
	return d.String()
}

func durEN(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d h", d/time.Hour)
	}
	return d.String()
}
