package web

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/inquiries"
)

// inquiryRoutes are the call centre: the inquiry log, the FAQ sheet
// (faq.go) and their exports, and the JSON API (inquiries_api.go).
func (s *Server) inquiryRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/cases/:id/inquiries", Access: Tenant, Param: "case", Handler: s.inquiriesPage},
		{Method: "POST", Path: "/cases/:id/inquiries", Access: Tenant, Param: "case", Handler: s.createInquiry},
		{Method: "GET", Path: "/cases/:id/inquiries/csv", Access: Tenant, Param: "case", Handler: s.inquiriesCSV},
		{Method: "GET", Path: "/inquiries/:id", Access: Tenant, Param: "inquiry", Handler: s.inquiryPage},
		{Method: "POST", Path: "/inquiries/:id", Access: Tenant, Param: "inquiry", Handler: s.updateInquiry},
		{Method: "POST", Path: "/inquiries/:id/answer", Access: Tenant, Param: "inquiry", Handler: s.answerInquiry},
		{Method: "POST", Path: "/inquiries/:id/lookup", Access: Tenant, Param: "inquiry", Handler: s.lookupCaller},
		{Method: "POST", Path: "/inquiries/:id/person", Access: Tenant, Param: "inquiry", Handler: s.linkCaller},
		{Method: "POST", Path: "/inquiries/:id/promote", Access: Tenant, Param: "inquiry", Handler: s.promoteInquiry},

		{Method: "GET", Path: "/cases/:id/faq", Access: Tenant, Param: "case", Handler: s.faqPage},
		{Method: "POST", Path: "/cases/:id/faq", Access: Tenant, Param: "case", Handler: s.addFAQ},
		{Method: "GET", Path: "/cases/:id/faq/pdf", Access: Tenant, Param: "case", Handler: s.faqPDF},
		{Method: "GET", Path: "/cases/:id/faq/csv", Access: Tenant, Param: "case", Handler: s.faqCSV},
		{Method: "POST", Path: "/faq/:id", Access: Tenant, Param: "faq_entry", Handler: s.updateFAQ},
		{Method: "POST", Path: "/faq/:id/move", Access: Tenant, Param: "faq_entry", Handler: s.moveFAQ},
		{Method: "POST", Path: "/faq/:id/delete", Access: Tenant, Param: "faq_entry", Handler: s.deleteFAQ},

		{Method: "GET", Path: "/api/v1/cases/:id/inquiries", Access: Tenant, API: true, Param: "case", Handler: s.apiListInquiries, Op: &Op{ID: "listInquiries", Tag: "inquiries",
			Summary: "The call centre's inquiry log, newest first, filtered by status, affected and category, with the case's counts (by status, by affected and by category)", Query: inquiryListQuery{}, Out: inquiryList{}}},
		{Method: "POST", Path: "/api/v1/cases/:id/inquiries", Access: Tenant, API: true, Param: "case", Handler: s.apiCreateInquiry, Op: &Op{ID: "createInquiry", Tag: "inquiries",
			Summary: "Log an inquiry; card numbers in any text are reduced to brand and last 4 digits", Body: apiInquiryInput{}, Status: fiber.StatusCreated, Out: inquirySaved{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "GET", Path: "/api/v1/inquiries/:id", Access: Tenant, API: true, Param: "inquiry", Handler: s.apiGetInquiry, Op: &Op{ID: "getInquiry", Tag: "inquiries",
			Summary: "One inquiry with the affected person it is linked to", Out: inquiryOne{}}},
		{Method: "PATCH", Path: "/api/v1/inquiries/:id", Access: Tenant, API: true, Param: "inquiry", Handler: s.apiPatchInquiry, Op: &Op{ID: "updateInquiry", Tag: "inquiries",
			Summary: "Change some fields of an inquiry: fields left out (or null) stay as they are", Body: apiInquiryPatch{}, Out: inquirySaved{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "POST", Path: "/api/v1/inquiries/:id/answer", Access: Tenant, API: true, Param: "inquiry", Handler: s.apiAnswerInquiry, Op: &Op{ID: "answerInquiry", Tag: "inquiries",
			Summary: "Record the answer given and mark the inquiry answered", Body: inquiryAnswer{}, Out: inquirySaved{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "GET", Path: "/api/v1/cases/:id/faq", Access: Tenant, API: true, Param: "case", Handler: s.apiListFAQ, Op: &Op{ID: "listFAQEntries", Tag: "inquiries",
			Summary: "The case's curated call-centre FAQ entries in order", Query: listQuery{}, Out: apiFAQList{}}},
		{Method: "POST", Path: "/api/v1/cases/:id/faq", Access: Tenant, API: true, Param: "case", Handler: s.apiAddFAQ, Op: &Op{ID: "addFAQEntry", Tag: "inquiries",
			Summary: "Add an FAQ entry at the end (question and answer in Japanese, English or both); owner, manager or legal", Body: inquiries.FAQInput{}, Status: fiber.StatusCreated, Out: inquiries.FAQEntry{}, Errors: []int{fiber.StatusConflict}}},
	}
}

// inquiryChoices are the fixed values the forms offer.
type inquiryChoices struct {
	Channels, Affected, Statuses, Categories []string
}

var choices = inquiryChoices{Channels: inquiries.Channels, Affected: inquiries.AffectedValues, Statuses: inquiries.Statuses, Categories: inquiries.Categories}

type inquiriesPageData struct {
	inquiryChoices
	Case      cases.Case
	Inquiries []inquiries.Inquiry
	Total     int64
	Counts    inquiries.Counts
	Filter    inquiries.Filter
	// FilterQuery is the filter as a query string, for paging links.
	FilterQuery string
	Next, Prev  int
	// MatchDefault ticks "check the affected list" on a fresh form.
	MatchDefault bool
}

// Short cuts a question to one line of the list; the full text is on
// the inquiry's own page.
func (inquiriesPageData) Short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}

const inquiriesPageSize = 50

// inquiryFilter reads the list filter from the query string.
func inquiryFilter(c *fiber.Ctx) inquiries.Filter {
	offset, _ := strconv.Atoi(c.Query("offset"))
	return inquiries.Filter{Status: c.Query("status"), Affected: c.Query("affected"), Category: c.Query("category"), Limit: inquiriesPageSize, Offset: offset}
}

func (s *Server) inquiriesPage(c *fiber.Ctx) error {
	return s.renderInquiries(c, fiber.StatusOK, nil)
}

// renderInquiries shows the log, its counts and the form to log a new
// inquiry (with a failed submission's errors and values when pg has them).
func (s *Server) renderInquiries(c *fiber.Ctx, status int, pg *Page) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	cs, err := s.deps.Cases.Get(ctx, p, id)
	if err != nil {
		return err
	}
	if pg == nil {
		pg = s.newPage(c, "", "dashboard")
	}
	f := inquiryFilter(c)
	d := inquiriesPageData{inquiryChoices: choices, Case: cs, Filter: f, Next: -1, Prev: -1, MatchDefault: len(pg.Form) == 0}
	d.Inquiries, d.Total, err = s.deps.Inquiries.List(ctx, p, id, f)
	var ve *apperr.ValidationError
	if errors.As(err, &ve) {
		// A hand-edited filter in the address bar: show everything and say why.
		for _, fe := range ve.Fields {
			pg.Errors["filter_"+fe.Field] = pg.msgs.Message(pg.Lang, fe.Code, fe.Args...)
		}
		d.Filter = inquiries.Filter{Limit: inquiriesPageSize}
		d.Inquiries, d.Total, err = s.deps.Inquiries.List(ctx, p, id, d.Filter)
	}
	if err != nil {
		return err
	}
	if d.Counts, err = s.deps.Inquiries.Counts(ctx, p, id); err != nil {
		return err
	}
	q := url.Values{}
	for k, v := range map[string]string{"status": d.Filter.Status, "affected": d.Filter.Affected, "category": d.Filter.Category} {
		if v != "" {
			q.Set(k, v)
		}
	}
	d.FilterQuery = q.Encode()
	if d.Filter.Offset+inquiriesPageSize < int(d.Total) {
		d.Next = d.Filter.Offset + inquiriesPageSize
	}
	if d.Filter.Offset > 0 {
		d.Prev = max(d.Filter.Offset-inquiriesPageSize, 0)
	}
	pg.Title = cs.Reference + " · " + pg.T("inquiry.title")
	pg.Data = d
	return s.render(c, status, "inquiries", pg)
}

// inquiryFormFields are the form fields of an inquiry, shown again after
// a failed submission.
var inquiryFormFields = []string{"received_at", "channel", "caller_name", "caller_contact", "lookup", "match", "affected", "question", "answer", "category", "taken_by", "status"}

func (s *Server) createInquiry(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	at, timeOK := s.evidenceTime(c, c.FormValue("received_at"))
	in := inquiries.Input{ReceivedAt: at, Channel: c.FormValue("channel"), CallerName: c.FormValue("caller_name"), CallerContact: c.FormValue("caller_contact"),
		Affected: c.FormValue("affected"), Question: c.FormValue("question"), Answer: c.FormValue("answer"), Category: c.FormValue("category"),
		TakenBy: c.FormValue("taken_by"), Match: c.FormValue("match") != "", Lookup: c.FormValue("lookup")}
	var saved inquiries.Saved
	if timeOK {
		saved, err = s.deps.Inquiries.Create(c.UserContext(), principal(c), id, in)
	} else {
		// A zero time means "now" to the service, so an unreadable one
		// must stop here rather than be logged as the present moment.
		err = apperr.Invalid("received_at", badTimeCode)
	}
	if err != nil {
		pg := s.newPage(c, "", "dashboard")
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		for _, f := range inquiryFormFields {
			pg.Form[f] = c.FormValue(f)
		}
		return s.renderInquiries(c, fiber.StatusUnprocessableEntity, pg)
	}
	s.flash(c, maskedFlash("flash.inquiry_logged", saved.MaskedCardNumbers))
	// Asked to check the list but no single match: the desk picks from
	// the candidates on the inquiry's page.
	if in.Match && saved.Inquiry.PersonID == nil {
		return c.Redirect(fmt.Sprintf("/inquiries/%d#caller", saved.Inquiry.ID), fiber.StatusSeeOther)
	}
	return c.Redirect(fmt.Sprintf("/cases/%d/inquiries", id), fiber.StatusSeeOther)
}

// maskedFlash picks the flash that also says card numbers were masked.
func maskedFlash(key string, masked int) string {
	if masked > 0 {
		return key + "_masked"
	}
	return key
}

func (s *Server) inquiriesCSV(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f := inquiryFilter(c)
	out, err := s.deps.Inquiries.InquiriesCSV(c.UserContext(), principal(c), id, f, s.lang(c))
	if err != nil {
		return err
	}
	return sendExport(c, out)
}

// sendExport hands out an exported file as a download.
func sendExport(c *fiber.Ctx, out inquiries.Export) error {
	c.Set(fiber.HeaderContentType, out.ContentType)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(out.Filename))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(out.Data)
}
