package calendar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/pan"
)

// Rendered is a feed as served.
type Rendered struct {
	Body []byte
	// ETag changes when an event does: it is taken over the body without
	// the DTSTAMP lines, which carry the time of the fetch.
	ETag string
}

// owner is the feed and the person it was made by, as a fetch reads them.
type owner struct {
	Feed
	Language string
	Timezone string
	OrgName  string
	CaseRef  string
	Role     auth.Role // the maker's role in the organisation now
}

// event is one obligation with its case, as a feed shows it.
type event struct {
	ID                int64
	CaseID            int64
	RuleID            string
	WindowStart       *time.Time
	DueAt             *time.Time
	TargetAt          *time.Time
	Provisional       bool
	Status            string
	SubmittedAt       *time.Time
	CalendarSequence  int
	CalendarChangedAt time.Time
	CreatedAt         time.Time
	Deadline          []byte
	Basis             []byte
	Explanation       []byte
	Reference         string
	CaseTitle         string
}

// Render answers a fetch of the feed with the given secret. An unknown or
// revoked secret, a maker no longer a member of the organisation (or
// disabled), and a case feed whose case was voided or whose maker's role
// no longer writes documents all answer apperr.ErrNotFound, so a guess
// learns nothing.
func (s *Service) Render(ctx context.Context, secret string) (Rendered, error) {
	if !strings.HasPrefix(secret, secretPrefix) || len(secret) > 100 {
		return Rendered{}, apperr.ErrNotFound
	}
	db := s.st.DB.WithContext(ctx)
	var o owner
	err := db.Raw(`SELECT f.*, u.language, org.timezone, org.name AS org_name, COALESCE(c.reference, '') AS case_ref, m.role
		FROM calendar_feeds f
		JOIN users u ON u.id = f.user_id AND u.disabled_at IS NULL
		JOIN memberships m ON m.user_id = f.user_id AND m.organisation_id = f.organisation_id
		JOIN organisations org ON org.id = f.organisation_id
		LEFT JOIN cases c ON c.id = f.case_id AND c.organisation_id = f.organisation_id
		WHERE f.token_hash = ? AND f.revoked_at IS NULL AND (f.case_id IS NULL OR c.voided_at IS NULL)`, hashOf(secret)).Scan(&o).Error
	if err != nil {
		return Rendered{}, err
	}
	if o.ID == 0 {
		return Rendered{}, apperr.ErrNotFound
	}
	// A case feed is made by a role that answers for the reports; a maker
	// moved to another role since no longer gets it.
	if o.CaseID != nil && !(&auth.Principal{Role: o.Role}).May(auth.WriteDocuments) {
		return Rendered{}, apperr.ErrNotFound
	}
	now := s.now()
	// A calendar polls every few minutes to hours; one write per five
	// minutes says "in use" well enough.
	db.Model(&Feed{}).Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", o.ID, now.Add(-5*time.Minute)).Update("last_used_at", now)

	q := `SELECT o.id, o.case_id, o.rule_id, o.window_start, o.due_at, o.target_at, o.provisional, o.status, o.submitted_at,
			o.calendar_sequence, o.calendar_changed_at, o.created_at,
			o.computed->'deadline' AS deadline, o.computed->'basis' AS basis, o.computed->'explanation' AS explanation,
			c.reference, c.title AS case_title
		FROM obligations o JOIN cases c ON c.id = o.case_id AND c.organisation_id = o.organisation_id
		WHERE o.organisation_id = ? AND o.applicable AND COALESCE(o.due_at, o.target_at) IS NOT NULL AND c.voided_at IS NULL
			AND NOT c.drill` // a drill's deadlines are drill time, not dates for a calendar
	args := []any{o.OrganisationID}
	if o.CaseID != nil {
		q += ` AND o.case_id = ?`
		args = append(args, *o.CaseID)
	} else {
		q += ` AND c.closed_at IS NULL`
	}
	q += ` ORDER BY COALESCE(o.due_at, o.target_at), o.id LIMIT ?`
	args = append(args, MaxEvents)
	var evs []event
	if err := db.Raw(q, args...).Scan(&evs).Error; err != nil {
		return Rendered{}, err
	}
	return s.build(o, evs, now), nil
}

// build writes the feed with golang-ical, which folds lines at 75 octets
// and escapes TEXT values (RFC 5545 3.1, 3.3.11).
func (s *Service) build(o owner, evs []event, now time.Time) Rendered {
	lang := i18n.Supported(o.Language)
	if lang == "" {
		lang = i18n.Languages[0]
	}
	loc, err := obligations.LoadZone(o.Timezone)
	if err != nil {
		loc = time.UTC
	}
	t := func(key string, args ...any) string { return s.msgs.T(lang, key, args...) }
	cal := ics.NewCalendarFor("BreachDesk")
	cal.SetProductId("-//BreachDesk//Deadlines//" + strings.ToUpper(lang))
	cal.SetMethod(ics.MethodPublish)
	name := t("calendar.feed_name", clean(o.OrgName))
	if o.CaseID != nil {
		name = t("calendar.feed_name_case", clean(o.CaseRef))
	}
	cal.SetName(name)
	cal.SetXWRCalName(name)
	// Clients poll a subscribed feed at this interval where they honour it.
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for _, e := range evs {
		s.addEvent(cal, e, lang, loc, t, now)
	}
	// RFC 5545 3.1: lines end in CRLF (the library writes the platform's
	// line ending unless told).
	body := []byte(cal.Serialize(ics.WithNewLineWindows))
	sum := sha256.New()
	for _, line := range strings.SplitAfter(string(body), "\r\n") {
		if !strings.HasPrefix(line, "DTSTAMP:") {
			sum.Write([]byte(line))
		}
	}
	return Rendered{Body: body, ETag: `"` + hex.EncodeToString(sum.Sum(nil)[:16]) + `"`}
}

func (s *Service) addEvent(cal *ics.Calendar, e event, lang string, loc *time.Location, t func(string, ...any) string, now time.Time) {
	ev := cal.AddEvent(fmt.Sprintf("obligation-%d@%s", e.ID, s.domain))
	ev.SetDtStampTime(now)
	ev.SetCreatedTime(e.CreatedAt)
	ev.SetModifiedAt(e.CalendarChangedAt)
	ev.SetSequence(e.CalendarSequence)

	target := e.DueAt == nil
	at := e.DueAt
	if target {
		at = e.TargetAt
	}
	// Every time in UTC ("Z"), so the feed needs no VTIMEZONE and every
	// client shows the deadline at its true instant in the reader's zone.
	// A window (the PPC preliminary report's) is the event's span; any
	// other deadline is the last hour before it, so the event ends when
	// the time runs out (a zero-length event hides in several clients).
	start := at.Add(-time.Hour)
	if e.WindowStart != nil && e.WindowStart.Before(*at) {
		start = *e.WindowStart
	}
	ev.SetStartAt(start)
	ev.SetEndAt(*at)

	title := obligations.Title(e.RuleID).In(lang)
	summary := t("calendar.summary", title, clean(e.Reference))
	if target {
		summary = t("calendar.summary_target", title, clean(e.Reference))
	}
	status := ics.ObjectStatusConfirmed
	switch {
	case e.Status == "submitted":
		summary = t("calendar.mark_submitted") + summary
	case e.Status == "waived":
		summary = t("calendar.mark_waived") + summary
		status = ics.ObjectStatusCancelled
	case e.Provisional:
		summary = t("calendar.mark_provisional") + summary
		status = ics.ObjectStatusTentative
	}
	ev.SetSummary(clean(summary))
	ev.SetStatus(status)
	// A deadline blocks no time in anyone's schedule.
	ev.SetTimeTransparency(ics.TransparencyTransparent)

	var lines []string
	lines = append(lines, t("calendar.desc_case", clean(e.Reference), clean(e.CaseTitle)))
	if target {
		lines = append(lines, t("calendar.desc_target", stamp(*at, loc)))
	} else {
		lines = append(lines, t("calendar.desc_due", stamp(*at, loc)))
	}
	if e.WindowStart != nil {
		lines = append(lines, t("calendar.desc_window", stamp(*e.WindowStart, loc), stamp(*at, loc)))
	}
	if d := text(e.Deadline, lang); d != "" {
		lines = append(lines, t("calendar.desc_deadline", d))
	}
	if b := text(e.Basis, lang); b != "" {
		lines = append(lines, t("calendar.desc_basis", b))
	}
	if x := text(e.Explanation, lang); x != "" {
		lines = append(lines, x)
	}
	switch e.Status {
	case "submitted":
		if e.SubmittedAt != nil {
			lines = append(lines, t("calendar.desc_submitted", stamp(*e.SubmittedAt, loc)))
		}
	case "waived":
		lines = append(lines, t("calendar.desc_waived"))
	}
	if e.Provisional {
		lines = append(lines, t("calendar.desc_provisional"))
	}
	ev.SetDescription(clean(strings.Join(lines, "\n")))
	ev.SetURL(strings.TrimSuffix(s.base.String(), "/") + fmt.Sprintf("/obligations/%d", e.ID))
}

// stamp shows an instant in the organisation's zone, naming the zone.
func stamp(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// text reads one of the engine's bilingual texts from the stored
// computation.
func text(raw []byte, lang string) string {
	var tx i18n.Text
	if len(raw) == 0 || json.Unmarshal(raw, &tx) != nil {
		return ""
	}
	return tx.In(lang)
}

// clean makes a text safe for a feed: no card number leaves through a
// calendar (case titles and references are checked when stored; this is
// the second lock), and carriage returns and other control characters,
// which the TEXT escaping does not cover, are dropped.
func clean(s string) string {
	s, _ = pan.Mask(s)
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
