// Package frontend embeds the web UI: html/template pages and partials,
// the stylesheet and the message catalogues (Japanese and English).
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

// Messages holds the UI message catalogues, one JSON file per language.
//
//go:embed i18n
var Messages embed.FS
