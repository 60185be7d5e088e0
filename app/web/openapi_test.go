package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// The document describes every API route completely enough to generate a
// client from: an operationId and a tag, a success response with a body
// schema (or a file), a schema for every request body, and the error
// shape for every error status. A linter's "missing operationId" or
// "missing schema" can't come back.
func TestOpenAPIDescribesEveryOperation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	doc, _, err := loadContract(h)
	if err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	routes := 0
	for _, r := range h.srv.Routes() {
		if !r.API {
			continue
		}
		routes++
		item := doc.Paths.Find(specPathOf(r.Path))
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("%s %s: not in the document", r.Method, r.Path)
			continue
		}
		op := item.GetOperation(r.Method)
		name := r.Method + " " + r.Path
		if op.OperationID == "" || len(op.Tags) != 1 || op.Summary == "" {
			t.Errorf("%s: operationId %q, tags %v, summary %q", name, op.OperationID, op.Tags, op.Summary)
		}
		successes := 0
		for code, resp := range op.Responses.Map() {
			if resp.Value == nil || len(resp.Value.Content) == 0 {
				t.Errorf("%s: response %s has no content", name, code)
				continue
			}
			for ct, mt := range resp.Value.Content {
				if mt.Schema == nil || mt.Schema.Value == nil {
					t.Errorf("%s: response %s (%s) has no schema", name, code, ct)
				}
			}
			if strings.HasPrefix(code, "2") {
				successes++
			} else if !strings.HasSuffix(resp.Value.Content.Get("application/json").Schema.Ref, "/Error") {
				t.Errorf("%s: error %s is not the Error object", name, code)
			}
		}
		if successes != 1 {
			t.Errorf("%s: %d success responses, want 1", name, successes)
		}
		if op.Responses.Status(http.StatusUnprocessableEntity) == nil {
			t.Errorf("%s: no 422", name)
		}
		if rb := op.RequestBody; rb != nil {
			for ct, mt := range rb.Value.Content {
				if mt.Schema == nil || mt.Schema.Value == nil {
					t.Errorf("%s: request body %s has no schema", name, ct)
				}
			}
		}
	}
	if routes < 55 {
		t.Errorf("only %d API routes", routes)
	}
}
