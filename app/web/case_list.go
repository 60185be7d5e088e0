package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
)

// caseListRoutes are the list of all cases, with its filters and search.
func (s *Server) caseListRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/cases", Access: Tenant, Handler: s.caseList},
	}
}

// caseListData is the case list page: the filter as given, its choices
// and one page of results.
type caseListData struct {
	Result                    cases.SearchResult
	Members                   []auth.Member
	Phases                    []cases.Phase
	Severities, IncidentTypes []string
	From, To                  int
	PrevURL, NextURL          string
}

// searchFilter reads a case search from the query string (the page's GET
// form and the API alike). Dates are days in the organisation's zone; the
// "to" day is included.
func searchFilter(c *fiber.Ctx) (cases.SearchFilter, error) {
	f := cases.SearchFilter{Query: c.Query("q"), Status: c.Query("status"), Phase: c.Query("phase"), Severity: c.Query("severity"),
		IncidentType: c.Query("incident_type"), Overdue: c.Query("overdue") == "1" || c.Query("overdue") == "true"}
	v := &apperr.ValidationError{}
	if raw := strings.TrimSpace(c.Query("owner")); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			v.Add("owner", "validation.positive_number")
		}
		f.OwnerID = id
	}
	loc := principal(c).Organisation.Location()
	day := func(field string, end bool) *time.Time {
		raw := strings.TrimSpace(c.Query(field))
		if raw == "" {
			return nil
		}
		t, err := time.ParseInLocation(time.DateOnly, raw, loc)
		if err != nil {
			v.Add(field, "validation.date")
			return nil
		}
		if end {
			t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		return &t
	}
	f.AwareFrom, f.AwareTo = day("aware_from", false), day("aware_to", true)
	f.Limit, f.Offset = c.QueryInt("limit", 50), max(c.QueryInt("offset", 0), 0)
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	return f, v.OrNil()
}

func (s *Server) caseList(c *fiber.Ctx) error {
	pg := s.newPage(c, "cases.title", "cases")
	for _, k := range []string{"q", "status", "phase", "severity", "incident_type", "owner", "overdue", "aware_from", "aware_to"} {
		pg.Form[k] = c.Query(k)
	}
	ctx, p := c.UserContext(), principal(c)
	d := caseListData{Phases: cases.Phases, Severities: cases.Severities, IncidentTypes: cases.IncidentTypes}
	members, err := s.deps.Auth.ListMembers(ctx, p)
	if err != nil {
		return err
	}
	d.Members = members
	status := fiber.StatusOK
	f, err := searchFilter(c)
	if err == nil {
		d.Result, err = s.deps.Cases.Search(ctx, p, f)
	}
	if err != nil {
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		status = statusOf(err)
	}
	if n := len(d.Result.Cases); n > 0 {
		d.From, d.To = f.Offset+1, f.Offset+n
		q := c.Request().URI().QueryArgs()
		page := func(offset int) string {
			vals := url.Values{}
			for k, v := range q.All() {
				if string(k) != "offset" {
					vals.Add(string(k), string(v))
				}
			}
			vals.Set("offset", strconv.Itoa(offset))
			return "/cases?" + vals.Encode()
		}
		if f.Offset > 0 {
			d.PrevURL = page(max(f.Offset-f.Limit, 0))
		}
		if int64(f.Offset+n) < d.Result.Total {
			d.NextURL = page(f.Offset + f.Limit)
		}
	}
	pg.Data = d
	return s.render(c, status, "cases", pg)
}
