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
		return 0, apperr.Invalid(field, "must be a positive whole number")
	}
	return id, nil
}

// fieldErrors copies a validation error's fields onto the page, so each
// message shows next to its field; any other error is returned unchanged.
func fieldErrors(pg *Page, err error) error {
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	for _, f := range ve.Fields {
		pg.Errors[f.Field] = reasonText(pg, f.Reason)
	}
	return nil
}

// reasonKeys name the catalogue entries of the reasons services give most
// often. Services speak English (the API returns their words as they are);
// the page shows these in the reader's language, any other reason as is.
var reasonKeys = map[string]string{
	"is required":                     "error.reason.required",
	"is empty":                        "error.reason.empty",
	"is in the future":                "error.reason.future",
	"must be a positive whole number": "error.reason.positive_number",
	"contains a full card number":     "error.reason.full_pan",
	"contains a full card number; give only the brand and the last 4 digits": "error.reason.full_pan",
}

func reasonText(pg *Page, reason string) string {
	if key, ok := reasonKeys[reason]; ok {
		return pg.T(key)
	}
	return reason
}
