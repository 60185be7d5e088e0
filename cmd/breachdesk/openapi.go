package main

import (
	"fmt"
	"os"

	"github.com/breachdesk/breachdesk/app/web"
)

// runOpenAPI prints the API's OpenAPI document, as /api/v1/openapi.json
// serves it, without a database: for client generators and linters.
func runOpenAPI(args []string) int {
	fs := newFlags("openapi", "openapi\n\nPrints the OpenAPI 3.1 document of /api/v1, reflected from the handlers' Go types.")
	if code, done := parse(fs, args); done {
		return code
	}
	doc, err := web.OpenAPI()
	if err != nil {
		fmt.Fprintln(os.Stderr, "breachdesk openapi:", err)
		return 1
	}
	os.Stdout.Write(append(doc, '\n'))
	return 0
}
