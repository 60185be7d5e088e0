package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/orders"
)

func (s *Server) ordersRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/cases/:id/orders", Access: Tenant, Param: "case", Handler: s.ordersPage},
		{Method: "POST", Path: "/cases/:id/orders/import", Access: Tenant, Param: "case", Handler: s.uploadOrders},
	}
}

// ordersPageSize is how many orders one page lists.
const ordersPageSize = 50

type ordersPageData struct {
	Case      cases.Case
	Presets   []string
	Preset    orders.Preset
	Encodings []string
	Fields    []string
	Columns   map[string]string // field → the form's comma-separated columns
	Patterns  string
	Imports   []orders.Import
	Import    *orders.Import // the one shown: ?import=, else the newest
	Summary   []orders.PaymentCount
	Orders    []orders.Order
	Total     int64
	Offset    int
	Next      int
	Prev      int
	MaxBytes  int64
}

func (s *Server) ordersPageWith(c *fiber.Ctx, status int, pg *Page) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	cs, err := s.deps.Cases.Get(ctx, p, id)
	if err != nil {
		return err
	}
	name := c.Query("preset", c.FormValue("preset"))
	pr, ok := orders.FindPreset(name)
	if !ok {
		pr, _ = orders.FindPreset(orders.PresetNames()[0])
	}
	d := ordersPageData{Case: cs, Presets: orders.PresetNames(), Preset: pr, Encodings: orders.Encodings, Fields: orders.Fields,
		Columns: map[string]string{}, Patterns: strings.Join(pr.CardPatterns, ", "), Next: -1, Prev: -1,
		MaxBytes: min(s.deps.Orders.MaxBytes(), s.maxUpload()) >> 20}
	for _, f := range orders.Fields {
		d.Columns[f] = pr.ColumnList(f)
		if v, ok := pg.Form["col_"+f]; ok { // shown again after an error
			d.Columns[f] = v
		}
	}
	if v, ok := pg.Form["card_patterns"]; ok {
		d.Patterns = v
	}
	if d.Imports, err = s.deps.Orders.Imports(ctx, p, id); err != nil {
		return err
	}
	if err := s.pickImport(c, &d); err != nil {
		return err
	}
	if d.Summary, err = s.deps.Orders.Summary(ctx, p, id); err != nil {
		return err
	}
	d.Offset, _ = strconv.Atoi(c.Query("offset"))
	d.Offset = max(d.Offset, 0)
	if d.Orders, d.Total, err = s.deps.Orders.List(ctx, p, id, ordersPageSize, d.Offset); err != nil {
		return err
	}
	if d.Offset+ordersPageSize < int(d.Total) {
		d.Next = d.Offset + ordersPageSize
	}
	if d.Offset > 0 {
		d.Prev = max(d.Offset-ordersPageSize, 0)
	}
	pg.Title = cs.Reference + " · " + pg.T("orders.title")
	pg.Data = d
	return s.render(c, status, "orders", pg)
}

// pickImport shows the import named by ?import= (of this case only), or
// the newest, with its row errors said in the reader's language.
func (s *Server) pickImport(c *fiber.Ctx, d *ordersPageData) error {
	if len(d.Imports) == 0 {
		return nil
	}
	imp := d.Imports[0]
	if q := c.Query("import"); q != "" {
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil {
			return apperr.ErrNotFound
		}
		if imp, err = s.deps.Orders.Get(c.UserContext(), principal(c), n); err != nil {
			return err
		}
		if imp.CaseID != d.Case.ID {
			return apperr.ErrNotFound
		}
	}
	lang := s.lang(c)
	for i, e := range imp.Errors {
		if code, args := e.MessageCode(); code != "" {
			imp.Errors[i].Reason = s.msgs.Message(lang, code, args...)
		}
	}
	d.Import = &imp
	return nil
}

func (s *Server) ordersPage(c *fiber.Ctx) error {
	return s.ordersPageWith(c, fiber.StatusOK, s.newPage(c, "", "dashboard"))
}

func (s *Server) uploadOrders(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	opts := orders.ImportOptions{Preset: c.FormValue("preset"), Encoding: c.FormValue("encoding"), Mode: c.FormValue("mode"),
		Columns: map[string][]string{}, CardPatterns: orders.ParseColumnList(c.FormValue("card_patterns"))}
	if opts.CardPatterns == nil {
		opts.CardPatterns = []string{} // the user emptied the list: no payment method means card
	}
	form := map[string]string{"card_patterns": c.FormValue("card_patterns")}
	for _, f := range orders.Fields {
		opts.Columns[f] = orders.ParseColumnList(c.FormValue("col_" + f))
		form["col_"+f] = c.FormValue("col_" + f)
	}
	var imp orders.Import
	fh, ferr := c.FormFile("file")
	if ferr != nil {
		err = apperr.Invalid("file", "validation.choose_csv")
	} else {
		f, oerr := fh.Open()
		if oerr != nil {
			return oerr
		}
		defer f.Close()
		imp, err = s.deps.Orders.Start(c.UserContext(), principal(c), id, fh.Filename, f, opts)
	}
	if err != nil {
		pg := s.newPage(c, "", "dashboard")
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		pg.Form = form
		return s.ordersPageWith(c, fiber.StatusUnprocessableEntity, pg)
	}
	return c.Redirect(fmt.Sprintf("/cases/%d/orders?import=%d", id, imp.ID), fiber.StatusSeeOther)
}
