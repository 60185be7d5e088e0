package web

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/drafts"
)

func (s *Server) documentRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/cases/:id/documents", Access: Tenant, Param: "case", Handler: s.generateDocument},
		{Method: "GET", Path: "/documents/:id", Access: Tenant, Param: "document", Handler: s.documentPage},
		{Method: "GET", Path: "/documents/:id/pdf", Access: Tenant, Param: "document", Handler: s.documentPDF},
		{Method: "POST", Path: "/documents/:id/regenerate", Access: Tenant, Param: "document", Handler: s.regenerateDocument},
		{Method: "POST", Path: "/documents/:id/approve", Access: Tenant, Param: "document", Handler: s.approveDocument},
		{Method: "POST", Path: "/documents/:id/send-back", Access: Tenant, Param: "document", Handler: s.sendBackDocument},
		{Method: "POST", Path: "/documents/:id/submit", Access: Tenant, Param: "document", Handler: s.submitDocument},
		{Method: "GET", Path: "/templates", Access: Tenant, Handler: s.templatesPage},
		{Method: "POST", Path: "/templates", Access: Tenant, Handler: s.saveTemplate},
		{Method: "POST", Path: "/templates/preview", Access: Tenant, Handler: s.previewTemplate},
		{Method: "POST", Path: "/templates/blocks", Access: Tenant, Handler: s.saveTemplateBlocks},
		{Method: "POST", Path: "/templates/blocks/preview", Access: Tenant, Handler: s.previewTemplateBlocks},

		{Method: "POST", Path: "/api/v1/cases/:id/documents", Access: Tenant, API: true, Param: "case", Handler: s.apiGenerateDocument},
		{Method: "GET", Path: "/api/v1/cases/:id/documents", Access: Tenant, API: true, Param: "case", Handler: s.apiListDocuments},
		{Method: "GET", Path: "/api/v1/documents/:id", Access: Tenant, API: true, Param: "document", Handler: s.apiGetDocument},
		{Method: "GET", Path: "/api/v1/documents/:id/pdf", Access: Tenant, API: true, Param: "document", Handler: s.documentPDF},
		{Method: "POST", Path: "/api/v1/documents/:id/approve", Access: Tenant, API: true, Param: "document", Handler: s.apiApproveDocument},
		{Method: "POST", Path: "/api/v1/documents/:id/send-back", Access: Tenant, API: true, Param: "document", Handler: s.apiSendBackDocument},
		{Method: "POST", Path: "/api/v1/documents/:id/submit", Access: Tenant, API: true, Param: "document", Handler: s.apiSubmitDocument},
	}
}

// documentFields reads the edited free-text fields of a document form.
func documentFields(c *fiber.Ctx, ki documents.KindInfo) map[string]string {
	out := map[string]string{}
	for _, f := range ki.Fields {
		if v := c.FormValue("field_" + f.Key); v != "" || c.Request().PostArgs().Has("field_"+f.Key) {
			out[f.Key] = v
		}
	}
	return out
}

func (s *Server) generateDocument(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.deps.Drafts.Generate(c.UserContext(), principal(c), id, c.FormValue("kind"), c.FormValue("lang"), nil)
	if err != nil {
		return s.caseResult(c, id, "documents", err, "")
	}
	return c.Redirect(fmt.Sprintf("/documents/%d", d.ID), fiber.StatusSeeOther)
}

type documentPageData struct {
	Doc drafts.Document
	// ContentSHA256 is the hash of the content shown; the approve form
	// carries it, so legal's approval names what legal was shown.
	ContentSHA256 string
	Kind          documents.KindInfo
	Fields        map[string]string
	Versions      []drafts.Document
	CaseRef       string
	CaseID        int64
	// Review is the draft as legal reads it before approving, with the
	// items still printed as not known.
	Review documents.Review
}

func (s *Server) documentPage(c *fiber.Ctx) error {
	return s.documentPageWith(c, fiber.StatusOK, s.newPage(c, "", "dashboard"))
}

func (s *Server) documentPageWith(c *fiber.Ctx, status int, pg *Page) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	d, err := s.deps.Drafts.Get(ctx, p, id)
	if err != nil {
		return err
	}
	cs, err := s.deps.Cases.Get(ctx, p, d.CaseID)
	if err != nil {
		return err
	}
	all, err := s.deps.Drafts.List(ctx, p, d.CaseID)
	if err != nil {
		return err
	}
	var versions []drafts.Document
	for _, x := range all {
		if x.Kind == d.Kind && x.Lang == d.Lang {
			versions = append(versions, x)
		}
	}
	ki, _ := documents.Info(documents.DocKind(d.Kind))
	pg.Title = cs.Reference + " · " + ki.Title.In(pg.Lang)
	pg.Data = documentPageData{Doc: d, ContentSHA256: d.ContentHash(), Kind: ki, Fields: d.FieldMap(), Versions: versions, CaseRef: cs.Reference, CaseID: cs.ID,
		Review: documents.ReviewOf(d.Composed)}
	return s.render(c, status, "document", pg)
}

func (s *Server) documentPDF(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.deps.Drafts.PDF(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%s_%s_v%d_%s.pdf", d.Kind, d.Lang, d.Version, d.Status)
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(name))
	c.Set("X-Document-SHA256", fmt.Sprintf("%x", d.SHA256))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(d.PDF)
}

func (s *Server) regenerateDocument(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	old, err := s.deps.Drafts.Get(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	ki, _ := documents.Info(documents.DocKind(old.Kind))
	d, err := s.deps.Drafts.Regenerate(c.UserContext(), principal(c), id, documentFields(c, ki))
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/documents/%d", d.ID), fiber.StatusSeeOther)
}

func (s *Server) approveDocument(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// The form carries the content hash of the document its page showed.
	if _, err := s.deps.Drafts.Approve(c.UserContext(), principal(c), id, c.FormValue("content_sha256")); err != nil {
		pg := s.newPage(c, "", "dashboard")
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		return s.documentPageWith(c, statusOf(err), pg)
	}
	s.flash(c, "flash.document_approved")
	return c.Redirect(fmt.Sprintf("/documents/%d", id), fiber.StatusSeeOther)
}

func (s *Server) sendBackDocument(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.deps.Drafts.SendBack(c.UserContext(), principal(c), id, c.FormValue("comment")); err != nil {
		pg := s.newPage(c, "", "dashboard")
		pg.Form["comment"] = c.FormValue("comment")
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		return s.documentPageWith(c, statusOf(err), pg)
	}
	s.flash(c, "flash.document_sent_back")
	return c.Redirect("/approvals", fiber.StatusSeeOther)
}

func (s *Server) submitDocument(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := assessment.Submission{RecipientReference: c.FormValue("recipient_reference")}
	at, err := s.parseLocalTime(c, "submitted_at")
	if err != nil {
		return err
	}
	if at != nil {
		in.SubmittedAt = *at
	}
	if _, err := s.deps.Drafts.MarkSubmitted(c.UserContext(), principal(c), id, in); err != nil {
		return err
	}
	s.flash(c, "flash.document_submitted")
	return c.Redirect(fmt.Sprintf("/documents/%d", id), fiber.StatusSeeOther)
}

type templatesData struct {
	Kinds    []documents.KindInfo
	Kind     string
	Lang     string
	Body     string
	Override bool
	Cases    []cases.Case // cases to preview against
	// Blocks are the template's text blocks for legal's form, with the
	// placeholders they may use (templateform.go).
	Blocks       []documents.TextBlock
	Placeholders []documents.Placeholder
	// RawOpen opens the raw editor: the template has no text blocks, or
	// the raw edit was refused.
	RawOpen bool
}

func (s *Server) templatesPage(c *fiber.Ctx) error {
	kind, lang := c.Query("kind", string(documents.PPCFinal)), c.Query("lang", "ja")
	d, err := s.loadTemplatesData(c, kind, lang)
	if err != nil {
		return err
	}
	pg := s.newPage(c, "templates.title", "templates")
	pg.Data = d
	return s.render(c, fiber.StatusOK, "templates", pg)
}

func (s *Server) saveTemplate(c *fiber.Ctx) error {
	kind, lang, body := c.FormValue("kind"), c.FormValue("lang"), strings.ReplaceAll(c.FormValue("body"), "\r\n", "\n")
	_, err := s.deps.Drafts.SaveTemplate(c.UserContext(), principal(c), kind, lang, body)
	if err != nil {
		pg := s.newPage(c, "templates.title", "templates")
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		d, lerr := s.loadTemplatesData(c, kind, lang)
		if lerr != nil {
			return err // kind or language unknown: the error page says which
		}
		d.Body, d.RawOpen = body, true
		pg.Data = d
		return s.render(c, fiber.StatusUnprocessableEntity, "templates", pg)
	}
	s.flash(c, "flash.template_saved")
	return c.Redirect("/templates?kind="+url.QueryEscape(kind)+"&lang="+url.QueryEscape(lang), fiber.StatusSeeOther)
}

// previewTemplate renders the edited template against one of the
// organisation's cases and shows the PDF, without saving anything.
func (s *Server) previewTemplate(c *fiber.Ctx) error {
	id, err := formID(c, "case_id")
	if err != nil {
		return err
	}
	pdf, err := s.deps.Drafts.Preview(c.UserContext(), principal(c), id, c.FormValue("kind"), c.FormValue("lang"), strings.ReplaceAll(c.FormValue("body"), "\r\n", "\n"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(pdf)
}

// API

func apiDocument(d drafts.Document) fiber.Map {
	var content any
	if sum := d.ContentHash(); sum != "" {
		content = sum
	}
	return fiber.Map{"id": d.ID, "case_id": d.CaseID, "kind": d.Kind, "lang": d.Lang, "version": d.Version, "status": d.Status,
		"sha256": hexOrNil(d.SHA256), "content_sha256": content, "approved_content_sha256": d.ApprovedContentSHA256,
		"template_version": d.TemplateVersion, "error": d.Error, "fields": d.Fields,
		"approved_at": d.ApprovedAt, "submitted_at": d.SubmittedAt, "rendered_at": d.RenderedAt, "created_at": d.CreatedAt,
		"returned_at": d.ReturnedAt, "return_comment": d.ReturnComment, "unfilled": unfilled(d),
		"pdf_url": fmt.Sprintf("/api/v1/documents/%d/pdf", d.ID)}
}

func hexOrNil(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return fmt.Sprintf("%x", b)
}

func (s *Server) apiGenerateDocument(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in struct {
		Kind   string            `json:"kind"`
		Lang   string            `json:"lang"`
		Fields map[string]string `json:"fields"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.deps.Drafts.Generate(c.UserContext(), principal(c), id, in.Kind, in.Lang, in.Fields)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(apiDocument(d))
}

func (s *Server) apiListDocuments(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	list, err := s.deps.Drafts.List(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	out := make([]fiber.Map, len(list))
	for i, d := range list {
		out[i] = apiDocument(d)
	}
	return c.JSON(fiber.Map{"documents": out})
}

func (s *Server) apiGetDocument(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.deps.Drafts.Get(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(apiDocument(d))
}

func (s *Server) apiApproveDocument(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in approval // no body: the service says what is missing
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	d, err := s.deps.Drafts.Approve(c.UserContext(), principal(c), id, in.ContentSHA256)
	if err != nil {
		return err
	}
	return c.JSON(apiDocument(d))
}

// sendBack is the body of POST /api/v1/documents/{id}/send-back.
type sendBack struct {
	Comment string `json:"comment"`
}

func (s *Server) apiSendBackDocument(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in sendBack
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	d, err := s.deps.Drafts.SendBack(c.UserContext(), principal(c), id, in.Comment)
	if err != nil {
		return err
	}
	return c.JSON(apiDocument(d))
}

func (s *Server) apiSubmitDocument(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in assessment.Submission
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	d, err := s.deps.Drafts.MarkSubmitted(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(apiDocument(d))
}

// unfilled names the items d still prints as not known (never null).
func unfilled(d drafts.Document) []string {
	if items := documents.ReviewOf(d.Composed).Unfilled; items != nil {
		return items
	}
	return []string{}
}
