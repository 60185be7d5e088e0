package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/evidence"
)

func (s *Server) evidenceRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/cases/:id/evidence", Access: Tenant, Param: "case", Handler: s.uploadEvidence},
		{Method: "GET", Path: "/cases/:id/evidence/held", Access: Tenant, Param: "case", Handler: s.heldEvidenceForm},
		{Method: "POST", Path: "/cases/:id/evidence/held", Access: Tenant, Param: "case", Handler: s.recordHeldEvidence},
		{Method: "GET", Path: "/evidence/:id", Access: Tenant, Param: "evidence", Handler: s.evidencePage},
		{Method: "GET", Path: "/evidence/:id/download", Access: Tenant, Param: "evidence", Handler: s.downloadEvidence},
		{Method: "POST", Path: "/evidence/:id/custody", Access: Tenant, Param: "evidence", Handler: s.addCustody},

		{Method: "GET", Path: "/api/v1/cases/:id/evidence", Access: Tenant, API: true, Param: "case", Handler: s.apiListEvidence, Op: &Op{ID: "listEvidence", Tag: "evidence",
			Summary: "The case's evidence register (metadata and SHA-256, no content), oldest first", Query: listQuery{}, Out: evidenceList{}}},
		{Method: "POST", Path: "/api/v1/cases/:id/evidence", Access: Tenant, API: true, Param: "case", Handler: s.apiUploadEvidence, Op: &Op{ID: "uploadEvidence", Tag: "evidence",
			Summary: "Upload evidence: the body is the file; its type is sniffed, never trusted; a file that holds card numbers (also inside zip, gzip and PDF) is refused with 422 saying where", Query: evidenceUploadQuery{}, Upload: "application/octet-stream", Status: fiber.StatusCreated, Out: evidence.Item{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "POST", Path: "/api/v1/cases/:id/evidence/held", Access: Tenant, API: true, Param: "case", Handler: s.apiRecordHeldEvidence, Op: &Op{ID: "recordHeldEvidence", Tag: "evidence",
			Summary: "Record an item held by the forensic investigator (a file with card data, which BreachDesk does not store): name, SHA-256, size and holder, no content", Body: evidence.HeldInput{}, Status: fiber.StatusCreated, Out: evidence.Item{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "GET", Path: "/api/v1/evidence/:id", Access: Tenant, API: true, Param: "evidence", Handler: s.apiGetEvidence, Op: &Op{ID: "getEvidence", Tag: "evidence",
			Summary: "One evidence item with its chain of custody", Out: apiEvidence{}}},
		// The file goes out with the type sniffed at upload (the item's
		// content_type), so the document allows any media type.
		{Method: "GET", Path: "/api/v1/evidence/:id/content", Access: Tenant, API: true, Param: "evidence", Handler: s.downloadEvidence, Op: &Op{ID: "downloadEvidence", Tag: "evidence",
			Summary: "The evidence file, with the item's content_type; its SHA-256 is re-checked first and sent in X-Evidence-SHA256 (409 for an item held elsewhere)", Download: "*/*", Errors: []int{fiber.StatusConflict}}},
		{Method: "POST", Path: "/api/v1/evidence/:id/custody", Access: Tenant, API: true, Param: "evidence", Handler: s.apiAddCustody, Op: &Op{ID: "addCustodyEvent", Tag: "evidence",
			Summary: "Record a custody event (collected, transferred, analysed, returned) with who, when and why", Body: apiCustodyInput{}, Status: fiber.StatusCreated, Out: evidence.CustodyEvent{}, Errors: []int{fiber.StatusConflict}}},
	}
}

// uploadEvidence takes a multipart upload. A missing file still goes
// through the service, so a foreign case answers 404 before "file is
// required". The client's file name is only a display name: the service
// sanitises it and the bytes go into the database, never to a path.
func (s *Server) uploadEvidence(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var name string
	var r io.Reader
	if fh, ferr := c.FormFile("file"); ferr == nil {
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		name, r = fh.Filename, f
	}
	if _, err := s.deps.Evidence.Upload(c.UserContext(), principal(c), id, name, r, c.FormValue("description")); err != nil {
		// A file with card data is not stored: the page says why and
		// offers to record it as held by the forensic investigator,
		// with its name, hash and size filled in.
		var cde *evidence.CardDataError
		if errors.As(err, &cde) {
			pg := s.newPage(c, "evidence.held_title", "")
			pg.Form = map[string]string{"filename": cde.Filename, "sha256": cde.SHA256, "size_bytes": strconv.FormatInt(cde.SizeBytes, 10),
				"description": c.FormValue("description")}
			pg.Data = heldPageData{CaseID: id, Refused: cde}
			return s.render(c, fiber.StatusUnprocessableEntity, "evidence_held", pg)
		}
		return err
	}
	s.flash(c, "flash.evidence_uploaded")
	return c.Redirect(fmt.Sprintf("/cases/%d#evidence", id), fiber.StatusSeeOther)
}

// heldPageData is the page for recording an item held elsewhere; Refused
// is the upload it replaces, when there was one.
type heldPageData struct {
	CaseID  int64
	Refused *evidence.CardDataError
}

func (s *Server) heldEvidenceForm(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.deps.Cases.Get(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	pg := s.newPage(c, "evidence.held_title", "")
	pg.Data = heldPageData{CaseID: id}
	return s.render(c, fiber.StatusOK, "evidence_held", pg)
}

func (s *Server) recordHeldEvidence(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := evidence.HeldInput{Filename: c.FormValue("filename"), SHA256: c.FormValue("sha256"), HeldBy: c.FormValue("held_by"),
		Description: c.FormValue("description")}
	pg := s.newPage(c, "evidence.held_title", "")
	size, serr := strconv.ParseInt(strings.TrimSpace(c.FormValue("size_bytes")), 10, 64)
	if serr != nil {
		pg.Errors["size_bytes"] = pg.T("validation.positive_number")
	}
	in.SizeBytes = size
	if len(pg.Errors) == 0 {
		it, err := s.deps.Evidence.RecordHeld(c.UserContext(), principal(c), id, in)
		if err == nil {
			s.flash(c, "flash.evidence_held")
			return c.Redirect(fmt.Sprintf("/evidence/%d", it.ID), fiber.StatusSeeOther)
		}
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
	}
	for _, k := range []string{"filename", "sha256", "size_bytes", "held_by", "description"} {
		pg.Form[k] = c.FormValue(k)
	}
	pg.Data = heldPageData{CaseID: id}
	return s.render(c, fiber.StatusUnprocessableEntity, "evidence_held", pg)
}

type evidencePageData struct {
	Item     evidence.Item
	Custody  []evidence.CustodyEvent
	Register []evidence.Item // the case's other items, to move between them
	Kinds    []string
	MaxSize  string
}

func (s *Server) evidencePage(c *fiber.Ctx) error {
	return s.renderEvidence(c, fiber.StatusOK, nil)
}

// renderEvidence shows an item and its custody chain, with a failed
// custody form's errors and values when pg carries them.
func (s *Server) renderEvidence(c *fiber.Ctx, status int, pg *Page) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	it, err := s.deps.Evidence.Get(ctx, p, id)
	if err != nil {
		return err
	}
	d := evidencePageData{Item: it, Kinds: evidence.Kinds, MaxSize: evidence.FormatSize(s.deps.Evidence.MaxBytes())}
	if d.Custody, err = s.deps.Evidence.Custody(ctx, p, id); err != nil {
		return err
	}
	if d.Register, err = s.deps.Evidence.List(ctx, p, it.CaseID); err != nil {
		return err
	}
	if pg == nil {
		pg = s.newPage(c, "evidence.title", "")
	}
	pg.Title = pg.T("evidence.title") + ": " + it.Filename
	pg.Data = d
	return s.render(c, status, "evidence", pg)
}

// downloadEvidence sends the file as an attachment with the sniffed type.
// nosniff and a sandboxing CSP keep a browser from running an uploaded
// HTML or SVG file in our origin even if it ignores the attachment.
func (s *Server) downloadEvidence(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	it, data, err := s.deps.Evidence.Open(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, it.ContentType)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(it.Filename))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Evidence-SHA256", it.SHA256.Hex())
	return c.Send(data)
}

// contentDisposition names the download with RFC 5987 encoding, which
// carries any UTF-8 name (Japanese file names are common) and cannot break
// out of the header value.
func contentDisposition(name string) string {
	var b strings.Builder
	b.WriteString("attachment; filename*=UTF-8''")
	for _, c := range []byte(name) {
		if isAttrChar(c) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// isAttrChar is RFC 5987's attr-char: what may appear unescaped.
func isAttrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}

func (s *Server) addCustody(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	// An unreadable time goes in as zero, so the service still checks
	// tenancy and the other fields; its "is required" is then replaced by
	// the reason the time was refused.
	at, timeOK := s.evidenceTime(c, c.FormValue("occurred_at"))
	_, err = s.deps.Evidence.AddCustody(ctx, p, id, c.FormValue("kind"), at, c.FormValue("handler"), c.FormValue("reason"))
	var ve *apperr.ValidationError
	if errors.As(err, &ve) && !timeOK {
		for i, f := range ve.Fields {
			if f.Field == "occurred_at" {
				ve.Fields[i] = apperr.FieldError{Field: f.Field, Code: badTimeCode}
			}
		}
	}
	if err == nil {
		s.flash(c, "flash.evidence_custody_added")
		return c.Redirect(fmt.Sprintf("/evidence/%d", id), fiber.StatusSeeOther)
	}
	pg := s.newPage(c, "evidence.title", "")
	if err := fieldErrors(pg, err); err != nil {
		return err
	}
	for _, f := range []string{"kind", "occurred_at", "handler", "reason"} {
		pg.Form[f] = c.FormValue(f)
	}
	return s.renderEvidence(c, fiber.StatusUnprocessableEntity, pg)
}

// evidenceTime reads a custody time: RFC 3339 from scripts, or an HTML
// datetime-local value meant in the organisation's time zone, since that
// is the clock the team reads. An empty
// value is zero and ok (the service says it is required); false means
// the value could not be read.
func (s *Server) evidenceTime(c *fiber.Ctx, raw string) (time.Time, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return time.Time{}, true // the service reports it as required
	}
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return t, true
	}
	loc := principal(c).Organisation.Location()
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, raw, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// badTimeCode says a form's date and time could not be read.
const badTimeCode = "validation.local_time"

// evidenceList answers GET /api/v1/cases/{id}/evidence.
type evidenceList struct {
	Evidence []evidence.Item `json:"evidence"`
	listMeta
}

func (s *Server) apiListEvidence(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var q listQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	items, err := s.deps.Evidence.List(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	// A case's register is short and loaded whole.
	list, meta := page(nonNil(items), q)
	return c.JSON(evidenceList{Evidence: list, listMeta: meta})
}

// evidenceUploadQuery is what POST /api/v1/cases/{id}/evidence takes
// beside the file. The name may be long (a path from a script): the
// service keeps its last element, cut to 255 characters, so the limit
// here is only the request line's.
type evidenceUploadQuery struct {
	Filename    string `query:"filename" maxLength:"4000" doc:"the file's name; only its last path element is kept, cut to 255 characters"`
	Description string `query:"description" maxLength:"2000" doc:"what the file is; card numbers are reduced to brand and last 4 digits"`
}

// apiUploadEvidence takes the raw request body as the file, so scripts can
// send a file without building a multipart form.
func (s *Server) apiUploadEvidence(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var q evidenceUploadQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	it, err := s.deps.Evidence.Upload(c.UserContext(), principal(c), id, q.Filename, bytes.NewReader(c.Body()), q.Description)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(it)
}

// apiRecordHeldEvidence records an item held elsewhere from JSON
// (evidence.HeldInput).
func (s *Server) apiRecordHeldEvidence(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in evidence.HeldInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	it, err := s.deps.Evidence.RecordHeld(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(it)
}

// apiEvidence answers GET /api/v1/evidence/{id}: an item with its chain
// of custody.
type apiEvidence struct {
	evidence.Item
	Custody []evidence.CustodyEvent `json:"custody" doc:"the chain of custody in event order"`
}

func (s *Server) apiGetEvidence(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	it, err := s.deps.Evidence.Get(ctx, p, id)
	if err != nil {
		return err
	}
	chain, err := s.deps.Evidence.Custody(ctx, p, id)
	if err != nil {
		return err
	}
	return c.JSON(apiEvidence{Item: it, Custody: nonNil(chain)})
}

// apiCustodyInput is the body of POST /api/v1/evidence/{id}/custody. The
// time is text, so a bad one is a 422 naming occurred_at rather than a
// JSON decoding failure.
type apiCustodyInput struct {
	Kind       string `json:"kind" required:"true" enum:"custody_kind"`
	OccurredAt string `json:"occurred_at" required:"true" format:"date-time" doc:"when it happened (RFC 3339); not in the future"`
	Handler    string `json:"handler" required:"true" maxLength:"200" doc:"who had the item"`
	Reason     string `json:"reason" required:"true" maxLength:"2000"`
}

func (s *Server) apiAddCustody(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	// Tenancy first: a foreign id answers 404 whatever the body holds.
	if _, err := s.deps.Evidence.Get(ctx, p, id); err != nil {
		return err
	}
	var in apiCustodyInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	var at time.Time
	if raw := strings.TrimSpace(in.OccurredAt); raw != "" {
		if at, err = time.Parse(time.RFC3339, raw); err != nil {
			return apperr.Invalid("occurred_at", "validation.rfc3339")
		}
	}
	ev, err := s.deps.Evidence.AddCustody(ctx, p, id, in.Kind, at, in.Handler, in.Reason)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ev)
}
