package web

import (
	"fmt"
	"net/url"
	"strings"
	"time"

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

		{Method: "POST", Path: "/api/v1/cases/:id/documents", Access: Tenant, API: true, Param: "case", Handler: s.apiGenerateDocument, Op: &Op{ID: "generateDocument", Tag: "documents",
			Summary: "Generate a new version of a document; it renders in the background: 202 with the document queued", Body: newDocument{},
			Status: fiber.StatusAccepted, Out: apiDocument{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "GET", Path: "/api/v1/cases/:id/documents", Access: Tenant, API: true, Param: "case", Handler: s.apiListDocuments, Op: &Op{ID: "listDocuments", Tag: "documents",
			Summary: "The case's documents, every version", Query: listQuery{}, Out: documentList{}}},
		{Method: "GET", Path: "/api/v1/documents/:id", Access: Tenant, API: true, Param: "document", Handler: s.apiGetDocument, Op: &Op{ID: "getDocument", Tag: "documents",
			Summary: "A document version's status, hashes and fields", Out: apiDocument{}}},
		{Method: "GET", Path: "/api/v1/documents/:id/pdf", Access: Tenant, API: true, Param: "document", Handler: s.documentPDF, Op: &Op{ID: "downloadDocumentPDF", Tag: "documents",
			Summary:  "The PDF (audited as an export; its SHA-256 is checked first and sent as X-Document-SHA256); 409 until it is rendered",
			Download: "application/pdf", Errors: []int{fiber.StatusConflict}}},
		{Method: "POST", Path: "/api/v1/documents/:id/approve", Access: Tenant, API: true, Param: "document", Handler: s.apiApproveDocument, Op: &Op{ID: "approveDocument", Tag: "documents",
			Summary: "Approve a rendered draft (legal role), naming the content_sha256 reviewed (409 if it is no longer the document's); it is re-rendered from that content without the DRAFT mark",
			Body:    approval{}, Out: apiDocument{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "POST", Path: "/api/v1/documents/:id/send-back", Access: Tenant, API: true, Param: "document", Handler: s.apiSendBackDocument, Op: &Op{ID: "sendBackDocument", Tag: "documents",
			Summary: "Send a rendered draft back to its author with a comment instead of approving it (legal role); it leaves the approval queue",
			Body:    sendBack{}, Out: apiDocument{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "POST", Path: "/api/v1/documents/:id/submit", Access: Tenant, API: true, Param: "document", Handler: s.apiSubmitDocument, Op: &Op{ID: "submitDocument", Tag: "documents",
			Summary: "Mark an approved document sent; the obligation it answers is marked submitted", Body: assessment.Submission{}, BodyOptional: true,
			Out: apiDocument{}, Errors: []int{fiber.StatusConflict}}},
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

// apiDocument is one version of a document as the API answers it: its
// state, hashes and fields, and where to download its PDF.
type apiDocument struct {
	ID              int64             `json:"id"`
	CaseID          int64             `json:"case_id"`
	Kind            documents.DocKind `json:"kind"`
	Lang            string            `json:"lang" enum:"lang"`
	Version         int               `json:"version" doc:"1 for the first of this kind and language, then one more for each regeneration"`
	Status          string            `json:"status" enum:"document_status" doc:"queued until the PDF is rendered, then draft; approved by legal; submitted once sent; failed (see error)"`
	SHA256          *string           `json:"sha256" doc:"SHA-256 (hex) of the PDF; null until rendered"`
	ContentSHA256   *string           `json:"content_sha256" doc:"SHA-256 (hex) of the rendered content, which an approval names; null until rendered"`
	ApprovedSHA256  *string           `json:"approved_content_sha256" doc:"the content_sha256 legal approved"`
	TemplateVersion string            `json:"template_version"`
	Error           string            `json:"error" doc:"why rendering failed (status failed)"`
	Fields          map[string]string `json:"fields" doc:"the free-text fields of the kind, as edited"`
	ApprovedAt      *time.Time        `json:"approved_at"`
	SubmittedAt     *time.Time        `json:"submitted_at"`
	RenderedAt      *time.Time        `json:"rendered_at"`
	CreatedAt       time.Time         `json:"created_at"`
	ReturnedAt      *time.Time        `json:"returned_at" doc:"when legal sent this version back instead of approving it"`
	ReturnComment   string            `json:"return_comment"`
	Unfilled        []string          `json:"unfilled" doc:"the items the draft still prints as not known"`
	PDFURL          string            `json:"pdf_url"`
}

func toAPIDocument(d drafts.Document) apiDocument {
	out := apiDocument{ID: d.ID, CaseID: d.CaseID, Kind: documents.DocKind(d.Kind), Lang: d.Lang, Version: d.Version, Status: d.Status,
		ApprovedSHA256: d.ApprovedContentSHA256, TemplateVersion: d.TemplateVersion, Error: d.Error, Fields: d.FieldMap(),
		ApprovedAt: d.ApprovedAt, SubmittedAt: d.SubmittedAt, RenderedAt: d.RenderedAt, CreatedAt: d.CreatedAt,
		ReturnedAt: d.ReturnedAt, ReturnComment: d.ReturnComment, Unfilled: unfilled(d),
		PDFURL: fmt.Sprintf("/api/v1/documents/%d/pdf", d.ID)}
	if len(d.SHA256) > 0 {
		sum := fmt.Sprintf("%x", d.SHA256)
		out.SHA256 = &sum
	}
	if sum := d.ContentHash(); sum != "" {
		out.ContentSHA256 = &sum
	}
	return out
}

// documentList answers GET /api/v1/cases/{id}/documents.
type documentList struct {
	Documents []apiDocument `json:"documents"`
	listMeta
}

// newDocument is the body of POST /api/v1/cases/{id}/documents.
type newDocument struct {
	Kind   documents.DocKind `json:"kind" required:"true"`
	Lang   string            `json:"lang" required:"true" enum:"lang"`
	Fields map[string]string `json:"fields" doc:"the kind's free-text fields (at most 20,000 characters each); those left out are prefilled from the case"`
}

func (s *Server) apiGenerateDocument(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in newDocument
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.deps.Drafts.Generate(c.UserContext(), principal(c), id, string(in.Kind), in.Lang, in.Fields)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(toAPIDocument(d))
}

func (s *Server) apiListDocuments(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var q listQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	list, err := s.deps.Drafts.List(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	out := make([]apiDocument, len(list))
	for i, d := range list {
		out[i] = toAPIDocument(d)
	}
	items, meta := page(out, q)
	return c.JSON(documentList{Documents: items, listMeta: meta})
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
	return c.JSON(toAPIDocument(d))
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
	return c.JSON(toAPIDocument(d))
}

// sendBack is the body of POST /api/v1/documents/{id}/send-back.
type sendBack struct {
	Comment string `json:"comment" required:"true" maxLength:"4000" doc:"what the author should change; shown on the document and sent to its author"`
}

func (s *Server) apiSendBackDocument(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in sendBack // no body: the service says what is missing
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	d, err := s.deps.Drafts.SendBack(c.UserContext(), principal(c), id, in.Comment)
	if err != nil {
		return err
	}
	return c.JSON(toAPIDocument(d))
}

func (s *Server) apiSubmitDocument(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in assessment.Submission // optional: sent now, no reference
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	d, err := s.deps.Drafts.MarkSubmitted(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(toAPIDocument(d))
}

// unfilled names the items d still prints as not known (never null).
func unfilled(d drafts.Document) []string {
	if items := documents.ReviewOf(d.Composed).Unfilled; items != nil {
		return items
	}
	return []string{}
}
