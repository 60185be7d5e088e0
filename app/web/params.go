package web

import (
	"errors"
	"strconv"

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
