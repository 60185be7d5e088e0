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

		{Method: "POST", Path: "/api/v1/cases/:id/people/import", Access: Tenant, API: true, Param: "case", Handler: s.apiImportPeople, Op: &Op{ID: "importPeople", Tag: "people",
			Summary: "Import the affected-person list: the body is the CSV (UTF-8 with or without BOM, or Shift_JIS/CP932); card numbers are reduced to brand + last 4 before anything is stored; 202 with the import, which a background job then loads", Query: importQuery{}, Upload: "text/csv", Status: fiber.StatusAccepted, Out: people.Import{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "GET", Path: "/api/v1/imports/:id", Access: Tenant, API: true, Param: "import", Handler: s.apiGetImport, Op: &Op{ID: "getImport", Tag: "people",
			Summary: "An import's progress and result: counts, masked card numbers, errors by line", Out: people.Import{}}},
		{Method: "GET", Path: "/api/v1/cases/:id/people", Access: Tenant, API: true, Param: "case", Handler: s.apiPeople, Op: &Op{ID: "listPeople", Tag: "people",
			Summary: "The case's affected persons with notification state, in import order; every call is audited as a read of personal data", Query: peopleQuery{}, Out: peopleList{}}},
	}
}

// importQuery is what POST /api/v1/cases/{id}/people/import takes beside
// the CSV body.
type importQuery struct {
	Filename string `query:"filename" default:"upload.csv" doc:"the file's name, kept for display (its last path element, cleaned)"`
	Mode     string `query:"mode" enum:"import_mode" doc:"partial (the default) imports every valid row and reports the others; all_or_nothing rejects the file when any row is invalid"`
	Mapping  string `query:"mapping" doc:"a JSON object of column header to field, e.g. {\"氏名\":\"name\"}, overriding the detection by common column names"`
}

// peopleQuery is what GET /api/v1/cases/{id}/people takes.
type peopleQuery struct {
	listQuery
	Q string `query:"q" doc:"finds persons by name, reading (hiragana, katakana or half-width), phone number (any separators, +81), postal code, part of the address, e-mail or customer id, with or without spaces and hyphens; readings and phone numbers match from the start, and anywhere when nothing starts with the query"`
}

// peopleList answers GET /api/v1/cases/{id}/people.
type peopleList struct {
	People []people.Person `json:"people"`
	listMeta
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
	var q importQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	opts := people.Options{Mode: q.Mode}
	if q.Mapping != "" {
		if err := json.Unmarshal([]byte(q.Mapping), &opts.Mapping); err != nil {
			return apperr.Invalid("mapping", "validation.mapping_json")
		}
	}
	imp, err := s.deps.People.Start(c.UserContext(), principal(c), id, q.Filename, bytes.NewReader(c.Body()), opts)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(s.apiImport(imp))
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
	return c.JSON(s.apiImport(imp))
}

// apiImport is an import as the API answers it: row errors said in
// English, and its lists [] rather than null.
func (s *Server) apiImport(imp people.Import) people.Import {
	s.explainRows("en", &imp)
	imp.Mapping = nonNil(imp.Mapping)
	imp.Errors = nonNil(imp.Errors)
	return imp
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
	var q peopleQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	list, total, err := s.deps.People.People(c.UserContext(), principal(c), id, people.Query{Search: q.Q, Limit: q.Limit, Offset: q.Offset})
	if err != nil {
		return err
	}
	// A person stored without data items or extra columns reads back nil;
	// the document promises a list and an object, never null.
	for i := range list {
		list[i].DataItems = nonNil(list[i].DataItems)
		if list[i].Extra == nil {
			list[i].Extra = map[string]string{}
		}
	}
	return c.JSON(peopleList{People: nonNil(list), listMeta: q.meta(total)})
}
