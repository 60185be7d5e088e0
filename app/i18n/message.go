package i18n

import (
	"errors"
	"fmt"
	"strings"

	"github.com/breachdesk/breachdesk/app/apperr"
)

// Message returns the entry code in lang filled with args, as T does. An
// argument that is itself a message (a MessageCode method), a list of
// items (an Items method, joined by the language's list separator) or text
// in both languages (an In method) is put in lang first. Domain errors
// carry their messages so (see app/apperr), and are translated only here,
// at the edge.
func (c Catalogue) Message(lang, code string, args ...any) string {
	in := make([]any, len(args))
	for i, a := range args {
		in[i] = c.arg(lang, a)
	}
	return c.T(lang, code, in...)
}

func (c Catalogue) arg(lang string, a any) any {
	switch a := a.(type) {
	case interface{ MessageCode() (string, []any) }:
		code, args := a.MessageCode()
		return c.Message(lang, code, args...)
	case interface{ Items() []any }:
		items := a.Items()
		parts := make([]string, len(items))
		for i, item := range items {
			parts[i] = fmt.Sprint(c.arg(lang, item))
		}
		return strings.Join(parts, c.T(lang, "error.list_separator"))
	case interface{ In(string) string }:
		return a.In(lang)
	}
	return a
}

// ErrorText says err in lang: a validation error as "field: message" for
// each field, another domain error (apperr.Error) as its message, any
// other error as its Error(), for the edges that print one line (the error
// page of a form that cannot show its fields, the command line).
func (c Catalogue) ErrorText(lang string, err error) string {
	var ve *apperr.ValidationError
	var me *apperr.Error
	switch {
	case errors.As(err, &ve):
		msgs := make([]string, len(ve.Fields))
		for i, f := range ve.Fields {
			msgs[i] = f.Field + ": " + c.Message(lang, f.Code, f.Args...)
		}
		return strings.Join(msgs, c.T(lang, "error.message_separator"))
	case errors.As(err, &me):
		return c.Message(lang, me.Code, me.Args...)
	}
	return err.Error()
}
