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
	"github.com/breachdesk/breachdesk/frontend"
)

// pages holds one parsed template set per page: the layout, the shared
// partials and the page's own "content".
type pages struct {
	sets map[string]*template.Template
}

func loadPages(_ i18n.Catalogue) (*pages, error) {
	files, err := fs.Glob(frontend.Templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).ParseFS(frontend.Templates, "templates/layout.html", f)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		p.sets[name] = t
	}
	return p, nil
}

// Page is the data every template gets. Page-specific data goes in Data.
type Page struct {
	Lang       string
	Title      string
	Nav        string
	P          *auth.Principal
	MFAPending bool
	Orgs       []auth.Organisation
	CSRF       string
	Flash      string
	Errors     map[string]string // field → message; "" = the whole form
	Form       map[string]string // values to show again after an error
	Zone       string            // name of the time zone times are shown in
	Data       any

	msgs i18n.Catalogue
	loc  *time.Location
}

// T translates a message key into the page's language.
func (p *Page) T(key string, args ...any) string { return p.msgs.T(p.Lang, key, args...) }

// Time formats t in the organisation's time zone.
func (p *Page) Time(t time.Time) string { return t.In(p.loc).Format("2006-01-02 15:04") }

// newPage fills the common fields for the current request.
func (s *Server) newPage(c *fiber.Ctx, titleKey, nav string) *Page {
	pg := &Page{Lang: s.lang(c), Nav: nav, P: principal(c), MFAPending: mfaPending(c), CSRF: csrfToken(c),
		Errors: map[string]string{}, Form: map[string]string{}, msgs: s.msgs, loc: time.UTC, Zone: "UTC"}
	if titleKey != "" {
		pg.Title = pg.T(titleKey)
	}
	if k := s.takeFlash(c); k != "" {
		pg.Flash = pg.T(k)
	}
	if pg.P != nil {
		if tz := pg.P.Organisation.Timezone; tz != "" {
			if loc, err := time.LoadLocation(tz); err == nil {
				pg.loc, pg.Zone = loc, tz
			}
		}
		if !pg.MFAPending {
			if orgs, err := s.deps.Auth.Organisations(c.UserContext(), pg.P.User); err == nil && len(orgs) > 1 {
				pg.Orgs = orgs
			}
		}
	}
	return pg
}

// render writes a page with the given status.
func (s *Server) render(c *fiber.Ctx, status int, name string, pg *Page) error {
	t, ok := s.pages.sets[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", pg); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("html", "utf-8")
	return c.Status(status).Send(buf.Bytes())
}
