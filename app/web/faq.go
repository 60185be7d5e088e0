package web

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/inquiries"
)

// faqEntryView is one entry's form: the stored text, or what a failed
// save sent with its errors.
type faqEntryView struct {
	inquiries.FAQEntry
	Form   map[string]string
	Errors map[string]string
	First  bool
	Last   bool
}

type faqPageData struct {
	Case    cases.Case
	Entries []faqEntryView
	// New is the add form's values and errors after a failed add.
	New faqEntryView
}

var faqFields = []string{"question_ja", "answer_ja", "question_en", "answer_en"}

func (s *Server) faqPage(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.renderFAQ(c, id, fiber.StatusOK, -1, nil)
}

// renderFAQ shows the FAQ editor. failed names the entry whose save
// failed (0: the add form, -1: none) and err its validation error.
func (s *Server) renderFAQ(c *fiber.Ctx, caseID int64, status int, failed int64, verr error) error {
	ctx, p := c.UserContext(), principal(c)
	cs, err := s.deps.Cases.Get(ctx, p, caseID)
	if err != nil {
		return err
	}
	entries, err := s.deps.Inquiries.FAQ(ctx, p, caseID)
	if err != nil {
		return err
	}
	pg := s.newPage(c, "", "dashboard")
	if verr != nil {
		if err := fieldErrors(pg, verr); err != nil {
			return err
		}
	}
	sent := map[string]string{}
	for _, f := range faqFields {
		sent[f] = c.FormValue(f)
	}
	d := faqPageData{Case: cs, New: faqEntryView{Form: map[string]string{}, Errors: map[string]string{}}}
	if failed == 0 {
		d.New.Form, d.New.Errors = sent, pg.Errors
	}
	for i, e := range entries {
		v := faqEntryView{FAQEntry: e, Errors: map[string]string{}, First: i == 0, Last: i == len(entries)-1,
			Form: map[string]string{"question_ja": e.QuestionJA, "answer_ja": e.AnswerJA, "question_en": e.QuestionEN, "answer_en": e.AnswerEN}}
		if e.ID == failed {
			v.Form, v.Errors = sent, pg.Errors
		}
		d.Entries = append(d.Entries, v)
	}
	pg.Title = cs.Reference + " · " + pg.T("faq.title")
	pg.Data = d
	return s.render(c, status, "faq", pg)
}

func faqInput(c *fiber.Ctx) inquiries.FAQInput {
	return inquiries.FAQInput{QuestionJA: c.FormValue("question_ja"), AnswerJA: c.FormValue("answer_ja"), QuestionEN: c.FormValue("question_en"), AnswerEN: c.FormValue("answer_en")}
}

func (s *Server) addFAQ(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	e, err := s.deps.Inquiries.AddFAQ(c.UserContext(), principal(c), id, faqInput(c))
	if err != nil {
		return s.faqFailed(c, id, 0, err)
	}
	s.flash(c, "flash.faq_added")
	return c.Redirect(fmt.Sprintf("/cases/%d/faq#faq-%d", id, e.ID), fiber.StatusSeeOther)
}

// faqFailed shows the editor again with a validation error at the form
// that caused it; other errors go to the error handler.
func (s *Server) faqFailed(c *fiber.Ctx, caseID, entry int64, err error) error {
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	return s.renderFAQ(c, caseID, fiber.StatusUnprocessableEntity, entry, err)
}

func (s *Server) updateFAQ(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	cur, err := s.deps.Inquiries.GetFAQ(ctx, p, id)
	if err != nil {
		return err
	}
	if _, err := s.deps.Inquiries.UpdateFAQ(ctx, p, id, faqInput(c)); err != nil {
		return s.faqFailed(c, cur.CaseID, id, err)
	}
	s.flash(c, "flash.faq_saved")
	return c.Redirect(fmt.Sprintf("/cases/%d/faq#faq-%d", cur.CaseID, id), fiber.StatusSeeOther)
}

func (s *Server) moveFAQ(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	delta := 1
	if c.FormValue("direction") == "up" {
		delta = -1
	}
	e, err := s.deps.Inquiries.MoveFAQ(c.UserContext(), principal(c), id, delta)
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/cases/%d/faq#faq-%d", e.CaseID, e.ID), fiber.StatusSeeOther)
}

func (s *Server) deleteFAQ(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	e, err := s.deps.Inquiries.DeleteFAQ(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	s.flash(c, "flash.faq_deleted")
	return c.Redirect(fmt.Sprintf("/cases/%d/faq", e.CaseID), fiber.StatusSeeOther)
}

// faqLang is the export's language: ?lang=, else the reader's.
func (s *Server) faqLang(c *fiber.Ctx) string {
	if l := c.Query("lang"); l != "" {
		return l
	}
	return s.lang(c)
}

func (s *Server) faqPDF(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	out, err := s.deps.Inquiries.FAQPDF(c.UserContext(), principal(c), id, s.faqLang(c))
	if err != nil {
		return err
	}
	return sendExport(c, out)
}

func (s *Server) faqCSV(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	out, err := s.deps.Inquiries.FAQCSV(c.UserContext(), principal(c), id, s.faqLang(c))
	if err != nil {
		return err
	}
	return sendExport(c, out)
}
