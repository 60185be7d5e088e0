package documents

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"
	"text/template"

	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/breachdesk/breachdesk/templates"
)

// BuiltinTemplate returns the shipped template for a kind and language.
func BuiltinTemplate(kind KindInfo, lang string) (string, error) {
	b, err := fs.ReadFile(templates.FS, kind.Template+"."+lang+".tmpl")
	if err != nil {
		return "", fmt.Errorf("no %s template for %q: %w", lang, kind.Template, err)
	}
	return string(b), nil
}

// composeFuncs are what templates may call: esc makes user text inert in
// the block grammar, oneline fits multi-line text into a table cell, join
// lists values.
func composeFuncs() template.FuncMap {
	fm := template.FuncMap{
		"oneline": func(s string) string {
			return pdf.Escape(strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " "))
		},
		"join": func(xs []string, sep string) string { return strings.Join(xs, sep) },
	}
	for k, v := range pdf.Funcs() {
		fm[k] = v
	}
	return fm
}

// Execute runs a template against the view-model and returns the block
// grammar text: the one path from template to blocks, used for built-in
// and organisation templates alike.
func ExecuteTemplate(src string, v *CaseView) (string, error) {
	t, err := template.New("doc").Funcs(composeFuncs()).Option("missingkey=error").Parse(src)
	if err != nil {
		return "", fmt.Errorf("template: %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		return "", fmt.Errorf("template: %w", err)
	}
	return buf.String(), nil
}

// Compose is ExecuteTemplate followed by Parse.
func Compose(src string, v *CaseView) (pdf.Document, error) {
	text, err := ExecuteTemplate(src, v)
	if err != nil {
		return pdf.Document{}, err
	}
	return pdf.Parse(text)
}
