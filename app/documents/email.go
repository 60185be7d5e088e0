package documents

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"
	"text/template"

	"github.com/breachdesk/breachdesk/templates"
)

// EmailView is the customer-letter view-model plus the recipient, for the
// personal e-mail version of the notice to persons (施行規則10条 items:
// summary, data items, cause, secondary harm, what to do, inquiry desk).
type EmailView struct {
	*CaseView
	Person     string // the recipient's name, "" for a general greeting
	PersonCard string // brand and last 4 of the person's card, if known
}

// EmailTemplate returns the built-in customer e-mail template for lang.
func EmailTemplate(lang string) (string, error) {
	b, err := fs.ReadFile(templates.FS, "customer_email."+lang+".tmpl")
	if err != nil {
		return "", fmt.Errorf("no customer e-mail template for %q: %w", lang, err)
	}
	return string(b), nil
}

// Email executes an e-mail template (defining "subject" and "body") as
// plain text: no block grammar and no escaping, since nothing interprets
// the text but the reader's mail program.
func Email(src string, v EmailView) (subject, body string, err error) {
	t, err := template.New("email").Option("missingkey=error").Parse(src)
	if err != nil {
		return "", "", fmt.Errorf("template: %w", err)
	}
	var s, b bytes.Buffer
	if err := t.ExecuteTemplate(&s, "subject", v); err != nil {
		return "", "", fmt.Errorf("template subject: %w", err)
	}
	if err := t.ExecuteTemplate(&b, "body", v); err != nil {
		return "", "", fmt.Errorf("template body: %w", err)
	}
	// A subject is one line: a newline there would start a mail header.
	subject = strings.Join(strings.Fields(s.String()), " ")
	return subject, strings.TrimSpace(b.String()) + "\n", nil
}
