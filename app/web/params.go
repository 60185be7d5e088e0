package web

import (
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
	ve, ok := err.(*apperr.ValidationError)
	if !ok {
		return err
	}
	for _, f := range ve.Fields {
		pg.Errors[f.Field] = f.Reason
	}
	return nil
}
