package web

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/frontend"
)

// TestPretranslateWritesWhatTheTemplateWould renders a template with
// fixed translations in every context, with text that needs escaping,
// once as parsed and once pretranslated: the bytes must be the same, and
// only the fixed calls in HTML text and quoted attributes are replaced.
func TestPretranslateWritesWhatTheTemplateWould(t *testing.T) {
	t.Parallel()
	msgs := i18n.Catalogue{
		"ja": {"a": `「<b>」 & "x" 'y' + z`, "n": "%d 件", "u": "/rules?x=<1>"},
		"en": {"a": `<i>A</i> & "B"`, "n": "%d items", "u": "/rules?y=2"},
	}
	const text = `{{define "layout"}}<title>{{.T "a"}}</title><p title="{{.T "a"}}">{{.T "a"}} {{$.T "a"}} {{.T "missing"}}</p>` +
		`<p>{{.T "n" 3}}</p><a href="{{.T "u"}}">{{.T "u"}}</a><p title={{.T "a"}}>x</p><textarea>{{.T "a"}}</textarea>` +
		`{{if .Lang}}<em>{{.T "a"}}</em>{{else}}{{.T "a"}}{{end}}{{range .Errors}}{{$.T "a"}}{{end}}` +
		`<script>var s = {{.T "a"}};</script>{{$x := .T "a"}}<b>{{$x}}</b>{{end}}`
	parse := func() *template.Template {
		return template.Must(template.New("t").Funcs(funcs).Parse(text))
	}
	for _, lang := range []string{"ja", "en"} {
		pg := &Page{Lang: lang, msgs: msgs, Errors: map[string]string{"f": "x"}}
		var want, got bytes.Buffer
		if err := parse().ExecuteTemplate(&want, "layout", pg); err != nil {
			t.Fatal(err)
		}
		pre := parse()
		n, err := pretranslate(pre, msgs, lang, "layout")
		if err != nil {
			t.Fatal(err)
		}
		// title, attr, 2 in text, missing, textarea, if, else, range; not:
		// with an argument, URL, unquoted attribute, script, assignment.
		if n != 10 {
			t.Errorf("[%s] replaced %d actions, want 10", lang, n)
		}
		if err := pre.ExecuteTemplate(&got, "layout", pg); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("[%s] pretranslated page differs:\n got %s\nwant %s", lang, got.String(), want.String())
		}
		if !strings.Contains(got.String(), "[missing]") {
			t.Errorf("[%s] a missing key should show as [missing]: %s", lang, got.String())
		}
	}
}

// TestPagesArePretranslated keeps the optimisation from going silently
// inert: the case page's fixed texts are replaced in every language.
func TestPagesArePretranslated(t *testing.T) {
	t.Parallel()
	msgs, err := i18n.Load(frontend.Messages, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages {
		tmpl := template.Must(template.New("case").Funcs(funcs).ParseFS(frontend.Templates, "templates/layout.html", "templates/case.html"))
		n, err := pretranslate(tmpl, msgs, lang, roots...)
		if err != nil {
			t.Fatal(err)
		}
		if n < 60 {
			t.Errorf("[%s] only %d fixed texts of the case page pretranslated", lang, n)
		}
	}
}
