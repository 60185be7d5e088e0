package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/inquiries"
)

type inquiryPageData struct {
	inquiryChoices
	Case    cases.Case
	Inquiry inquiries.Inquiry
	// Person is the affected person the caller is linked to.
	Person *inquiries.Person
	// Matches are the candidates of a lookup; Looked says one was made.
	Matches []inquiries.Person
	Looked  bool
	Lookup  string
}

func (s *Server) inquiryPage(c *fiber.Ctx) error {
	return s.renderInquiry(c, fiber.StatusOK, nil, nil)
}

// renderInquiry shows one inquiry with its edit, answer, caller-check and
// promote forms. pg carries a failed form's errors and values; d the
// result of a lookup.
func (s *Server) renderInquiry(c *fiber.Ctx, status int, pg *Page, d *inquiryPageData) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	it, err := s.deps.Inquiries.Get(ctx, p, id)
	if err != nil {
		return err
	}
	cs, err := s.deps.Cases.Get(ctx, p, it.CaseID)
	if err != nil {
		return err
	}
	if d == nil {
		d = &inquiryPageData{}
	}
	d.inquiryChoices, d.Case, d.Inquiry = choices, cs, it
	if d.Person, err = s.deps.Inquiries.LinkedPerson(ctx, p, it); err != nil {
		return err
	}
	if !d.Looked && d.Lookup == "" {
		d.Lookup = it.CallerContact
	}
	if pg == nil {
		pg = s.newPage(c, "", "dashboard")
	}
	// The forms start from the stored values; what a failed submission
	// sent is shown instead.
	stored := map[string]string{"received_at": pg.InputTime(&it.ReceivedAt), "channel": it.Channel, "caller_name": it.CallerName,
		"caller_contact": it.CallerContact, "affected": it.Affected, "question": it.Question, "answer": it.Answer,
		"category": it.Category, "taken_by": it.TakenBy, "status": it.Status}
	for k, v := range stored {
		if _, sent := pg.Form[k]; !sent {
			pg.Form[k] = v
		}
	}
	pg.Title = fmt.Sprintf("%s · %s #%d", cs.Reference, pg.T("inquiry.one"), it.ID)
	pg.Data = *d
	return s.render(c, status, "inquiry", pg)
}

// inquiryResult goes back to the inquiry on success, or shows it again
// with the errors next to their fields and the values typed.
func (s *Server) inquiryResult(c *fiber.Ctx, err error, flash, anchor string) error {
	id, _ := pathID(c)
	if err == nil {
		s.flash(c, flash)
		return c.Redirect(fmt.Sprintf("/inquiries/%d#%s", id, anchor), fiber.StatusSeeOther)
	}
	pg := s.newPage(c, "", "dashboard")
	if err := fieldErrors(pg, err); err != nil {
		return err
	}
	for _, f := range inquiryFormFields {
		if c.Request().PostArgs().Has(f) {
			pg.Form[f] = c.FormValue(f)
		}
	}
	return s.renderInquiry(c, fiber.StatusUnprocessableEntity, pg, nil)
}

func (s *Server) updateInquiry(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	at, ok := s.evidenceTime(c, c.FormValue("received_at"))
	if !ok || at.IsZero() {
		return s.inquiryResult(c, apperr.Invalid("received_at", badTimeCode), "", "")
	}
	val := func(k string) *string { v := c.FormValue(k); return &v }
	pt := inquiries.Patch{ReceivedAt: &at, Channel: val("channel"), CallerName: val("caller_name"), CallerContact: val("caller_contact"),
		Affected: val("affected"), Question: val("question"), Answer: val("answer"), Category: val("category"), TakenBy: val("taken_by"), Status: val("status")}
	saved, err := s.deps.Inquiries.Update(c.UserContext(), principal(c), id, pt)
	return s.inquiryResult(c, err, maskedFlash("flash.inquiry_saved", saved.MaskedCardNumbers), "edit")
}

func (s *Server) answerInquiry(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	saved, err := s.deps.Inquiries.Answer(c.UserContext(), principal(c), id, c.FormValue("answer"))
	return s.inquiryResult(c, err, maskedFlash("flash.inquiry_answered", saved.MaskedCardNumbers), "answer")
}

// lookupCaller checks the caller against the affected list. It is a POST
// so the e-mail address or phone number never ends up in a URL (browser
// history, proxy logs); it changes nothing.
func (s *Server) lookupCaller(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	it, err := s.deps.Inquiries.Get(ctx, p, id)
	if err != nil {
		return err
	}
	key := strings.TrimSpace(c.FormValue("lookup"))
	matches, err := s.deps.Inquiries.Lookup(ctx, p, it.CaseID, key)
	if err != nil {
		pg := s.newPage(c, "", "dashboard")
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		return s.renderInquiry(c, fiber.StatusUnprocessableEntity, pg, &inquiryPageData{Looked: true, Lookup: key})
	}
	return s.renderInquiry(c, fiber.StatusOK, nil, &inquiryPageData{Matches: matches, Looked: true, Lookup: key})
}

// linkCaller links the caller to a person found by a lookup, or removes
// the link when person_id is empty.
func (s *Server) linkCaller(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var personID int64
	if raw := c.FormValue("person_id"); raw != "" {
		if personID, err = strconv.ParseInt(raw, 10, 64); err != nil || personID <= 0 {
			return s.inquiryResult(c, apperr.Invalid("person_id", "validation.positive_number"), "", "caller")
		}
	}
	_, err = s.deps.Inquiries.LinkPerson(c.UserContext(), principal(c), id, personID)
	flash := "flash.inquiry_linked"
	if personID == 0 {
		flash = "flash.inquiry_unlinked"
	}
	return s.inquiryResult(c, err, flash, "caller")
}

// promoteInquiry starts an FAQ entry from the inquiry and opens the FAQ
// editor at it, where staff remove anything personal before it is used.
func (s *Server) promoteInquiry(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	e, err := s.deps.Inquiries.Promote(c.UserContext(), principal(c), id, c.FormValue("lang"))
	if err != nil {
		return s.inquiryResult(c, err, "", "")
	}
	s.flash(c, "flash.faq_promoted")
	return c.Redirect(fmt.Sprintf("/cases/%d/faq#faq-%d", e.CaseID, e.ID), fiber.StatusSeeOther)
}
