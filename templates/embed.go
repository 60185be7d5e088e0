// Package templates holds the built-in text/template files, named
// <name>.<lang>.tmpl, one per language:
//
//   - the document templates (each document kind names its template),
//     which produce app/pdf's block grammar; organisations may
//     override them (stored and versioned in the database);
//   - customer_email, the plain-text frame (subject, salutation,
//     reference) around the approved customer letter that app/letters
//     sends by e-mail; it is not a document kind and is never overridden.
package templates

import "embed"

// FS is the embedded templates.
//
//go:embed *.tmpl
var FS embed.FS

// Version identifies this set of built-in templates; it is stored with
// every generated document so a PDF can be traced to its template.
const Version = "builtin-2026.12.1"
