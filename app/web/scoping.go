package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/scoping"
)

// scopingRoutes are the case's scoping page: exposure windows, scope
// runs, the diff against the applied scope and applying a run. A run is
// named in the query or form, and must be the case's.
func (s *Server) scopingRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/cases/:id/scoping", Access: Tenant, Param: "case", Handler: s.scopingPage},
		{Method: "POST", Path: "/cases/:id/scoping/windows", Access: Tenant, Param: "case", Handler: s.saveExposureWindow},
		{Method: "POST", Path: "/cases/:id/scoping/windows/remove", Access: Tenant, Param: "case", Handler: s.removeExposureWindow},
		{Method: "POST", Path: "/cases/:id/scoping/run", Access: Tenant, Param: "case", Handler: s.runScope},
		{Method: "POST", Path: "/cases/:id/scoping/apply", Access: Tenant, Param: "case", Handler: s.applyScope},
	}
}

// scopingPersonsPage is how many persons the page shows at once.
const scopingPersonsPage = 50

type scopingPageData struct {
	Case     cases.Case
	Windows  scoping.WindowVersion
	Versions []scoping.WindowVersion
	Runs     []scoping.Run
	// Run is the run shown (the newest when none is asked for) and
	// RunWindows the windows it was made from.
	Run        *scoping.Run
	RunWindows []scoping.Window
	Diff       *scoping.Diff
	Persons    []scoping.Person
	Total      int64
	Offset     int
	Status     string
	Person     int
	Orders     []scoping.Order
	// Editing is the window the form edits (No 0: a new one).
	Editing     scoping.Window
	Items       []obligations.DataItemInfo
	Sources     []string
	Confidences []string
}

// Nos are the numbers of the windows in a run's mask.
func (d scopingPageData) Nos(mask int) string {
	var out []string
	for _, n := range scoping.WindowNos(d.RunWindows, mask) {
		out = append(out, strconv.Itoa(n))
	}
	return strings.Join(out, ", ")
}

// Checked reports whether the edited window captures item.
func (d scopingPageData) Checked(item obligations.DataItem) bool {
	for _, it := range d.Editing.DataItems {
		if it == item {
			return true
		}
	}
	return false
}

// ItemLabel is the label of a data item counted by a run.
func (d scopingPageData) ItemLabel(item string) i18n.Text { return obligations.DataItem(item).Label() }

// Paths are the edited window's paths, one a line.
func (d scopingPageData) Paths() string { return strings.Join(d.Editing.Paths, "\n") }

// Next and Prev are the offsets of the neighbouring pages of persons
// (-1: none).
func (d scopingPageData) Next() int {
	if int64(d.Offset+scopingPersonsPage) >= d.Total {
		return -1
	}
	return d.Offset + scopingPersonsPage
}

// Prev is the offset of the previous page of persons (-1: none).
func (d scopingPageData) Prev() int {
	if d.Offset == 0 {
		return -1
	}
	return max(d.Offset-scopingPersonsPage, 0)
}

func (s *Server) scopingPage(c *fiber.Ctx) error {
	pg := s.newPage(c, "scoping.title", "")
	return s.renderScoping(c, fiber.StatusOK, pg, nil)
}

// renderScoping shows the page; editing is the window a failed form sent.
func (s *Server) renderScoping(c *fiber.Ctx, status int, pg *Page, editing *scoping.Window) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	cs, err := s.deps.Cases.Get(ctx, p, id)
	if err != nil {
		return err
	}
	d := scopingPageData{Case: cs, Items: obligations.KnownDataItems, Sources: scoping.Sources, Confidences: scoping.Confidences}
	if d.Windows, err = s.deps.Scoping.Windows(ctx, p, id); err != nil {
		return err
	}
	if d.Versions, err = s.deps.Scoping.WindowVersions(ctx, p, id); err != nil {
		return err
	}
	if d.Runs, err = s.deps.Scoping.Runs(ctx, p, id); err != nil {
		return err
	}
	switch {
	case editing != nil:
		d.Editing = *editing
	case c.Query("edit") != "":
		no, _ := strconv.Atoi(c.Query("edit"))
		for _, w := range d.Windows.Windows {
			if w.No == no {
				d.Editing = w
			}
		}
	}
	if d.Editing.Confidence == "" {
		d.Editing.Confidence = scoping.ConfidenceConfirmed
		d.Editing.Source = scoping.Sources[0]
	}
	if err := s.scopingRun(c, &d); err != nil {
		return err
	}
	pg.Data = d
	return s.render(c, status, "scoping", pg)
}

// scopingRun fills in the run shown, its diff, a page of its persons and
// the orders of the person asked for.
func (s *Server) scopingRun(c *fiber.Ctx, d *scopingPageData) error {
	ctx, p := c.UserContext(), principal(c)
	var run scoping.Run
	if raw := c.Query("run"); raw != "" {
		runID, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return apperr.ErrNotFound
		}
		if run, err = s.deps.Scoping.GetRun(ctx, p, runID); err != nil {
			return err
		}
		if run.CaseID != d.Case.ID {
			return apperr.ErrNotFound
		}
	} else if len(d.Runs) > 0 {
		run = d.Runs[0]
	} else {
		return nil
	}
	d.Run = &run
	var err error
	if d.RunWindows, err = s.deps.Scoping.RunWindows(ctx, p, run); err != nil {
		return err
	}
	// Only a computed run has persons and a diff; the page of a queued or
	// running one shows its status and refreshes until it is done.
	if !run.Done() {
		return nil
	}
	if run.AppliedAt == nil {
		diff, err := s.deps.Scoping.Diff(ctx, p, run.ID)
		if err != nil {
			return err
		}
		d.Diff = &diff
	}
	d.Offset, _ = strconv.Atoi(c.Query("offset"))
	d.Offset = max(d.Offset, 0)
	d.Status = c.Query("status")
	if d.Status != "confirmed" && d.Status != "possible" {
		d.Status = ""
	}
	if d.Persons, d.Total, err = s.deps.Scoping.Persons(ctx, p, run.ID, d.Status, scopingPersonsPage, d.Offset); err != nil {
		return err
	}
	if d.Person, _ = strconv.Atoi(c.Query("person")); d.Person > 0 {
		if d.Orders, err = s.deps.Scoping.PersonOrders(ctx, p, run.ID, d.Person); err != nil {
			return err
		}
	}
	return nil
}

// windowForm reads the window form: times are wall times in the
// organisation's zone (JST for a Japanese shop).
func (s *Server) windowForm(c *fiber.Ctx) (scoping.Window, error) {
	v := &apperr.ValidationError{}
	w := scoping.Window{Source: c.FormValue("source"), Confidence: c.FormValue("confidence"), Note: c.FormValue("note")}
	w.No, _ = strconv.Atoi(c.FormValue("no"))
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"start", &w.Start}, {"end", &w.End}} {
		t, err := s.parseLocalTime(c, f.name)
		if err != nil {
			v.Add(f.name, badTimeCode)
		} else if t != nil {
			*f.dst = *t
		}
	}
	w.Paths = strings.Split(strings.ReplaceAll(c.FormValue("paths"), "\r\n", "\n"), "\n")
	args := c.Request().PostArgs()
	for _, raw := range args.PeekMulti("data_items") {
		w.DataItems = append(w.DataItems, obligations.DataItem(raw))
	}
	return w, v.OrNil()
}

func (s *Server) saveExposureWindow(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	base, _ := strconv.Atoi(c.FormValue("base"))
	w, err := s.windowForm(c)
	if err == nil {
		_, err = s.deps.Scoping.SaveWindow(c.UserContext(), principal(c), id, base, w)
	}
	if err != nil {
		pg := s.newPage(c, "scoping.title", "")
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		pg.Form = map[string]string{"start": c.FormValue("start"), "end": c.FormValue("end")}
		return s.renderScoping(c, fiber.StatusUnprocessableEntity, pg, &w)
	}
	s.flash(c, "flash.scoping_window_saved")
	return c.Redirect(fmt.Sprintf("/cases/%d/scoping#windows", id), fiber.StatusSeeOther)
}

func (s *Server) removeExposureWindow(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	base, _ := strconv.Atoi(c.FormValue("base"))
	no, _ := strconv.Atoi(c.FormValue("no"))
	if _, err := s.deps.Scoping.RemoveWindow(c.UserContext(), principal(c), id, base, no); err != nil {
		return err
	}
	s.flash(c, "flash.scoping_window_removed")
	return c.Redirect(fmt.Sprintf("/cases/%d/scoping#windows", id), fiber.StatusSeeOther)
}

func (s *Server) runScope(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// Scope only queues the run: the request costs a few rows whatever the
	// number of orders; a worker computes it and the page refreshes.
	r, err := s.deps.Scoping.Scope(c.UserContext(), principal(c), id)
	if errors.Is(err, apperr.ErrConflict) {
		return err
	}
	if err != nil {
		pg := s.newPage(c, "scoping.title", "")
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		return s.renderScoping(c, fiber.StatusUnprocessableEntity, pg, nil)
	}
	s.flash(c, "flash.scoping_run")
	return c.Redirect(fmt.Sprintf("/cases/%d/scoping?run=%d#result", id, r.ID), fiber.StatusSeeOther)
}

func (s *Server) applyScope(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	runID, _ := strconv.ParseInt(c.FormValue("run"), 10, 64)
	version, _ := strconv.Atoi(c.FormValue("window_version"))
	against, _ := strconv.ParseInt(c.FormValue("against"), 10, 64)
	ctx, p := c.UserContext(), principal(c)
	r, err := s.deps.Scoping.GetRun(ctx, p, runID)
	if err != nil {
		return err
	}
	if r.CaseID != id {
		return apperr.ErrNotFound
	}
	if _, err := s.deps.Scoping.Apply(ctx, p, r.ID, version, against); err != nil {
		return err
	}
	s.flash(c, "flash.scoping_applied")
	return c.Redirect(fmt.Sprintf("/cases/%d/scoping?run=%d#result", id, r.ID), fiber.StatusSeeOther)
}
