package web_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// Every API route is in the OpenAPI document with a summary.
func TestOpenAPIListsEveryRoute(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Summary string `json:"summary"`
		} `json:"paths"`
	}
	if err := json.NewDecoder(h.client().do("GET", "/api/v1/openapi.json", nil).Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range h.srv.Routes() {
		if !r.API {
			continue
		}
		p := strings.NewReplacer(":id", "{id}", ":oid", "{oid}").Replace(strings.TrimPrefix(r.Path, "/api/v1"))
		op, ok := doc.Paths[p][strings.ToLower(r.Method)]
		if !ok || op.Summary == "" {
			t.Errorf("%s %s: missing from the OpenAPI document or without summary", r.Method, r.Path)
		}
	}
}
