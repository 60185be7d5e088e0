package web

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/obligations"
)

// triFlags are the tri-state facts, in the order the form asks them, each
// with its help text key (plain-language explanation of the APPI trigger).
var triFlags = []string{"sensitive", "financial_damage_risk", "unauthorized_purpose", "data_being_entered",
	"external_access", "high_level_encryption", "key_compromised", "entrusted_processor"}

var countFields = []string{"persons_affected", "persons_upper_bound", "records_affected"}

type assessmentData struct {
	Case         cases.Case
	Version      assessment.Version
	DataItems    []obligations.DataItemInfo
	CardBrands   []obligations.CardBrand
	Flags        []string
	Counts       []string
	Selected     map[string]bool // data items and card brands that are ticked
	Tri          map[string]string
	Residents    string
	Jurisdiction []obligations.Jurisdiction
	Versions     []assessment.Version
}

// factsForm turns stored facts into form values.
func factsForm(f obligations.Facts, pg *Page, d *assessmentData) {
	raw, _ := json.Marshal(f)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	for _, k := range triFlags {
		switch v := m[k].(type) {
		case bool:
			d.Tri[k] = strconv.FormatBool(v)
		}
	}
	for _, k := range countFields {
		if v, ok := m[k].(float64); ok {
			pg.Form[k] = strconv.FormatInt(int64(v), 10)
		}
	}
	for _, it := range f.DataItems {
		d.Selected["item:"+string(it)] = true
	}
	for _, b := range f.CardBrands {
		d.Selected["brand:"+string(b)] = true
	}
	var lines []string
	for _, j := range obligations.KnownJurisdictions {
		if n, ok := f.Residents[j]; ok {
			lines = append(lines, fmt.Sprintf("%s=%d", j, n))
		}
	}
	d.Residents = strings.Join(lines, "\n")
	pg.Form["eu_risk"] = string(f.EURisk)
	if f.PrincipalNotifiedAt != nil {
		pg.Form["principal_notified_at"] = pg.InputTime(f.PrincipalNotifiedAt)
	}
}

func (s *Server) assessmentPage(c *fiber.Ctx, status int, pg *Page, fromForm bool) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	cs, err := s.deps.Cases.Get(ctx, p, id)
	if err != nil {
		return err
	}
	v, facts, err := s.deps.Assessment.Current(ctx, p, id)
	if err != nil {
		return err
	}
	versions, err := s.deps.Assessment.Versions(ctx, p, id)
	if err != nil {
		return err
	}
	d := assessmentData{Case: cs, Version: v, DataItems: obligations.KnownDataItems, CardBrands: obligations.KnownCardBrands, Flags: triFlags,
		Counts: countFields, Selected: map[string]bool{}, Tri: map[string]string{}, Jurisdiction: obligations.KnownJurisdictions, Versions: versions}
	if fromForm {
		formValues(c, pg, &d)
	} else {
		factsForm(facts, pg, &d)
	}
	pg.Title = cs.Reference + " · " + pg.T("assess.title")
	pg.Data = d
	return s.render(c, status, "assessment", pg)
}

func (s *Server) assessmentForm(c *fiber.Ctx) error {
	return s.assessmentPage(c, fiber.StatusOK, s.newPage(c, "", "dashboard"), false)
}

// formValues keeps what the user entered when the form is shown again.
func formValues(c *fiber.Ctx, pg *Page, d *assessmentData) {
	for _, v := range c.Request().PostArgs().PeekMulti("data_items") {
		d.Selected["item:"+string(v)] = true
	}
	for _, v := range c.Request().PostArgs().PeekMulti("card_brands") {
		d.Selected["brand:"+string(v)] = true
	}
	for _, k := range triFlags {
		d.Tri[k] = c.FormValue(k)
	}
	for _, k := range append(countFields, "eu_risk", "principal_notified_at", "note") {
		pg.Form[k] = c.FormValue(k)
	}
	d.Residents = c.FormValue("residents")
}

// factsJSON builds the facts JSON from the form, so the form and the API
// go through the same parser and validation.
func (s *Server) factsJSON(c *fiber.Ctx) ([]byte, error) {
	m := map[string]any{}
	v := &apperr.ValidationError{}
	var items, brands []string
	for _, x := range c.Request().PostArgs().PeekMulti("data_items") {
		items = append(items, string(x))
	}
	for _, x := range c.Request().PostArgs().PeekMulti("card_brands") {
		brands = append(brands, string(x))
	}
	m["data_items"], m["card_brands"] = items, brands
	for _, k := range triFlags {
		switch c.FormValue(k) {
		case "true":
			m[k] = true
		case "false":
			m[k] = false
		}
	}
	for _, k := range countFields {
		if raw := strings.TrimSpace(c.FormValue(k)); raw != "" {
			n, err := strconv.ParseInt(strings.ReplaceAll(raw, ",", ""), 10, 64)
			if err != nil {
				v.Add(k, "validation.whole_number")
				continue
			}
			m[k] = n
		}
	}
	if r := c.FormValue("eu_risk"); r != "" {
		m["eu_risk"] = r
	}
	if t, err := s.parseLocalTime(c, "principal_notified_at"); err != nil {
		if err := v.Merge(err); err != nil {
			return nil, err
		}
	} else if t != nil {
		m["principal_notified_at"] = t
	}
	residents := map[string]int64{}
	for i, line := range strings.Split(c.FormValue("residents"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		code, count, ok := strings.Cut(line, "=")
		n, err := strconv.ParseInt(strings.TrimSpace(strings.ReplaceAll(count, ",", "")), 10, 64)
		if !ok || err != nil {
			v.Add("residents", "validation.residents_line", i+1)
			continue
		}
		residents[strings.TrimSpace(code)] = n
	}
	if len(residents) > 0 {
		m["residents"] = residents
	}
	if err := v.OrNil(); err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

func (s *Server) saveAssessment(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	body, err := s.factsJSON(c)
	if err == nil {
		var f obligations.Facts
		if f, err = assessment.ParseFacts(body); err == nil {
			_, _, err = s.deps.Assessment.Save(c.UserContext(), principal(c), id, f, c.FormValue("note"))
		}
	}
	if err == nil {
		s.flash(c, "flash.assessment_saved")
		return c.Redirect(fmt.Sprintf("/cases/%d#obligations", id), fiber.StatusSeeOther)
	}
	pg := s.newPage(c, "", "dashboard")
	if err := fieldErrors(pg, err); err != nil {
		return err
	}
	return s.assessmentPage(c, statusOf(err), pg, true)
}

// assessmentRoutes are the form that records a case's facts.
func (s *Server) assessmentRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/cases/:id/assessment", Access: Tenant, Param: "case", Handler: s.assessmentForm},
		{Method: "POST", Path: "/cases/:id/assessment", Access: Tenant, Param: "case", Handler: s.saveAssessment},
	}
}
