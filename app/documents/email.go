package documents

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"text/template"

	"github.com/breachdesk/breachdesk/templates"
)

// Email is the personal e-mail of a letter batch: the approved customer
// letter as plain text, addressed to one person. The letter carries the
// items of 施行規則10条 (legal approved them); the template only adds the
// salutation and the reference, so nothing unapproved reaches the reader.
type Email struct {
	Lang      string // "ja" or "en": picks customer_email.<lang>.tmpl
	Title     string // the letter's title, which is the subject
	Name      string // the recipient, without honorific; "" for no salutation
	Text      string // the approved letter, from PlainText
	Reference string // the letter's number, quoted to the call centre
}

// emailTemplates parses the built-in customer e-mail templates once,
// by language.
var emailTemplates = sync.OnceValues(func() (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, lang := range []string{"ja", "en"} {
		name := "customer_email." + lang + ".tmpl"
		t, err := template.New(name).Option("missingkey=error").ParseFS(templates.FS, name)
		if err != nil {
			return nil, fmt.Errorf("documents: %s: %w", name, err)
		}
		out[lang] = t
	}
	return out, nil
})

// Render executes the customer e-mail template of e.Lang (it defines
// "subject" and "body") as plain text: no block grammar and no escaping,
// since nothing interprets the text but the reader's mail program.
func (e Email) Render() (subject, body string, err error) {
	ts, err := emailTemplates()
	if err != nil {
		return "", "", err
	}
	t, ok := ts[e.Lang]
	if !ok {
		return "", "", fmt.Errorf("documents: no customer e-mail template for %q", e.Lang)
	}
	e.Name = strings.TrimSpace(e.Name)
	var s, b bytes.Buffer
	if err := t.ExecuteTemplate(&s, "subject", e); err != nil {
		return "", "", fmt.Errorf("documents: e-mail subject: %w", err)
	}
	if err := t.ExecuteTemplate(&b, "body", e); err != nil {
		return "", "", fmt.Errorf("documents: e-mail body: %w", err)
	}
	// A subject is one line: a newline there would start a mail header.
	subject = strings.Join(strings.Fields(s.String()), " ")
	return subject, b.String(), nil
}
