// Package auditlog is an organisation's view of its audit log: the log
// page's filters and pages of rows, and the CSV export. The log itself
// (writing rows, the hash chain, verifying it) is app/audit; this package
// only reads it, and records its own exports there like any other export.
// It lives apart from app/audit because it answers to a principal, and
// app/auth already records through app/audit.
package auditlog

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

// PageSize is how many rows one page of the log shows.
const PageSize = 100

// SystemActor is the actor filter value for rows no user wrote: jobs and
// the command line.
const SystemActor = "system"

// Limits of the filter's free-text parts: longer is not a value the log
// holds (target ids are numbers or e-mail addresses).
const (
	maxActionLen   = 100
	maxTargetIDLen = 320
)

// The years a date filter may name: the store's bounds for stored times.
const (
	minYear = 1900
	maxYear = 2200
)

var (
	// actionPattern is an action code (notice.approve, logout) or a
	// family of them (document.*, people.import.*).
	actionPattern     = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?$`)
	targetTypePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
)

// Form is the filter as the reader typed it: the query string of the log
// page and of its export. Empty fields select everything.
type Form struct {
	Actor      string // a user id, or SystemActor
	Action     string // a code, or a family "document.*"
	TargetType string
	TargetID   string
	From, To   string // dates (YYYY-MM-DD) in the organisation's zone, both included
	Before     string // the keyset: rows older than this seq
}

// Values are the form's non-empty fields by their query names, for links
// that keep the filter (the next page, the export) and for the export's
// own audit row.
func (f Form) Values() map[string]string {
	out := map[string]string{}
	for k, v := range map[string]string{"actor": f.Actor, "action": f.Action, "target_type": f.TargetType,
		"target_id": f.TargetID, "from": f.From, "to": f.To} {
		if v = strings.TrimSpace(v); v != "" {
			out[k] = v
		}
	}
	return out
}

// Filter is a checked Form.
type Filter struct {
	ActorID    int64  // 0: anyone
	System     bool   // only rows without a user
	Action     string // an exact code; "" for any
	Family     string // a code prefix ending in "."; "" for any
	TargetType string
	TargetID   string
	From, To   time.Time // From ≤ occurred_at < To; zero: open
	BeforeSeq  int64
}

// Actor is someone who may be chosen in the actor filter: a member of the
// organisation, or a user who wrote rows in its log and has since left.
type Actor struct {
	ID     int64
	Name   string
	Email  string
	Member bool
}

// Choices are the values the filter form offers: the organisation's
// actors, and the actions and target types that occur in its log.
type Choices struct {
	Actors      []Actor
	Actions     []ActionGroup
	TargetTypes []string
}

// ActionGroup is the actions of one family (the code's first part), so
// the form can offer "every document action" beside each one.
type ActionGroup struct {
	Family  string // "document"; the code itself for a code without a dot
	Actions []string
}

// Offered reports whether the form offers the family as a whole: when it
// has more than one action (for one, the action is the same choice).
func (g ActionGroup) Offered() bool { return len(g.Actions) > 1 }

// Result is one page of the log.
type Result struct {
	Rows   []audit.Row
	Filter Filter
	// Next is the seq to page on from ("older"); 0 on the last page.
	Next int64
}

// Options returns what the filter form offers. Only those who may read
// the log (auth.WriteDocuments) may see them.
func Options(ctx context.Context, st *store.Store, p *auth.Principal) (Choices, error) {
	if err := p.Require(auth.WriteDocuments); err != nil {
		return Choices{}, err
	}
	var out Choices
	actors, err := actors(ctx, st, p.OrgID(), 0)
	if err != nil {
		return Choices{}, err
	}
	out.Actors = actors
	var actions []string
	db := st.DB.WithContext(ctx)
	if err := db.Raw(`SELECT DISTINCT action FROM audit_log WHERE organisation_id = ? ORDER BY action`, p.OrgID()).Scan(&actions).Error; err != nil {
		return Choices{}, err
	}
	for _, a := range actions {
		family, _, _ := strings.Cut(a, ".")
		if n := len(out.Actions); n > 0 && out.Actions[n-1].Family == family {
			out.Actions[n-1].Actions = append(out.Actions[n-1].Actions, a)
			continue
		}
		out.Actions = append(out.Actions, ActionGroup{Family: family, Actions: []string{a}})
	}
	err = db.Raw(`SELECT DISTINCT target_type FROM audit_log WHERE organisation_id = ? AND target_type <> '' ORDER BY target_type`, p.OrgID()).
		Scan(&out.TargetTypes).Error
	return out, err
}

// actors are the organisation's members and the users who wrote rows in
// its log; only user id when id is not 0.
func actors(ctx context.Context, st *store.Store, orgID, id int64) ([]Actor, error) {
	var out []Actor
	q := `SELECT u.id, u.name, u.email,
			EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.organisation_id = ?) AS member
		FROM users u
		WHERE (u.id IN (SELECT user_id FROM memberships WHERE organisation_id = ?)
			OR u.id IN (SELECT actor_user_id FROM audit_log WHERE organisation_id = ? AND actor_user_id IS NOT NULL))`
	args := []any{orgID, orgID, orgID}
	if id != 0 {
		q += ` AND u.id = ?`
		args = append(args, id)
	}
	err := st.DB.WithContext(ctx).Raw(q+` ORDER BY u.name, u.id`, args...).Scan(&out).Error
	return out, err
}

// Check reads a Form into a Filter, naming each field that holds no
// value the log could match: an actor who is neither a member nor in the
// organisation's log, a malformed action, a date that is no date.
func Check(ctx context.Context, st *store.Store, p *auth.Principal, in Form) (Filter, error) {
	var f Filter
	v := &apperr.ValidationError{}
	text := func(field, s string, max int) (string, bool) {
		s = strings.TrimSpace(s)
		switch {
		case !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0:
			v.Add(field, "validation.bad_text")
		case utf8.RuneCountInString(s) > max:
			v.Add(field, "validation.max_chars", max)
		default:
			return s, true
		}
		return "", false
	}
	if s, ok := text("actor", in.Actor, 20); ok && s != "" {
		if s == SystemActor {
			f.System = true
		} else if id, err := strconv.ParseInt(s, 10, 64); err != nil || id <= 0 {
			v.Add("actor", "validation.audit_actor")
		} else {
			f.ActorID = id
		}
	}
	if s, ok := text("action", in.Action, maxActionLen); ok && s != "" {
		switch {
		case !actionPattern.MatchString(s):
			v.Add("action", "validation.audit_action")
		case strings.HasSuffix(s, ".*"):
			f.Family = strings.TrimSuffix(s, "*")
		default:
			f.Action = s
		}
	}
	if s, ok := text("target_type", in.TargetType, 32); ok && s != "" {
		if targetTypePattern.MatchString(s) {
			f.TargetType = s
		} else {
			v.Add("target_type", "validation.audit_target_type")
		}
	}
	if s, ok := text("target_id", in.TargetID, maxTargetIDLen); ok {
		f.TargetID = s
	}
	loc := p.Organisation.Location()
	day := func(field, raw string) (time.Time, bool) {
		s, ok := text(field, raw, 10)
		if !ok || s == "" {
			return time.Time{}, false
		}
		t, err := time.ParseInLocation(time.DateOnly, s, loc)
		switch {
		case err != nil:
			v.Add(field, "validation.date")
		case t.Year() < minYear || t.Year() > maxYear:
			v.Add(field, "validation.year_range", t.Year(), minYear, maxYear)
		default:
			return t, true
		}
		return time.Time{}, false
	}
	from, okFrom := day("from", in.From)
	to, okTo := day("to", in.To)
	if okFrom {
		f.From = from
	}
	if okTo {
		// The "to" day is included: rows before the next day's start.
		f.To = time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, loc)
	}
	if okFrom && okTo && to.Before(from) {
		v.Add("to", "validation.audit_to_before_from")
	}
	if s, ok := text("before", in.Before, 20); ok && s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err != nil || n <= 0 {
			v.Add("before", "validation.positive_number")
		} else {
			f.BeforeSeq = n
		}
	}
	if f.ActorID != 0 && len(v.Fields) == 0 {
		// Someone outside the organisation has no rows here: refusing
		// says so, where an empty page would look like "did nothing".
		known, err := actors(ctx, st, p.OrgID(), f.ActorID)
		if err != nil {
			return Filter{}, err
		}
		if len(known) == 0 {
			v.Add("actor", "validation.audit_actor")
		}
	}
	return f, v.OrNil()
}

// where narrows db to the organisation's rows that f selects.
func (f Filter) where(db *gorm.DB, orgID int64) *gorm.DB {
	db = db.Model(&audit.Row{}).Where("organisation_id = ?", orgID)
	switch {
	case f.System:
		db = db.Where("actor_user_id IS NULL")
	case f.ActorID != 0:
		db = db.Where("actor_user_id = ?", f.ActorID)
	}
	if f.Action != "" {
		db = db.Where("action = ?", f.Action)
	}
	if f.Family != "" {
		db = db.Where("starts_with(action, ?)", f.Family)
	}
	if f.TargetType != "" {
		db = db.Where("target_type = ?", f.TargetType)
	}
	if f.TargetID != "" {
		db = db.Where("target_id = ?", f.TargetID)
	}
	if !f.From.IsZero() {
		db = db.Where("occurred_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		db = db.Where("occurred_at < ?", f.To)
	}
	return db
}

// Search returns the page of the organisation's log the form asks for,
// newest first: at most PageSize rows older than Before.
func Search(ctx context.Context, st *store.Store, p *auth.Principal, in Form) (Result, error) {
	if err := p.Require(auth.WriteDocuments); err != nil {
		return Result{}, err
	}
	f, err := Check(ctx, st, p, in)
	if err != nil {
		return Result{}, err
	}
	db := f.where(st.DB.WithContext(ctx), p.OrgID())
	if f.BeforeSeq > 0 {
		db = db.Where("seq < ?", f.BeforeSeq)
	}
	var rows []audit.Row
	// One row more than a page says whether an older page exists.
	if err := db.Order("seq DESC").Limit(PageSize + 1).Find(&rows).Error; err != nil {
		return Result{}, err
	}
	res := Result{Rows: rows, Filter: f}
	if len(rows) > PageSize {
		res.Rows = rows[:PageSize]
		res.Next = res.Rows[PageSize-1].Seq
	}
	return res, nil
}
