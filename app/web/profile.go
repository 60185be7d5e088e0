package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/obligations"
)

// profileRoutes are the organisation's own details: the page every member
// reads and the owner edits, and the same over the API.
func (s *Server) profileRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/organisation", Access: Tenant, Handler: s.profilePage},
		{Method: "POST", Path: "/organisation", Access: Tenant, Handler: s.saveProfile},
		{Method: "GET", Path: "/api/v1/organisation/profile", Access: Tenant, API: true, Handler: s.apiGetProfile, Op: &Op{ID: "getProfile", Tag: "organisation",
			Summary: "The organisation's details as the reports, letters and public notice print them", Out: auth.Profile{}}},
		{Method: "PUT", Path: "/api/v1/organisation/profile", Access: Tenant, API: true, Handler: s.apiPutProfile, Op: &Op{ID: "replaceProfile", Tag: "organisation",
			Summary: "Replace the organisation's details (owner): a field left out is empty", Body: auth.Profile{}, Out: auth.Profile{}}},
	}
}

// profileField is one text field of the profile form.
type profileField struct{ Name, Autocomplete string }

// profileGroup is a part of the form under its own legend.
type profileGroup struct {
	Legend string // catalogue key
	Fields []profileField
}

// profileGroups are the profile's text fields in the form's order: the
// business, the desk people affected can reach, and the card payments.
var profileGroups = []profileGroup{
	{"profile.group_business", []profileField{{"name", "organization"}, {"legal_name", "organization"}, {"corporate_number", "off"},
		{"address", "street-address"}, {"representative", "name"}}},
	{"profile.group_contact", []profileField{{"contact_desk", "off"}, {"contact_phone", "tel"}, {"contact_hours", "off"},
		{"contact_email", "email"}, {"contact_url", "url"}}},
	{"profile.group_payments", []profileField{{"acquirer_name", "off"}, {"psp_name", "off"}, {"timezone", "off"}}},
}

// profileData is the profile page: the form's fields, the brands to
// choose from and those chosen, and whether this is the owner's first
// visit (the dashboard sends a new organisation's owner here).
type profileData struct {
	Groups   []profileGroup
	Brands   []obligations.CardBrand
	Selected map[string]bool
	Welcome  bool
}

func (s *Server) profilePage(c *fiber.Ctx) error {
	pg := s.newPage(c, "profile.title", "profile")
	org := principal(c).Organisation
	fillProfileForm(pg, auth.ProfileOf(org))
	return s.renderProfile(c, fiber.StatusOK, pg, org.CardBrands, c.Query("welcome") == "1")
}

// renderProfile shows the profile form with brands ticked.
func (s *Server) renderProfile(c *fiber.Ctx, status int, pg *Page, brands []string, welcome bool) error {
	d := profileData{Groups: profileGroups, Brands: obligations.KnownCardBrands, Selected: map[string]bool{}, Welcome: welcome}
	for _, b := range brands {
		d.Selected[b] = true
	}
	pg.Data = d
	return s.render(c, status, "profile", pg)
}

// fillProfileForm shows p in the form's fields.
func fillProfileForm(pg *Page, p auth.Profile) {
	for _, g := range profileGroups {
		for _, f := range g.Fields {
			pg.Form[f.Name] = *p.Field(f.Name)
		}
	}
}

func (s *Server) saveProfile(c *fiber.Ctx) error {
	in := auth.Profile{CardBrands: []string{}}
	for _, g := range profileGroups {
		for _, f := range g.Fields {
			*in.Field(f.Name) = c.FormValue(f.Name)
		}
	}
	for _, b := range c.Context().PostArgs().PeekMulti("card_brands") {
		in.CardBrands = append(in.CardBrands, string(b))
	}
	if _, err := s.deps.Auth.UpdateProfile(c.UserContext(), principal(c), in); err != nil {
		pg := s.newPage(c, "profile.title", "profile")
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		fillProfileForm(pg, in)
		return s.renderProfile(c, fiber.StatusUnprocessableEntity, pg, in.CardBrands, c.FormValue("welcome") == "1")
	}
	s.flash(c, "flash.profile_saved")
	return c.Redirect("/organisation", fiber.StatusSeeOther)
}

func (s *Server) apiGetProfile(c *fiber.Ctx) error {
	return c.JSON(auth.ProfileOf(principal(c).Organisation))
}

// apiPutProfile replaces the whole profile: a field left out is empty
// (and refused where it is required).
func (s *Server) apiPutProfile(c *fiber.Ctx) error {
	var in auth.Profile
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.CardBrands == nil {
		in.CardBrands = []string{}
	}
	org, err := s.deps.Auth.UpdateProfile(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(auth.ProfileOf(org))
}

// profileFirst sends the owner of an organisation whose legal details were
// never entered to the profile page, once the dashboard is asked for: the
// documents would otherwise print its short name and （未確定）.
func profileFirst(c *fiber.Ctx, p *auth.Principal) (bool, error) {
	if p.OrgID() == 0 || !p.May(auth.EditProfile) || !p.Organisation.ProfileMissing() {
		return false, nil
	}
	return true, c.Redirect("/organisation?welcome=1", fiber.StatusSeeOther)
}
