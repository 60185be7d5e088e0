// Package migrations holds the numbered SQL migrations of BreachDesk's own
// schema. Each version has an up and a down file:
// NNNN_name.up.sql and NNNN_name.down.sql. River's tables are migrated
// separately by River's own migrator (see app/store).
package migrations

import "embed"

// FS is the embedded migration files.
//
//go:embed *.sql
var FS embed.FS
