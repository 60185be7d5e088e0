package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/inquiries"
)

// apiInquiryInput is the body of POST /api/v1/cases/{id}/inquiries:
// inquiries.Input with the time as text, so a bad time is a 422 naming
// received_at rather than a JSON decoding failure.
type apiInquiryInput struct {
	inquiries.Input
	ReceivedAt string `json:"received_at" format:"date-time" doc:"when the call or message came in (RFC 3339); now when left out; not in the future"`
}

// inquiryListQuery is what GET /api/v1/cases/{id}/inquiries takes: the
// filters the service checks, each left out for any.
type inquiryListQuery struct {
	listQuery
	Status   string `query:"status" enum:"inquiry_status"`
	Affected string `query:"affected" enum:"inquiry_affected"`
	Category string `query:"category" enum:"inquiry_category"`
}

// inquiryList answers GET /api/v1/cases/{id}/inquiries: a page of the
// matching inquiries, and the counts of all the case's inquiries.
type inquiryList struct {
	Inquiries []inquiries.Inquiry `json:"inquiries"`
	Counts    inquiries.Counts    `json:"counts"` // of all the case's inquiries, whatever the filter
	listMeta
}

// inquirySaved answers a change to an inquiry: the inquiry, and how many
// card numbers were masked in what was sent.
type inquirySaved struct {
	Inquiry           inquiries.Inquiry `json:"inquiry"`
	MaskedCardNumbers int               `json:"masked_card_numbers" doc:"how many card numbers were masked in what was sent"`
}

// inquiryOne answers GET /api/v1/inquiries/{id}; person is null when the
// caller is linked to no affected person.
type inquiryOne struct {
	Inquiry inquiries.Inquiry `json:"inquiry"`
	Person  *inquiries.Person `json:"person"`
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

// apiListInquiries lists a case's inquiries with the case's counts.
func (s *Server) apiListInquiries(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var q inquiryListQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	f := inquiries.Filter{Status: q.Status, Affected: q.Affected, Category: q.Category, Limit: q.Limit, Offset: q.Offset}
	list, total, err := s.deps.Inquiries.List(ctx, p, id, f)
	if err != nil {
		return err
	}
	counts, err := s.deps.Inquiries.Counts(ctx, p, id)
	if err != nil {
		return err
	}
	counts.ByCategory = nonNil(counts.ByCategory)
	return c.JSON(inquiryList{Inquiries: nonNil(list), Counts: counts, listMeta: q.meta(total)})
}

func (s *Server) apiCreateInquiry(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiInquiryInput
	if err := decodeJSON(c, &in); err != nil {
		return err
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
	return c.Status(fiber.StatusCreated).JSON(inquirySaved{Inquiry: saved.Inquiry, MaskedCardNumbers: saved.MaskedCardNumbers})
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
	return c.JSON(inquiryOne{Inquiry: it, Person: person})
}

// apiInquiryPatch is the body of PATCH /api/v1/inquiries/{id}:
// inquiries.Patch with the time as text. Every field is optional; one
// left out or null stays as it is.
type apiInquiryPatch struct {
	inquiries.Patch
	ReceivedAt *string `json:"received_at" format:"date-time" doc:"when the call or message came in (RFC 3339); cannot be removed"`
}

func (s *Server) apiPatchInquiry(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiInquiryPatch
	if err := decodeJSON(c, &in); err != nil {
		return err
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
	return c.JSON(inquirySaved{Inquiry: saved.Inquiry, MaskedCardNumbers: saved.MaskedCardNumbers})
}

// inquiryAnswer is the body of POST /api/v1/inquiries/{id}/answer.
type inquiryAnswer struct {
	Answer string `json:"answer" required:"true" maxLength:"5000" doc:"the answer given; card numbers are reduced to brand and last 4 digits"`
}

func (s *Server) apiAnswerInquiry(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in inquiryAnswer
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	saved, err := s.deps.Inquiries.Answer(c.UserContext(), principal(c), id, in.Answer)
	if err != nil {
		return err
	}
	return c.JSON(inquirySaved{Inquiry: saved.Inquiry, MaskedCardNumbers: saved.MaskedCardNumbers})
}

// apiFAQList answers GET /api/v1/cases/{id}/faq.
type apiFAQList struct {
	FAQ []inquiries.FAQEntry `json:"faq"`
	listMeta
}

func (s *Server) apiListFAQ(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var q listQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	entries, err := s.deps.Inquiries.FAQ(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	// A case's FAQ sheet is short and loaded whole.
	list, meta := page(nonNil(entries), q)
	return c.JSON(apiFAQList{FAQ: list, listMeta: meta})
}

func (s *Server) apiAddFAQ(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in inquiries.FAQInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	e, err := s.deps.Inquiries.AddFAQ(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(e)
}
