package web

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/letters"
)

func (s *Server) letterRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/cases/:id/letters", Access: Tenant, Param: "case", Handler: s.lettersPage},
		{Method: "POST", Path: "/cases/:id/letters", Access: Tenant, Param: "case", Handler: s.createBatch},
		{Method: "POST", Path: "/cases/:id/bounces", Access: Tenant, Param: "case", Handler: s.uploadBounces},
		{Method: "GET", Path: "/letter-batches/:id", Access: Tenant, Param: "letter_batch", Handler: s.batchPage},
		{Method: "GET", Path: "/letter-files/:id/pdf", Access: Tenant, Param: "letter_file", Handler: s.letterFilePDF},
		{Method: "POST", Path: "/letter-files/:id/posted", Access: Tenant, Param: "letter_file", Handler: s.letterFilePosted},

		{Method: "POST", Path: "/api/v1/cases/:id/letter-batches", Access: Tenant, API: true, Param: "case", Handler: s.apiCreateBatch, Op: &Op{ID: "createLetterBatch", Tag: "letters",
			Summary: "Send the approved customer letter to the case's persons, by e-mail or as print-ready PDFs; 202 with the batch, which background jobs then work (409 while letters of the case are still being sent)", Body: letters.NewBatch{}, Status: fiber.StatusAccepted, Out: letters.Batch{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "GET", Path: "/api/v1/cases/:id/letter-batches", Access: Tenant, API: true, Param: "case", Handler: s.apiBatches, Op: &Op{ID: "listLetterBatches", Tag: "letters",
			Summary: "The case's letter batches", Query: listQuery{}, Out: letterBatchList{}}},
		{Method: "GET", Path: "/api/v1/letter-batches/:id", Access: Tenant, API: true, Param: "letter_batch", Handler: s.apiBatch, Op: &Op{ID: "getLetterBatch", Tag: "letters",
			Summary: "A batch with its letters counted by state, its print files and its retry state", Out: letterBatchOne{}}},
		{Method: "GET", Path: "/api/v1/letter-files/:id/pdf", Access: Tenant, API: true, Param: "letter_file", Handler: s.letterFilePDF, Op: &Op{ID: "getLetterFilePDF", Tag: "letters",
			Summary: "A print-ready PDF of letters (audited as an export; its SHA-256 is checked first)", Download: "application/pdf"}},
		{Method: "POST", Path: "/api/v1/cases/:id/bounces", Access: Tenant, API: true, Param: "case", Handler: s.apiBounces, Op: &Op{ID: "recordBounces", Tag: "letters",
			Summary: "Record bounced e-mails, as JSON or as a CSV bounce list (a header naming the e-mail column, optionally a reason column): persons are marked bounced and their letters go to print", Body: bounceList{}, Upload: "text/csv", Out: letters.BounceResult{}}},
	}
}

// letterBatchList answers GET /api/v1/cases/{id}/letter-batches.
type letterBatchList struct {
	Batches []letters.Batch `json:"batches"`
	listMeta
}

// letterBatchOne answers GET /api/v1/letter-batches/{id}: the batch with what
// its page shows, so a client can follow it to the end.
type letterBatchOne struct {
	Batch  letters.Batch  `json:"batch"`
	Counts letters.Counts `json:"counts"`
	Files  []letters.File `json:"files"`
	Retry  letters.Retry  `json:"retry"`
}

// bounceList is the JSON body of POST /api/v1/cases/{id}/bounces, e.g.
// from a mail provider's webhook.
type bounceList struct {
	Bounces []letters.Bounce `json:"bounces" required:"true"`
}

type lettersPageData struct {
	Case     cases.Case
	Letters  []drafts.Document // approved customer letters
	Batches  []batchSummary
	Form     letters.NewBatch
	Bounces  *letters.BounceResult
	NotReady bool // no approved letter yet
	// EmailOff is set when this server has no SMTP server: the page says
	// so before a batch starts, and offers post only.
	EmailOff bool
}

type batchSummary struct {
	letters.Batch
	Counts letters.Counts
}

func (s *Server) lettersPageWith(c *fiber.Ctx, status int, pg *Page, form letters.NewBatch, bounces *letters.BounceResult) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	cs, err := s.deps.Cases.Get(ctx, p, id)
	if err != nil {
		return err
	}
	docs, err := s.deps.Drafts.List(ctx, p, id)
	if err != nil {
		return err
	}
	d := lettersPageData{Case: cs, Form: form, Bounces: bounces, EmailOff: !s.deps.Letters.EmailOn()}
	if d.EmailOff {
		d.Form.Channel = letters.ChannelPrint // the e-mail choice is disabled
	}
	for _, doc := range docs {
		if doc.Kind == letters.LetterKind && (doc.Status == drafts.StatusApproved || doc.Status == drafts.StatusSubmitted) {
			d.Letters = append(d.Letters, doc)
		}
	}
	d.NotReady = len(d.Letters) == 0
	batches, err := s.deps.Letters.List(ctx, p, id)
	if err != nil {
		return err
	}
	for _, b := range batches {
		_, counts, err := s.deps.Letters.Progress(ctx, p, b.ID)
		if err != nil {
			return err
		}
		d.Batches = append(d.Batches, batchSummary{b, counts})
	}
	pg.Title = cs.Reference + " · " + pg.T("letters.title")
	pg.Data = d
	return s.render(c, status, "letters", pg)
}

func (s *Server) lettersPage(c *fiber.Ctx) error {
	return s.lettersPageWith(c, fiber.StatusOK, s.newPage(c, "", "dashboard"), letters.NewBatch{Channel: letters.ChannelEmail, Selection: letters.SelectNotNotified}, nil)
}

func batchForm(c *fiber.Ctx) letters.NewBatch {
	docID, _ := formID(c, "document_id")
	return letters.NewBatch{DocumentID: docID, Channel: c.FormValue("channel"), AttachPDF: c.FormValue("attach_pdf") == "on",
		Selection: c.FormValue("selection"), Search: c.FormValue("search"), SameLanguage: c.FormValue("same_language") == "on"}
}

func (s *Server) createBatch(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	form := batchForm(c)
	b, err := s.deps.Letters.Create(c.UserContext(), principal(c), id, form)
	if err != nil {
		pg := s.newPage(c, "", "dashboard")
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		// 422 for a form error, 409 for a refusal (a drill sends nothing).
		return s.lettersPageWith(c, statusOf(err), pg, form, nil)
	}
	return c.Redirect(fmt.Sprintf("/letter-batches/%d", b.ID), fiber.StatusSeeOther)
}

func (s *Server) uploadBounces(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var res letters.BounceResult
	fh, ferr := c.FormFile("file")
	if ferr != nil {
		err = apperr.Invalid("file", "validation.choose_bounces")
	} else {
		f, oerr := fh.Open()
		if oerr != nil {
			return oerr
		}
		defer f.Close()
		var list []letters.Bounce
		if list, err = letters.ParseBounces(f); err == nil {
			res, err = s.deps.Letters.RecordBounces(c.UserContext(), principal(c), id, list)
		}
	}
	pg := s.newPage(c, "", "dashboard")
	form := letters.NewBatch{Channel: letters.ChannelEmail, Selection: letters.SelectNotNotified}
	if err != nil {
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		return s.lettersPageWith(c, fiber.StatusUnprocessableEntity, pg, form, nil)
	}
	return s.lettersPageWith(c, fiber.StatusOK, pg, form, &res)
}

type batchPageData struct {
	Batch    letters.Batch
	Counts   letters.Counts
	Files    []letters.File
	Problems []letters.LetterRow
	Case     cases.Case
	Bar      []barSegment
	// Retry says why a running batch stands still: e-mails waiting for
	// a retry after a temporary failure.
	Retry letters.Retry
}

func (s *Server) batchPage(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	b, counts, err := s.deps.Letters.Progress(ctx, p, id)
	if err != nil {
		return err
	}
	cs, err := s.deps.Cases.Get(ctx, p, b.CaseID)
	if err != nil {
		return err
	}
	files, err := s.deps.Letters.Files(ctx, p, id)
	if err != nil {
		return err
	}
	problems, err := s.deps.Letters.Problems(ctx, p, id, 200)
	if err != nil {
		return err
	}
	retry, err := s.deps.Letters.RetryState(ctx, p, id)
	if err != nil {
		return err
	}
	pg := s.newPage(c, "", "dashboard")
	pg.Title = fmt.Sprintf("%s · %s #%d", cs.Reference, pg.T("letters.batch"), b.ID)
	pg.Data = batchPageData{Batch: b, Counts: counts, Files: files, Problems: problems, Case: cs, Bar: progressBar(counts), Retry: retry}
	return s.render(c, fiber.StatusOK, "letter_batch", pg)
}

func (s *Server) letterFilePDF(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := s.deps.Letters.FilePDF(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="letters-%d-%d-%d.pdf"`, f.BatchID, f.Chunk, f.ID))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(f.PDF)
}

func (s *Server) letterFilePosted(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := s.deps.Letters.MarkPosted(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/letter-batches/%d", f.BatchID), fiber.StatusSeeOther)
}

func (s *Server) apiCreateBatch(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in letters.NewBatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	b, err := s.deps.Letters.Create(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(b)
}

func (s *Server) apiBatches(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var q listQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	list, err := s.deps.Letters.List(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	items, meta := page(nonNil(list), q)
	return c.JSON(letterBatchList{Batches: items, listMeta: meta})
}

func (s *Server) apiBatch(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	b, counts, err := s.deps.Letters.Progress(ctx, p, id)
	if err != nil {
		return err
	}
	files, err := s.deps.Letters.Files(ctx, p, id)
	if err != nil {
		return err
	}
	retry, err := s.deps.Letters.RetryState(ctx, p, id)
	if err != nil {
		return err
	}
	return c.JSON(letterBatchOne{Batch: b, Counts: counts, Files: nonNil(files), Retry: retry})
}

// apiBounces takes {"bounces":[{"email","reason"}]} as JSON, or a bounce
// list as CSV (Content-Type text/csv), e.g. from a mail provider's webhook.
func (s *Server) apiBounces(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var list []letters.Bounce
	if strings.HasPrefix(string(c.Request().Header.ContentType()), "text/csv") {
		if list, err = letters.ParseBounces(bytes.NewReader(c.Body())); err != nil {
			return err
		}
	} else {
		var in bounceList
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
		list = in.Bounces
	}
	res, err := s.deps.Letters.RecordBounces(c.UserContext(), principal(c), id, list)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// barSegment is one coloured part of a batch's progress bar.
type barSegment struct {
	Key   string // letters.state.<Key> names it
	N     int
	X, W  float64 // percent of the bar
	Class string
}

// progressBar splits a batch's letters into segments for the stacked bar
// on the batch page; each segment also appears as text in the legend, so
// colour is never the only signal.
func progressBar(c letters.Counts) []barSegment {
	parts := []barSegment{{Key: "sent", N: c.Sent, Class: "seg-sent"}, {Key: "printed", N: c.Printed, Class: "seg-printed"},
		{Key: "failed", N: c.Failed, Class: "seg-failed"}, {Key: "no_address", N: c.NoAddress, Class: "seg-none"},
		{Key: "pending", N: c.Pending, Class: "seg-pending"}}
	if c.Total == 0 {
		return parts
	}
	x := 0.0
	for i := range parts {
		parts[i].X = x
		parts[i].W = float64(parts[i].N) * 100 / float64(c.Total)
		x += parts[i].W
	}
	return parts
}
