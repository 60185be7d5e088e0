package web

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
)

// pathID parses the :id path parameter. A malformed id cannot name a
// resource, so it answers 404 like a foreign one.
func pathID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}

// formID parses a numeric form field.
func formID(c *fiber.Ctx, field string) (int64, error) {
	id, err := strconv.ParseInt(c.FormValue(field), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalid(field, "validation.positive_number")
	}
	return id, nil
}

// fieldErrors puts an error's messages on the form that was sent, in the
// reader's language: a validation error's next to each of its fields, the
// message of any other domain error (apperr.Error) next to its field or,
// when it names none, at the top. The form is shown again with
// statusOf(err). An error with no message for the user (not found,
// forbidden, internal) is returned unchanged, for handleError.
func fieldErrors(pg *Page, err error) error {
	var ve *apperr.ValidationError
	var me *apperr.Error
	switch {
	case errors.As(err, &ve):
		for _, f := range ve.Fields {
			msg := pg.msgs.Message(pg.Lang, f.Code, f.Args...)
			if prev := pg.Errors[f.Field]; prev != "" {
				msg = prev + pg.T("error.message_separator") + msg // several lines of one file, say
			}
			pg.Errors[f.Field] = msg
		}
	case errors.As(err, &me):
		pg.Errors[me.Field] = pg.msgs.Message(pg.Lang, me.Code, me.Args...)
	default:
		return err
	}
	return nil
}

// parseLocalTime reads a datetime-local value in the organisation's zone,
// or an RFC 3339 time.
func (s *Server) parseLocalTime(c *fiber.Ctx, field string) (*time.Time, error) {
	raw := strings.TrimSpace(c.FormValue(field))
	if raw == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return &t, nil
	}
	loc := principal(c).Organisation.Location()
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, raw, loc); err == nil {
			return &t, nil
		}
	}
	return nil, apperr.Invalid(field, badTimeCode)
}

func optInt64(c *fiber.Ctx, field string) (*int64, error) {
	raw := strings.TrimSpace(c.FormValue(field))
	if raw == "" {
		return nil, nil
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || v <= 0 {
		return nil, apperr.Invalid(field, "validation.positive_number")
	}
	return &v, nil
}
