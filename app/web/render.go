package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/notifications"
	"github.com/breachdesk/breachdesk/app/timeline"
	"github.com/breachdesk/breachdesk/frontend"
)

// pages holds, per language, one parsed template set per page: the
// layout, the shared partials and the page's own "content".
//
// Templates translate with {{T "key"}}, as miniflux's do: T is bound to
// the reader's language, so a partial translates whatever data it is given
// (a task row, a form field), not only the Page. html/template fixes a
// set's functions when it is parsed and must not have them changed while
// it runs, so instead of rebinding T on every request, each language has
// its own sets, parsed once at start, and a request picks its language's.
type pages map[string]map[string]*template.Template // language → page → set

func loadPages(msgs i18n.Catalogue) (pages, error) {
	files, err := fs.Glob(frontend.Templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := pages{}
	for _, lang := range i18n.Languages {
		p[lang] = map[string]*template.Template{}
		t := func(key string, args ...any) string { return msgs.T(lang, key, args...) }
		for _, f := range files {
			name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
			if name == "layout" {
				continue
			}
			set, err := template.New(name).Funcs(funcs).Funcs(template.FuncMap{"T": t}).ParseFS(frontend.Templates, "templates/layout.html", f)
			if err != nil {
				return nil, fmt.Errorf("template %s: %w", name, err)
			}
			p[lang][name] = set
		}
	}
	return p, nil
}

// lookup returns the page's template set for lang; a language without its
// own sets reads the default language's, as the catalogue does.
func (p pages) lookup(name, lang string) (*template.Template, bool) {
	byName, ok := p[lang]
	if !ok {
		byName = p[i18n.Languages[0]]
	}
	t, ok := byName[name]
	return t, ok
}

// funcs are the few helpers templates need beyond Page's methods.
var funcs = template.FuncMap{
	"list":  func(v ...string) []string { return v },
	"deref": func(p *int64) int64 { return *p },
	"ptr":   func(t time.Time) *time.Time { return &t },
	"deref2": func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	},
	"inc":   func(i int) int { return i + 1 },
	"lower": strings.ToLower,
}

// Page is the data every template gets. Page-specific data goes in Data.
type Page struct {
	Lang  string
	Title string
	Nav   string
	P     *auth.Principal
	// Can says what the principal may do, so a page offers only the forms
	// the services will accept (auth.Permissions).
	Can        auth.Permissions
	MFAPending bool
	Orgs       []auth.Organisation
	CSRF       string
	Flash      string
	Errors     map[string]string // field → message; "" = the whole form
	Form       map[string]string // values to show again after an error
	// Zone names the zone times are shown in: the organisation's
	// (auth.Organisation.Location), UTC on pages outside any organisation.
	Zone   string
	Unread int64 // unread notifications
	// Drill is set on every page of a drill case (markDrill): the layout
	// shows the 訓練 / DRILL banner, and the page's now is drill time.
	Drill *drillBanner
	Data  any

	msgs i18n.Catalogue
	loc  *time.Location
	now  time.Time // the server's clock when the request came in
}

// Now is the time the page was made: countdowns and overdue marks are
// worked out against it, and scripts carry them on from it (data-now)
// rather than from the reader's own clock.
func (p *Page) Now() string { return p.now.Format(time.RFC3339) }

// T translates a message key into the page's language, for handlers
// (titles, flashes); templates call their own T (see pages).
func (p *Page) T(key string, args ...any) string { return p.msgs.T(p.Lang, key, args...) }

// Time formats t in the organisation's time zone.
func (p *Page) Time(t time.Time) string { return t.In(p.loc).Format("2006-01-02 15:04") }

// Local formats t in the organisation's zone with the zone named.
func (p *Page) Local(t time.Time) string { return t.In(p.loc).Format("2006-01-02 15:04 MST") }

// LocalP is Local for an optional time; "—" when unset.
func (p *Page) LocalP(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return p.Local(*t)
}

// RFC3339 formats an optional time for <time datetime> and scripts.
func (p *Page) RFC3339(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(p.loc).Format(time.RFC3339)
}

// InputTime formats an optional time for <input type="datetime-local">
// in the organisation's zone.
func (p *Page) InputTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(p.loc).Format("2006-01-02T15:04")
}

// LongDate formats t's date in the page's language and the
// organisation's zone (2026年11月25日 / 25 November 2026).
func (p *Page) LongDate(t time.Time) string {
	t = t.In(p.loc)
	if p.Lang == "en" {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

// Overdue reports whether t has passed.
func (p *Page) Overdue(t *time.Time) bool { return t != nil && t.Before(p.now) }

// Countdown says how long until t, or how long it is overdue, in words
// ("あと2日3時間", "overdue by 5 h"); scripts refresh it live.
func (p *Page) Countdown(t *time.Time) string {
	if t == nil {
		return ""
	}
	d := t.Sub(p.now)
	over := d < 0
	if over {
		d = -d
	}
	days, hours, mins := int(d.Hours())/24, int(d.Hours())%24, int(d.Minutes())%60
	var span string
	switch {
	case p.Lang == "en" && days > 0:
		span = fmt.Sprintf("%d d %d h", days, hours)
	case p.Lang == "en" && hours > 0:
		span = fmt.Sprintf("%d h %d min", hours, mins)
	case p.Lang == "en":
		span = fmt.Sprintf("%d min", mins)
	case days > 0:
		span = fmt.Sprintf("%d日%d時間", days, hours)
	case hours > 0:
		span = fmt.Sprintf("%d時間%d分", hours, mins)
	default:
		span = fmt.Sprintf("%d分", mins)
	}
	if over {
		return p.T("time.overdue_by", span)
	}
	return p.T("time.remaining", span)
}

// Entry says a timeline entry in the page's language, its times in the
// page's zone.
func (p *Page) Entry(e timeline.Entry) string {
	return e.Text(func(code string, args ...any) string { return p.msgs.Message(p.Lang, code, args...) }, p.Local)
}

// L picks the page's language from a bilingual text (i18n.Text, or a
// pointer to one for optional texts such as a rule's caveat).
func (p *Page) L(v any) string {
	switch t := v.(type) {
	case *i18n.Text:
		if t == nil {
			return ""
		}
		return t.In(p.Lang)
	case i18n.Text:
		return t.In(p.Lang)
	case string:
		return t
	}
	return fmt.Sprint(v)
}

// newPage fills the common fields for the current request.
func (s *Server) newPage(c *fiber.Ctx, titleKey, nav string) *Page {
	pg := &Page{Lang: s.lang(c), Nav: nav, P: principal(c), MFAPending: mfaPending(c), CSRF: csrfToken(c),
		Errors: map[string]string{}, Form: map[string]string{}, msgs: s.msgs, loc: time.UTC, Zone: "UTC", now: s.deps.Clock.Now()}
	if titleKey != "" {
		pg.Title = pg.T(titleKey)
	}
	if k := s.takeFlash(c); k != "" {
		pg.Flash = pg.T(k)
	}
	if pg.P != nil {
		if pg.P.OrgID() != 0 {
			pg.Can = pg.P.Permissions()
			pg.loc = pg.P.Organisation.Location()
			pg.Zone = pg.loc.String()
			s.markDrill(c, pg)
		}
		if !pg.MFAPending && pg.P.OrgID() != 0 {
			pg.Unread, _ = notifications.Unread(c.UserContext(), s.deps.Store, pg.P)
		}
		if !pg.MFAPending && pg.P.MultipleOrganisations {
			if orgs, err := s.deps.Auth.Organisations(c.UserContext(), pg.P.User); err == nil && len(orgs) > 1 {
				pg.Orgs = orgs
			}
		}
	}
	return pg
}

// render writes a page of the application with the given status.
func (s *Server) render(c *fiber.Ctx, status int, name string, pg *Page) error {
	return s.renderWith(c, status, name, "layout", pg)
}

// renderWith writes a page through the given root template: "layout" for
// the application, "public" for pages anyone may read.
func (s *Server) renderWith(c *fiber.Ctx, status int, name, root string, pg *Page) error {
	t, ok := s.pages.lookup(name, pg.Lang)
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, root, pg); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("html", "utf-8")
	return c.Status(status).Send(buf.Bytes())
}
