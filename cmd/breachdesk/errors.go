package main

import (
	"sync"

	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/frontend"
)

// messages is the catalogue the command line says domain errors with, in
// English as the API does: services give codes, not sentences.
var messages = sync.OnceValues(func() (i18n.Catalogue, error) { return i18n.Load(frontend.Messages, "i18n") })

// errorText says err in English.
func errorText(err error) string {
	msgs, lerr := messages()
	if lerr != nil {
		return err.Error()
	}
	return msgs.ErrorText("en", err)
}
