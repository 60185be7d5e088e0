package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
)

// ownedBy says, per resource kind named in a route, how to check that an
// id belongs to the caller's organisation. The guard checks it before any
// handler runs, so another organisation's id answers 404 whatever the
// request body holds, and a new route cannot forget the check.
var ownedBy = map[string]string{
	"case":         `SELECT 1 FROM cases WHERE id = ? AND organisation_id = ?`,
	"task":         `SELECT 1 FROM tasks WHERE id = ? AND organisation_id = ?`,
	"obligation":   `SELECT 1 FROM obligations WHERE id = ? AND organisation_id = ?`,
	"evidence":     `SELECT 1 FROM evidence WHERE id = ? AND organisation_id = ?`,
	"document":     `SELECT 1 FROM documents WHERE id = ? AND organisation_id = ?`,
	"notice":       `SELECT 1 FROM notices WHERE id = ? AND organisation_id = ?`,
	"import":       `SELECT 1 FROM imports WHERE id = ? AND organisation_id = ?`,
	"inquiry":      `SELECT 1 FROM inquiries WHERE id = ? AND organisation_id = ?`,
	"faq_entry":    `SELECT 1 FROM faq_entries WHERE id = ? AND organisation_id = ?`,
	"letter_batch": `SELECT 1 FROM letter_batches WHERE id = ? AND organisation_id = ?`,
	"letter_file":  `SELECT 1 FROM letter_files WHERE id = ? AND organisation_id = ?`,
	"measure":      `SELECT 1 FROM prevention_measures WHERE id = ? AND organisation_id = ?`,
	"notification": `SELECT 1 FROM notifications WHERE id = ? AND organisation_id = ?`,
	"api_token":    `SELECT 1 FROM api_tokens WHERE id = ? AND organisation_id = ?`,
	"user":         `SELECT 1 FROM memberships WHERE user_id = ? AND organisation_id = ?`,
	"invitation":   `SELECT 1 FROM invitations WHERE id = ? AND organisation_id = ?`,
}

// checkOwnership verifies :id (and :oid) against the route's resource kinds.
func (s *Server) checkOwnership(c *fiber.Ctx, r Route) error {
	for _, x := range []struct{ param, kind string }{{"id", r.Param}, {"oid", r.SubParam}} {
		if x.kind == "" {
			continue
		}
		query, ok := ownedBy[x.kind]
		if !ok {
			return apperr.ErrNotFound // an unknown kind is a programming error: fail closed
		}
		id, err := strconv.ParseInt(c.Params(x.param), 10, 64)
		if err != nil || id <= 0 {
			return apperr.ErrNotFound
		}
		var found int
		if err := s.deps.Store.DB.WithContext(c.UserContext()).Raw(query, id, principal(c).OrgID()).Scan(&found).Error; err != nil {
			return err
		}
		if found != 1 {
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
