package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/inquiries"
)

// apiInquiryInput is inquiries.Input with the time as text, so a bad time
// is a 422 naming received_at rather than a JSON decoding failure.
type apiInquiryInput struct {
	inquiries.Input
	ReceivedAt string `json:"received_at"`
}

// apiTime reads an optional RFC 3339 time.
func apiTime(field, raw string) (*time.Time, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		return nil, apperr.Invalid(field, "validation.rfc3339")
	}
	return &t, nil
}

// apiListInquiries lists a case's inquiries (?status=, ?affected=,
// ?category=, ?limit=, ?offset=) with the case's counts.
func (s *Server) apiListInquiries(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	f := inquiries.Filter{Status: c.Query("status"), Affected: c.Query("affected"), Category: c.Query("category"), Limit: c.QueryInt("limit"), Offset: c.QueryInt("offset")}
	list, total, err := s.deps.Inquiries.List(ctx, p, id, f)
	if err != nil {
		return err
	}
	counts, err := s.deps.Inquiries.Counts(ctx, p, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"inquiries": list, "total": total, "counts": counts})
}

func (s *Server) apiCreateInquiry(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiInquiryInput
	if err := c.BodyParser(&in); err != nil {
		return apperr.Invalid("body", "validation.json_inquiry")
	}
	at, err := apiTime("received_at", in.ReceivedAt)
	if err != nil {
		return err
	}
	if at != nil {
		in.Input.ReceivedAt = *at
	}
	saved, err := s.deps.Inquiries.Create(c.UserContext(), principal(c), id, in.Input)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"inquiry": saved.Inquiry, "masked_card_numbers": saved.MaskedCardNumbers})
}

func (s *Server) apiGetInquiry(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	it, err := s.deps.Inquiries.Get(ctx, p, id)
	if err != nil {
		return err
	}
	person, err := s.deps.Inquiries.LinkedPerson(ctx, p, it)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"inquiry": it, "person": person})
}

// apiInquiryPatch is inquiries.Patch with the time as text.
type apiInquiryPatch struct {
	inquiries.Patch
	ReceivedAt *string `json:"received_at"`
}

func (s *Server) apiPatchInquiry(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiInquiryPatch
	if err := c.BodyParser(&in); err != nil {
		return apperr.Invalid("body", "validation.json_patch")
	}
	if in.ReceivedAt != nil {
		at, err := apiTime("received_at", *in.ReceivedAt)
		if err != nil {
			return err
		}
		if at == nil {
			return apperr.Invalid("received_at", "validation.not_removable")
		}
		in.Patch.ReceivedAt = at
	}
	saved, err := s.deps.Inquiries.Update(c.UserContext(), principal(c), id, in.Patch)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"inquiry": saved.Inquiry, "masked_card_numbers": saved.MaskedCardNumbers})
}

func (s *Server) apiAnswerInquiry(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in struct {
		Answer string `json:"answer" form:"answer"`
	}
	if err := c.BodyParser(&in); err != nil {
		return apperr.Invalid("body", "validation.json_answer")
	}
	saved, err := s.deps.Inquiries.Answer(c.UserContext(), principal(c), id, in.Answer)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"inquiry": saved.Inquiry, "masked_card_numbers": saved.MaskedCardNumbers})
}

func (s *Server) apiListFAQ(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	entries, err := s.deps.Inquiries.FAQ(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"faq": entries})
}

func (s *Server) apiAddFAQ(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in inquiries.FAQInput
	if err := c.BodyParser(&in); err != nil {
		return apperr.Invalid("body", "validation.json_faq")
	}
	e, err := s.deps.Inquiries.AddFAQ(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(e)
}
