package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/security"
)

// securityRoutes are the organisation's security measures register, its
// checklist declaration, and the operator's table of every merchant.
func (s *Server) securityRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/security", Access: Tenant, Handler: s.securityPage},
		{Method: "POST", Path: "/security", Access: Tenant, Handler: s.saveSecurityMeasure},
		{Method: "GET", Path: "/security/declaration/pdf", Access: Tenant, Handler: s.securityDeclarationPDF},
		{Method: "GET", Path: "/security/declaration/csv", Access: Tenant, Handler: s.securityDeclarationCSV},
		{Method: "GET", Path: "/security/merchants", Access: Operator, Handler: s.securityMerchants},
		{Method: "GET", Path: "/security/merchants/csv", Access: Operator, Handler: s.securityMerchantsCSV},
	}
}

// securityRow is one measure on the register page; Heading opens a group
// of the readiness view ("gaps" or "ready") at its first row.
type securityRow struct {
	security.Entry
	Heading string
	// Editing: the form of this row failed and shows the values sent.
	Editing bool
	// OwnerChoices and EvidenceChoices are what the row's form offers:
	// the page's bounded lists plus the row's current owner and evidence,
	// so saving the form keeps links the lists leave out.
	OwnerChoices    []security.Member
	EvidenceChoices []security.EvidenceRef
}

type securityPageData struct {
	Version, Date string
	Rows          []securityRow
	GapCount      int
	Total         int
	Statuses      []string
	Members       []security.Member
	Evidence      []security.EvidenceRef
	// Picked are the evidence ids the failed form sent, per id.
	Picked map[int64]bool
}

// HasEvidence reports whether row r points at evidence item id, or, for
// the row whose form failed, whether the form picked it.
func (d securityPageData) HasEvidence(r securityRow, id int64) bool {
	if r.Editing {
		return d.Picked[id]
	}
	for _, e := range r.Evidence {
		if e.ID == id {
			return true
		}
	}
	return false
}

// IsOwner reports whether member id owns row r (or was picked by its
// failed form).
func (d securityPageData) IsOwner(r securityRow, pg *Page, id int64) bool {
	if r.Editing {
		return pg.Form["owner_id"] == strconv.FormatInt(id, 10)
	}
	return r.OwnerID != nil && *r.OwnerID == id
}

func (s *Server) renderSecurity(c *fiber.Ctx, status int, pg *Page, editing string, picked map[int64]bool) error {
	ctx, p := c.UserContext(), principal(c)
	entries, err := s.deps.Security.Register(ctx, p)
	if err != nil {
		return err
	}
	d := securityPageData{Version: security.CatalogueVersion, Date: security.CatalogueDate, Total: len(entries), Statuses: security.Statuses, Picked: picked}
	if pg.Can.WorkCases {
		if d.Members, err = s.deps.Security.Members(ctx, p); err != nil {
			return err
		}
		if d.Evidence, err = s.deps.Security.EvidenceChoices(ctx, p); err != nil {
			return err
		}
	}
	for i, e := range security.Readiness(entries) {
		r := securityRow{Entry: e, Editing: e.MeasureID == editing}
		if pg.Can.WorkCases {
			r.OwnerChoices, r.EvidenceChoices = security.OwnerChoicesFor(d.Members, e), security.EvidenceChoicesFor(d.Evidence, e)
		}
		if e.Gap() {
			d.GapCount++
			if i == 0 {
				r.Heading = "gaps"
			}
		} else if i == 0 || d.Rows[i-1].Gap() {
			r.Heading = "ready"
		}
		d.Rows = append(d.Rows, r)
	}
	pg.Data = d
	return s.render(c, status, "security", pg)
}

func (s *Server) securityPage(c *fiber.Ctx) error {
	return s.renderSecurity(c, fiber.StatusOK, s.newPage(c, "security.title", "security"), "", nil)
}

// securityForm reads the measure form. A number field that is not a
// number is a validation error naming it, never a server error.
func securityForm(c *fiber.Ctx) (security.Update, map[int64]bool, *apperr.ValidationError) {
	v := &apperr.ValidationError{}
	in := security.Update{MeasureID: c.FormValue("measure_id"), Status: c.FormValue("status"), Reason: c.FormValue("reason"),
		Note: c.FormValue("note"), LastChecked: c.FormValue("last_checked"), NextReview: c.FormValue("next_review")}
	if raw := strings.TrimSpace(c.FormValue("owner_id")); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			v.Add("owner_id", "validation.not_member")
		}
		in.OwnerID = id
	}
	picked := map[int64]bool{}
	for _, raw := range c.Request().PostArgs().PeekMulti("evidence_ids") {
		id, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
		if err != nil || id <= 0 {
			v.Add("evidence_ids", "validation.evidence_unknown", 0)
			continue
		}
		in.EvidenceIDs = append(in.EvidenceIDs, id)
		picked[id] = true
	}
	return in, picked, v
}

func (s *Server) saveSecurityMeasure(c *fiber.Ctx) error {
	in, picked, formErr := securityForm(c)
	err := formErr.OrNil()
	if err == nil {
		_, err = s.deps.Security.SetMeasure(c.UserContext(), principal(c), in)
	}
	if err != nil {
		pg := s.newPage(c, "security.title", "security")
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		for _, k := range []string{"status", "reason", "note", "owner_id", "last_checked", "next_review"} {
			pg.Form[k] = c.FormValue(k)
		}
		editing := in.MeasureID
		if _, ok := security.MeasureByID(editing); !ok {
			// No row to show the form's errors at: say them at the top.
			editing = ""
			pg.Errors[""] = pg.Errors["measure_id"]
		}
		return s.renderSecurity(c, fiber.StatusUnprocessableEntity, pg, editing, picked)
	}
	s.flash(c, "flash.security_saved")
	return c.Redirect("/security#m-"+in.MeasureID, fiber.StatusSeeOther)
}

// declarationLang is the ?lang= of a download, else the page's language.
func (s *Server) declarationLang(c *fiber.Ctx) string {
	if l := c.Query("lang"); l != "" {
		return l
	}
	return s.lang(c)
}

func (s *Server) securityDeclarationPDF(c *fiber.Ctx) error {
	lang := s.declarationLang(c)
	out, err := s.deps.Security.DeclarationPDF(c.UserContext(), principal(c), lang)
	if err != nil {
		return err
	}
	return sendDownload(c, "application/pdf", "security-checklist-"+lang+".pdf", out)
}

func (s *Server) securityDeclarationCSV(c *fiber.Ctx) error {
	lang := s.declarationLang(c)
	out, err := s.deps.Security.DeclarationCSV(c.UserContext(), principal(c), lang)
	if err != nil {
		return err
	}
	return sendDownload(c, "text/csv; charset=utf-8", "security-checklist-"+lang+".csv", out)
}

func (s *Server) securityMerchants(c *fiber.Ctx) error {
	rows, err := s.deps.Security.Merchants(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	pg := s.newPage(c, "security.merchants.title", "security_merchants")
	pg.Data = struct {
		Merchants []security.MerchantStatus
		Measures  []security.Measure
	}{rows, security.Catalogue().Measures}
	return s.render(c, fiber.StatusOK, "security_merchants", pg)
}

func (s *Server) securityMerchantsCSV(c *fiber.Ctx) error {
	lang := s.declarationLang(c)
	out, err := s.deps.Security.MerchantsCSV(c.UserContext(), principal(c), lang)
	if err != nil {
		return err
	}
	return sendDownload(c, "text/csv; charset=utf-8", "merchant-security-"+lang+".csv", out)
}

// sendDownload answers with body as an attachment named name.
func sendDownload(c *fiber.Ctx, contentType, name string, body []byte) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(name))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(body)
}
