package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/tenancy"
)

// checkOwnership verifies :id (and :oid) against the route's resource
// kinds (see app/tenancy): the guard checks it before any handler runs.
func (s *Server) checkOwnership(c *fiber.Ctx, r Route) error {
	for _, x := range []struct{ param, kind string }{{"id", r.Param}, {"oid", r.SubParam}} {
		if x.kind == "" {
			continue
		}
		if !tenancy.Known(x.kind) {
			return apperr.ErrNotFound // an unknown kind is a programming error: fail closed
		}
		id, err := strconv.ParseInt(c.Params(x.param), 10, 64)
		if err != nil || id <= 0 {
			return apperr.ErrNotFound
		}
		found, err := tenancy.Owns(c.UserContext(), s.deps.Store, x.kind, id, principal(c).OrgID())
		if err != nil {
			return err
		}
		if !found {
			return apperr.ErrNotFound
		}
	}
	return nil
}

// readOnly reports whether the request may not change anything (GET and
// HEAD), which is all a read-only API token may send.
func readOnly(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead
}
