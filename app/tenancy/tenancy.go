// Package tenancy answers whether a resource belongs to an organisation:
// the web's route guard asks it for every id in a path before a handler
// runs, so another organisation's id is not found whatever the request
// holds, and a new route cannot forget the check.
package tenancy

import (
	"context"
	"fmt"

	"github.com/breachdesk/breachdesk/app/store"
)

// owned says, per resource kind, how to find an id of an organisation.
var owned = map[string]string{
	"case":             `SELECT 1 FROM cases WHERE id = ? AND organisation_id = ?`,
	"task":             `SELECT 1 FROM tasks WHERE id = ? AND organisation_id = ?`,
	"obligation":       `SELECT 1 FROM obligations WHERE id = ? AND organisation_id = ?`,
	"evidence":         `SELECT 1 FROM evidence WHERE id = ? AND organisation_id = ?`,
	"document":         `SELECT 1 FROM documents WHERE id = ? AND organisation_id = ?`,
	"notice":           `SELECT 1 FROM notices WHERE id = ? AND organisation_id = ?`,
	"import":           `SELECT 1 FROM imports WHERE id = ? AND organisation_id = ?`,
	"inquiry":          `SELECT 1 FROM inquiries WHERE id = ? AND organisation_id = ?`,
	"faq_entry":        `SELECT 1 FROM faq_entries WHERE id = ? AND organisation_id = ?`,
	"letter_batch":     `SELECT 1 FROM letter_batches WHERE id = ? AND organisation_id = ?`,
	"letter_file":      `SELECT 1 FROM letter_files WHERE id = ? AND organisation_id = ?`,
	"measure":          `SELECT 1 FROM prevention_measures WHERE id = ? AND organisation_id = ?`,
	"notification":     `SELECT 1 FROM notifications WHERE id = ? AND organisation_id = ?`,
	"api_token":        `SELECT 1 FROM api_tokens WHERE id = ? AND organisation_id = ?`,
	"user":             `SELECT 1 FROM memberships WHERE user_id = ? AND organisation_id = ?`,
	"invitation":       `SELECT 1 FROM invitations WHERE id = ? AND organisation_id = ?`,
	"webhook_endpoint": `SELECT 1 FROM webhook_endpoints WHERE id = ? AND organisation_id = ?`,
}

// Known reports whether kind is a resource kind Owns can check.
func Known(kind string) bool {
	_, ok := owned[kind]
	return ok
}

// Owns reports whether the resource of kind with id belongs to
// organisation orgID. An unknown kind is an error (a programming mistake
// the caller must fail closed on).
func Owns(ctx context.Context, st *store.Store, kind string, id, orgID int64) (bool, error) {
	query, ok := owned[kind]
	if !ok {
		return false, fmt.Errorf("tenancy: unknown resource kind %q", kind)
	}
	var found int
	if err := st.DB.WithContext(ctx).Raw(query, id, orgID).Scan(&found).Error; err != nil {
		return false, err
	}
	return found == 1, nil
}
