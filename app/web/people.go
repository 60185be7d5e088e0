package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/people"
)

func (s *Server) peopleRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/cases/:id/people", Access: Tenant, Param: "case", Handler: s.peoplePage},
		{Method: "POST", Path: "/cases/:id/people/import", Access: Tenant, Param: "case", Handler: s.uploadPeople},
		{Method: "GET", Path: "/imports/:id", Access: Tenant, Param: "import", Handler: s.importPage},

		{Method: "POST", Path: "/api/v1/cases/:id/people/import", Access: Tenant, API: true, Param: "case", Handler: s.apiImportPeople},
		{Method: "GET", Path: "/api/v1/imports/:id", Access: Tenant, API: true, Param: "import", Handler: s.apiGetImport},
		{Method: "GET", Path: "/api/v1/cases/:id/people", Access: Tenant, API: true, Param: "case", Handler: s.apiPeople},
	}
}

type peoplePageData struct {
	Case     cases.Case
	People   []people.Person
	Total    int64
	Query    string
	Offset   int
	Next     int
	Prev     int
	Imports  []people.Import
	MaxBytes int64
	Fields   []string // what a column may be mapped to
}

func (s *Server) peoplePageWith(c *fiber.Ctx, status int, pg *Page) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	cs, err := s.deps.Cases.Get(ctx, p, id)
	if err != nil {
		return err
	}
	offset, _ := strconv.Atoi(c.Query("offset"))
	const pageSize = 50
	list, total, err := s.deps.People.People(ctx, p, id, people.Query{Search: c.Query("q"), Limit: pageSize, Offset: offset})
	if err != nil {
		return err
	}
	imports, err := s.deps.People.List(ctx, p, id)
	if err != nil {
		return err
	}
	d := peoplePageData{Case: cs, People: list, Total: total, Query: c.Query("q"), Offset: offset, Next: -1, Prev: -1, Imports: imports, Fields: people.Fields,
		MaxBytes: min(s.deps.People.MaxBytes(), s.maxUpload()) >> 20} // the hint must not promise more than the body limit lets through
	if offset+pageSize < int(total) {
		d.Next = offset + pageSize
	}
	if offset > 0 {
		d.Prev = max(offset-pageSize, 0)
	}
	pg.Title = cs.Reference + " · " + pg.T("people.title")
	pg.Data = d
	return s.render(c, status, "people", pg)
}

func (s *Server) peoplePage(c *fiber.Ctx) error {
	return s.peoplePageWith(c, fiber.StatusOK, s.newPage(c, "", "dashboard"))
}

func (s *Server) uploadPeople(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var imp people.Import
	fh, ferr := c.FormFile("file")
	if ferr != nil {
		err = apperr.Invalid("file", "validation.choose_csv")
	} else {
		f, oerr := fh.Open()
		if oerr != nil {
			return oerr
		}
		defer f.Close()
		var mapping map[string]string
		if mapping, err = parseMapping(c.FormValue("mapping")); err == nil {
			imp, err = s.deps.People.Start(c.UserContext(), principal(c), id, fh.Filename, f, people.Options{Mode: c.FormValue("mode"), Mapping: mapping})
		}
	}
	if err != nil {
		pg := s.newPage(c, "", "dashboard")
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		foldMappingErrors(pg)
		pg.Form = map[string]string{"mapping": c.FormValue("mapping")}
		return s.peoplePageWith(c, fiber.StatusUnprocessableEntity, pg)
	}
	return c.Redirect(fmt.Sprintf("/imports/%d", imp.ID), fiber.StatusSeeOther)
}

// parseMapping reads the form's explicit column mapping: one
// "column header = field" per line; blank lines are skipped. A line
// without "=" is an error naming it.
func parseMapping(raw string) (map[string]string, error) {
	out := map[string]string{}
	for i, line := range strings.Split(raw, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		header, field, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(header) == "" || strings.TrimSpace(field) == "" {
			return nil, apperr.Invalid("mapping", "validation.mapping_line", i+1)
		}
		out[strings.TrimSpace(header)] = strings.TrimSpace(field)
	}
	return out, nil
}

// foldMappingErrors joins the per-column mapping errors ("mapping.<header>")
// into the one message shown under the mapping field, each naming its column.
func foldMappingErrors(pg *Page) {
	var lines []string
	for k, v := range pg.Errors {
		if header, ok := strings.CutPrefix(k, "mapping."); ok {
			lines = append(lines, "“"+header+"”: "+v)
			delete(pg.Errors, k)
		}
	}
	if len(lines) == 0 {
		return
	}
	slices.Sort(lines)
	if prev, ok := pg.Errors["mapping"]; ok {
		lines = append([]string{prev}, lines...)
	}
	pg.Errors["mapping"] = strings.Join(lines, pg.T("error.message_separator"))
}

func (s *Server) importPage(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	imp, err := s.deps.People.Get(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	pg := s.newPage(c, "import.title", "dashboard")
	s.explainRows(pg.Lang, &imp)
	pg.Data = imp
	return s.render(c, fiber.StatusOK, "import", pg)
}

// apiImportPeople takes the CSV file as the request body; ?filename=,
// ?mode=partial|all_or_nothing and ?mapping={"header":"field",…}.
func (s *Server) apiImportPeople(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	opts := people.Options{Mode: c.Query("mode")}
	if raw := c.Query("mapping"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &opts.Mapping); err != nil {
			return apperr.Invalid("mapping", "validation.mapping_json")
		}
	}
	name := c.Query("filename", "upload.csv")
	imp, err := s.deps.People.Start(c.UserContext(), principal(c), id, name, bytes.NewReader(c.Body()), opts)
	if err != nil {
		return err
	}
	s.explainRows("en", &imp)
	return c.Status(fiber.StatusAccepted).JSON(imp)
}

func (s *Server) apiGetImport(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	imp, err := s.deps.People.Get(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	s.explainRows("en", &imp)
	return c.JSON(imp)
}

// explainRows says each row error of imp in lang, as the API's field
// errors are said: the import keeps codes, the reader gets a sentence. A
// row error stored before codes existed keeps its English reason.
func (s *Server) explainRows(lang string, imp *people.Import) {
	for i, e := range imp.Errors {
		if code, args := e.MessageCode(); code != "" {
			imp.Errors[i].Reason = s.msgs.Message(lang, code, args...)
		}
	}
}

func (s *Server) apiPeople(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	list, total, err := s.deps.People.People(c.UserContext(), principal(c), id, people.Query{Search: c.Query("q"), Limit: c.QueryInt("limit"), Offset: c.QueryInt("offset")})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"people": list, "total": total})
}
