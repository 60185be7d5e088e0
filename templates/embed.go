// Package templates holds the document templates: Go text/template files
// that produce app/documents' block grammar, one per kind and language,
// named <kind>.<lang>.tmpl. Organisations may override them (stored and
// versioned in the database).
package templates

import "embed"

// FS is the embedded templates.
//
//go:embed *.tmpl
var FS embed.FS

// Version identifies this set of built-in templates; it is stored with
// every generated document so a PDF can be traced to its template.
const Version = "builtin-2026.11.2"
