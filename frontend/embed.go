// Package frontend embeds the web UI: html/template pages and partials,
// the stylesheets and small scripts, and the message catalogues (Japanese
// and English).
package frontend

import "embed"

// Templates holds the page templates (templates/*.html).
//
//go:embed templates
var Templates embed.FS

// Static holds the CSS and small scripts served under /static/.
//
//go:embed static
var Static embed.FS

// Messages holds the UI message catalogues: for each language <lang>.json
// and one <part>.<lang>.json per feature (see i18n.Load).
//
//go:embed i18n
var Messages embed.FS
