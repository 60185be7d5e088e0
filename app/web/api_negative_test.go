package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/breachdesk/breachdesk/app/auth"
)

// goTypeNames are what an error must never show a client: Go's words for
// types and decoding, and our packages' type names.
var goTypeNames = regexp.MustCompile(`(?i:go struct|of type |json: |cannot unmarshal|\bu?int(8|16|32|64)\b|float(32|64)|time\.Time|map\[|\[\][a-z*]|struct \{|pq: |SQLSTATE|gorm)|\b(cases|web|notices|documents|people|letters|evidence|inquiries|auth|assessment|obligations|drafts|timeline)\.[A-Z]`)

// negativeCase is one hostile request of the spec-driven test.
type negativeCase struct {
	name        string
	path        string
	contentType string
	body        []byte
	// field is the body field the case breaks by type, which a 422 must name.
	field string
	// anyRequired lists the required fields, one of which a 422 must name.
	anyRequired []string
}

// TestNoInputReachesAServerError sends every API operation, read from the
// OpenAPI document, what clients get wrong: bodies that are not objects,
// missing required fields, each field with a wrong type, null, an empty
// and a huge string, boundary numbers, unknown fields; bad query values;
// ids that are not ids. No answer may be a 5xx or show a Go type name; a
// 422 must name the field; and (through the client) every answer must be
// one the document declares.
func TestNoInputReachesAServerError(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	h.user("bob@a.example", "org-a", auth.RoleManager)
	ids := h.fixtures("org-a", "bob@a.example", "none")
	secret, err := h.auth.IssueTokenFor(context.Background(), "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	doc, _, err := loadContract(h)
	if err != nil {
		t.Fatal(err)
	}
	c := h.client()
	c.bearer = secret
	ops, sent, failures := 0, 0, 0
	for _, r := range h.srv.Routes() {
		if !r.API || r.Op == nil {
			continue
		}
		ops++
		for _, nc := range negativeCases(doc, r.Method, r.Path, ids[r.Param], ids[r.SubParam], h.clk.Now().Add(-24*time.Hour)) {
			sent++
			resp := c.raw(r.Method, nc.path, nc.contentType, nc.body)
			raw := body(t, resp)
			if msg := judge(resp.StatusCode, raw, nc); msg != "" {
				failures++
				t.Errorf("%s %s (%s): %s\n%.400s", r.Method, r.Path, nc.name, msg, raw)
			}
		}
	}
	if ops < 55 || sent < 20*ops {
		t.Fatalf("only %d operations and %d requests: the document lost its operations or their schemas", ops, sent)
	}
	report(t, fmt.Sprintf("negative API test: %d operations, %d hostile requests, %d answers ≥ 500 or unclear", ops, sent, failures))
}

// judge says what is wrong with an answer to a hostile request, or "".
func judge(status int, raw string, nc negativeCase) string {
	switch {
	case status >= 500:
		return fmt.Sprintf("answered %d", status)
	case goTypeNames.MatchString(raw):
		return "the answer shows Go's words: " + goTypeNames.FindString(raw)
	case status != http.StatusUnprocessableEntity:
		return ""
	}
	var e struct {
		Field  string `json:"field"`
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		return "a 422 that is not the JSON error: " + err.Error()
	}
	named := []string{e.Field}
	for _, f := range e.Errors {
		named = append(named, f.Field)
	}
	if slices.Equal(named, []string{""}) {
		return "a 422 that names no field"
	}
	if nc.field != "" && !slices.Contains(named, nc.field) && !slices.ContainsFunc(named, func(n string) bool { return strings.HasPrefix(n, nc.field+".") }) {
		return fmt.Sprintf("a 422 naming %v, not %s", named, nc.field)
	}
	if len(nc.anyRequired) > 0 && !slices.ContainsFunc(named, func(n string) bool { return slices.Contains(nc.anyRequired, n) }) {
		return fmt.Sprintf("a 422 naming %v, none of the required %v", named, nc.anyRequired)
	}
	return ""
}

// negativeCases derives the hostile requests for one operation from its
// description in the document.
func negativeCases(doc *openapi3.T, method, route string, id, subID int64, past time.Time) []negativeCase {
	path := func(idText, subText string) string {
		return strings.NewReplacer(":id", idText, ":oid", subText).Replace(route)
	}
	if id == 0 {
		id = 1
	}
	if subID == 0 {
		subID = 1
	}
	good := path(fmt.Sprint(id), fmt.Sprint(subID))
	op := doc.Paths.Find(specPathOf(route)).GetOperation(method)
	var out []negativeCase
	if strings.Contains(route, ":id") {
		for _, bad := range []string{"0", "-1", "abc", "99999999999999999999", "1e3", "%00"} {
			out = append(out, negativeCase{name: "id " + bad, path: path(bad, fmt.Sprint(subID))})
		}
	}
	huge := strings.Repeat("あ", 70000)
	for _, p := range op.Parameters {
		if p.Value.In != "query" {
			continue
		}
		for _, bad := range []string{"abc", "-1", "99999999999999999999", "1.5", "", strings.Repeat("a", 1200), huge[:900]} {
			out = append(out, negativeCase{name: "query " + p.Value.Name + "=" + bad[:min(len(bad), 12)], path: good + "?" + p.Value.Name + "=" + url.QueryEscape(bad)})
		}
	}
	if op.RequestBody == nil {
		return out
	}
	content := op.RequestBody.Value.Content
	if mt := content.Get("application/json"); mt != nil && mt.Schema != nil {
		js := func(name, raw string) negativeCase {
			return negativeCase{name: name, path: good, contentType: "application/json", body: []byte(raw)}
		}
		for _, raw := range []string{"", "null", "[]", `"x"`, "1", "{", `{"a":1}{}`, `{"zz_unknown":1}`} {
			out = append(out, js("body "+raw, raw))
		}
		s := mt.Schema.Value
		empty := js("body {}", "{}")
		empty.anyRequired = s.Required
		out = append(out, empty)
		base := exampleOf(s, past)
		withBase := func(name, field, raw string) negativeCase {
			m := maps.Clone(base)
			m[field] = json.RawMessage(raw)
			b, _ := json.Marshal(m)
			return negativeCase{name: name, path: good, contentType: "application/json", body: b}
		}
		for _, name := range sortedKeys(s.Properties) {
			ps := s.Properties[name].Value
			// On a body otherwise valid, the value reaches the service
			// and the database: edges that only they can refuse.
			edges := []string{"-1", "0", "2147483648", "9223372036854775807", `""`, `" "`, `"\u0000"`, `"` + huge + `"`}
			if ps.MaxLength != nil {
				edges = append(edges, `"`+strings.Repeat("あ", int(*ps.MaxLength))+`"`, `"`+strings.Repeat("a", int(*ps.MaxLength)+1)+`"`)
			}
			for _, v := range edges {
				out = append(out, withBase("valid body, "+name+" = "+v[:min(len(v), 12)], name, v))
			}
			wrong := `12345`
			switch {
			case ps.Type.Includes("integer") || ps.Type.Includes("number"):
				wrong = `"abc"`
			case ps.Type.Includes("boolean"):
				wrong = `"yes"`
			case ps.Type.Includes("array") || ps.Type.Includes("object"):
				wrong = `"x"`
			}
			typed := js(name+" wrong type", fmt.Sprintf(`{%q:%s}`, name, wrong))
			typed.field = name
			baseTyped := withBase("valid body, "+name+" wrong type", name, wrong)
			baseTyped.field = name
			out = append(out, typed, baseTyped)
			for _, v := range []string{"null", `""`, `"` + huge + `"`, "-1", "0", "9223372036854775808", "1e308", "1.5", "[]", "{}", `"\u0000"`} {
				out = append(out, js(name+" = "+v[:min(len(v), 12)], fmt.Sprintf(`{%q:%s}`, name, v)))
			}
		}
		return out
	}
	for ct := range content {
		for _, raw := range [][]byte{nil, {0xff, 0xfe, 0x00, 0x81}, []byte(strings.Repeat("a,", 50000)), []byte("\x00\x00\x00")} {
			out = append(out, negativeCase{name: fmt.Sprintf("%s body of %d bytes", ct, len(raw)), path: good, contentType: ct, body: raw})
		}
	}
	return out
}

// exampleOf is a body that the schema calls valid: its required fields
// with plain values (an enum's first, a time in the past, a lower-case
// hex digest).
func exampleOf(s *openapi3.Schema, past time.Time) map[string]any {
	out := map[string]any{}
	for _, name := range s.Required {
		out[name] = exampleValue(s.Properties[name].Value, past)
	}
	return out
}

func exampleValue(p *openapi3.Schema, past time.Time) any {
	for _, e := range p.Enum {
		if e != nil {
			return e
		}
	}
	switch {
	case p.Type.Includes("string") && p.Format == "date-time":
		return past.Format(time.RFC3339)
	case p.Type.Includes("string") && strings.Contains(p.Pattern, "0-9a-f]{64}"):
		return strings.Repeat("0", 64)
	case p.Type.Includes("string") && p.Pattern != "":
		return "abc-def"
	case p.Type.Includes("string"):
		return "x"
	case p.Type.Includes("integer"), p.Type.Includes("number"):
		return 1
	case p.Type.Includes("boolean"):
		return false
	case p.Type.Includes("array"):
		return []any{}
	}
	return exampleOf(p, past)
}

// specPathOf is a route's path as the document writes it.
func specPathOf(route string) string {
	return strings.NewReplacer(":id", "{id}", ":oid", "{oid}").Replace(strings.TrimPrefix(route, "/api/v1"))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// report prints a line of the API checks' results where `make test`
// shows it after the run (BREACHDESK_API_REPORT), and in the test's log.
func report(t *testing.T, line string) {
	t.Helper()
	t.Log(line)
	if path := os.Getenv("BREACHDESK_API_REPORT"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fmt.Fprintln(f, line)
	}
}
