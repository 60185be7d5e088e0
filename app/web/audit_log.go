package web

import (
	"bufio"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auditlog"
	"github.com/breachdesk/breachdesk/app/i18n"
)

// auditRoutes are the organisation's audit log and its CSV export; both
// for the roles that may read the log (auth.WriteDocuments, checked by
// app/auditlog).
func (s *Server) auditRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/audit", Access: Tenant, Handler: s.auditLog},
		{Method: "GET", Path: "/audit/export", Access: Tenant, Handler: s.auditExport},
	}
}

// auditData is the audit log page.
type auditData struct {
	Form    auditlog.Form
	Choices auditlog.Choices
	Rows    []auditRow
	// OlderHref is the next (older) page with the same filter; "" on the
	// last page. ExportHref is the export of the filtered rows.
	OlderHref, ExportHref string
	Filtered              bool
	MaxExport             int
	// Whether the form's values are among the choices: one that is not
	// (typed into the address, or of a member since removed) is offered
	// as well, so the form shows what was asked.
	ActorKnown, ActionKnown, TargetTypeKnown bool
}

// auditRow is a row of the log with the page of its target, where the
// target has one.
type auditRow struct {
	audit.Row
	Link string
}

// auditForm reads the filter from the query string.
func auditForm(c *fiber.Ctx) auditlog.Form {
	q := func(k string) string { return strings.TrimSpace(c.Query(k)) }
	return auditlog.Form{Actor: q("actor"), Action: q("action"), TargetType: q("target_type"), TargetID: q("target_id"),
		From: q("from"), To: q("to"), Before: q("before")}
}

// auditHref is path with the filter (and more) as its query.
func auditHref(path string, values map[string]string, more ...string) string {
	q := url.Values{}
	for k, v := range values {
		q.Set(k, v)
	}
	for i := 0; i+1 < len(more); i += 2 {
		q.Set(more[i], more[i+1])
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

func (s *Server) auditLog(c *fiber.Ctx) error {
	ctx, p := c.UserContext(), principal(c)
	choices, err := auditlog.Options(ctx, s.deps.Store, p)
	if err != nil {
		return err
	}
	form := auditForm(c)
	values := form.Values()
	pg := s.newPage(c, "audit.title", "audit")
	d := auditData{Form: form, Choices: choices, Filtered: len(values) > 0, MaxExport: auditlog.MaxExportRows,
		ExportHref: auditHref("/audit/export", values)}
	d.ActorKnown = form.Actor == "" || form.Actor == auditlog.SystemActor
	members := map[string]bool{}
	for _, a := range choices.Actors {
		id := strconv.FormatInt(a.ID, 10)
		d.ActorKnown = d.ActorKnown || id == form.Actor
		members[id] = a.Member
	}
	d.ActionKnown = form.Action == ""
	for _, g := range choices.Actions {
		d.ActionKnown = d.ActionKnown || g.Offered() && form.Action == g.Family+".*"
		for _, a := range g.Actions {
			d.ActionKnown = d.ActionKnown || form.Action == a
		}
	}
	d.TargetTypeKnown = form.TargetType == ""
	for _, t := range choices.TargetTypes {
		d.TargetTypeKnown = d.TargetTypeKnown || form.TargetType == t
	}
	status := fiber.StatusOK
	res, err := auditlog.Search(ctx, s.deps.Store, p, form)
	if err != nil {
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		status = fiber.StatusUnprocessableEntity
	}
	pages := s.targetPages()
	for _, r := range res.Rows {
		row := auditRow{Row: r}
		if prefix, ok := pages[r.TargetType]; ok && positiveID(r.TargetID) && (r.TargetType != "user" || members[r.TargetID]) {
			// A user's page is the member page: a former member has none.
			row.Link = prefix + r.TargetID
		}
		d.Rows = append(d.Rows, row)
	}
	if res.Next != 0 {
		d.OlderHref = auditHref("/audit", values, "before", strconv.FormatInt(res.Next, 10))
	}
	pg.Data = d
	return s.render(c, status, "audit", pg)
}

// auditExport streams the filtered rows as CSV. The export is recorded in
// the log before the first byte is sent; an error while streaming (the
// reader gone) can only be logged, the status being sent.
func (s *Server) auditExport(c *fiber.Ctx) error {
	ctx, p, lang := c.UserContext(), principal(c), s.lang(c)
	sheet := auditlog.Sheet{Label: func(code string) string { return actionLabel(s.msgs, lang, code) }}
	for i, k := range [auditlog.Columns]string{"audit.csv.time", "audit.csv.actor", "audit.csv.action", "audit.csv.label",
		"audit.csv.target_type", "audit.csv.target_id", "audit.csv.ip", "audit.csv.details"} {
		sheet.Header[i] = s.msgs.T(lang, k)
	}
	e, err := auditlog.NewExport(ctx, s.deps.Store, p, auditForm(c), sheet)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, contentDisposition(e.Filename))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := e.WriteTo(ctx, w); err != nil {
			slog.Error("audit export failed", "err", err, "organisation", p.OrgID())
		}
	})
	return nil
}

// pagePath is a page of one resource: its GET route is the resource's
// path and its id, nothing after.
var pagePath = regexp.MustCompile(`^(/[a-z-]+)+/:id$`)

// targetPages maps a kind of resource (a route's Param, which names the
// audit target types too) to the path its page's id follows, read from the
// route table: a target is linked only where a page exists.
func (s *Server) targetPages() map[string]string {
	out := map[string]string{}
	for _, r := range s.routes {
		if r.Method != "GET" || r.API || r.Access != Tenant || r.Param == "" || !pagePath.MatchString(r.Path) {
			continue
		}
		if _, dup := out[r.Param]; !dup {
			out[r.Param] = strings.TrimSuffix(r.Path, ":id")
		}
	}
	return out
}

func positiveID(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n > 0
}

// label is the catalogue's message for prefix+code, or the code itself
// when the catalogue has none: a code written by a newer version, or by
// one that forgot its label, still reads as what it is.
func label(msgs i18n.Catalogue, lang, prefix, code string) string {
	if key := prefix + code; msgs.Has(lang, key) {
		return msgs.T(lang, key)
	}
	return code
}

// actionLabel names an audit action code in lang (audit.action.<code>).
func actionLabel(msgs i18n.Catalogue, lang, code string) string {
	return label(msgs, lang, "audit.action.", code)
}

// AuditAction names an audit action code in the page's language.
func (p *Page) AuditAction(code string) string { return actionLabel(p.msgs, p.Lang, code) }

// AuditFamily names a family of audit actions (their codes' first part).
func (p *Page) AuditFamily(family string) string {
	return label(p.msgs, p.Lang, "audit.family.", family)
}

// AuditTargetType names the kind of an audit row's target.
func (p *Page) AuditTargetType(t string) string {
	return label(p.msgs, p.Lang, "audit.target_type.", t)
}
