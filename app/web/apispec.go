package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
)

// Op describes one API operation by the Go types its handler decodes and
// encodes. The OpenAPI document is reflected from these types, and the
// tests check every response against the document, so a handler that
// answers another shape or status fails them.
type Op struct {
	ID      string // operationId: a verb and a noun, e.g. listCases
	Tag     string // the group the operation is listed under
	Summary string
	// Query is a struct whose `query:"name"` fields are the query
	// parameters; parseQuery fills it, so what is declared is what is read.
	Query any
	// Body is the JSON request body's type; Upload is the media type of a
	// raw body (a CSV, a file) instead. With both, the client may send
	// either (a bounce list as JSON or as CSV).
	Body   any
	Upload string
	// BodyOptional lets a client leave the body out (the handler then
	// takes its defaults), e.g. the optional slug of a new notice.
	BodyOptional bool
	// Status is the success status (200 when zero); Out its JSON body, or
	// Download the media type of a file answered instead.
	Status   int
	Out      any
	Download string
	// Errors are the error statuses this operation answers beside those
	// every API call can (commonErrors).
	Errors []int
}

// commonErrors are the statuses any authenticated API call can answer:
// no or a bad token, a role that may not, an id not found in the
// organisation, invalid input, too many requests, an internal error.
var commonErrors = []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound,
	http.StatusUnprocessableEntity, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable}

// specInfo is the document's head.
var specInfo = &openapi3.Info{Title: "BreachDesk API", Version: "1",
	Description: "JSON field names are snake_case; times are RFC 3339. Another organisation's ids answer 404. " +
		"Every error answers the Error object: a stable code for programs beside the English message, and for invalid input one entry per field. " +
		"Lists take limit and offset and answer total, the count of all that match."}

// buildSpec reflects the OpenAPI document from the API routes' operations.
func buildSpec(routes []Route) (*openapi3.T, error) {
	b := newSpecBuilder()
	doc := &openapi3.T{
		OpenAPI:  "3.1.0",
		Info:     specInfo,
		Servers:  openapi3.Servers{{URL: "/api/v1"}},
		Paths:    openapi3.NewPaths(),
		Security: openapi3.SecurityRequirements{{"bearer": []string{}}},
		Components: &openapi3.Components{
			Schemas: b.schemas,
			SecuritySchemes: openapi3.SecuritySchemes{"bearer": &openapi3.SecuritySchemeRef{Value: openapi3.NewJWTSecurityScheme().
				WithBearerFormat("opaque").WithDescription("An API token from Settings or `breachdesk token create`.")}},
		},
	}
	errRef, err := b.out(apiError{})
	if err != nil {
		return nil, err
	}
	seen := map[string]string{}
	for _, r := range routes {
		if !r.API {
			continue
		}
		if r.Op == nil {
			return nil, fmt.Errorf("%s %s: an API route without an Op", r.Method, r.Path)
		}
		if prev, dup := seen[r.Op.ID]; dup || r.Op.ID == "" || r.Op.Tag == "" || r.Op.Summary == "" {
			return nil, fmt.Errorf("%s %s: operationId %q missing, repeated (%s) or without tag and summary", r.Method, r.Path, r.Op.ID, prev)
		}
		seen[r.Op.ID] = r.Method + " " + r.Path
		op, err := b.operation(r, errRef)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", r.Method, r.Path, err)
		}
		path := specPath(r.Path)
		item := doc.Paths.Value(path)
		if item == nil {
			item = &openapi3.PathItem{}
			doc.Paths.Set(path, item)
		}
		item.SetOperation(r.Method, op)
	}
	for _, s := range b.schemas {
		nullAsType(s)
	}
	return doc, pruneUnused(doc)
}

// pruneUnused drops the components no operation reaches: reflection
// registers a type before an override replaces its schema (a notice's
// section texts), and a linter rightly flags what nobody uses.
func pruneUnused(doc *openapi3.T) error {
	refs := regexp.MustCompile(`"#/components/schemas/([^"]+)"`)
	used := map[string]bool{}
	var visit func(v any) error
	visit = func(v any) error {
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		for _, m := range refs.FindAllSubmatch(raw, -1) {
			name := string(m[1])
			if used[name] {
				continue
			}
			used[name] = true
			if s := doc.Components.Schemas[name]; s != nil {
				if err := visit(s.Value); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := visit(doc.Paths); err != nil {
		return err
	}
	for name := range doc.Components.Schemas {
		if !used[name] {
			delete(doc.Components.Schemas, name)
		}
	}
	return nil
}

// specPath is a route's path as the document writes it: below the
// server URL, with {braces} for parameters.
func specPath(route string) string {
	parts := strings.Split(strings.TrimPrefix(route, "/api/v1"), "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func (b *specBuilder) operation(r Route, errRef *openapi3.SchemaRef) (*openapi3.Operation, error) {
	o := r.Op
	op := &openapi3.Operation{OperationID: o.ID, Tags: []string{o.Tag}, Summary: o.Summary, Responses: openapi3.NewResponses()}
	for _, name := range []string{"id", "oid"} {
		if strings.Contains(r.Path, ":"+name) {
			p := openapi3.NewPathParameter(name).WithSchema(openapi3.NewInt64Schema().WithMin(1))
			op.AddParameter(p)
		}
	}
	if o.Query != nil {
		params, err := b.queryParams(reflect.TypeOf(o.Query))
		if err != nil {
			return nil, err
		}
		for _, p := range params {
			op.AddParameter(p)
		}
	}
	if o.Body != nil || o.Upload != "" {
		content := openapi3.Content{}
		if o.Body != nil {
			ref, err := b.in(o.Body)
			if err != nil {
				return nil, err
			}
			content["application/json"] = openapi3.NewMediaType().WithSchemaRef(ref)
		}
		if o.Upload != "" {
			content[o.Upload] = openapi3.NewMediaType().WithSchema(openapi3.NewStringSchema().WithFormat("binary"))
		}
		op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(!o.BodyOptional).WithContent(content)}
	}
	status := o.Status
	if status == 0 {
		status = http.StatusOK
	}
	ok := openapi3.NewResponse().WithDescription(http.StatusText(status))
	switch {
	case o.Out != nil:
		ref, err := b.out(o.Out)
		if err != nil {
			return nil, err
		}
		ok.WithJSONSchemaRef(ref)
	case o.Download != "":
		ok.WithContent(openapi3.NewContentWithSchema(openapi3.NewStringSchema().WithFormat("binary"), []string{o.Download}))
	default:
		return nil, fmt.Errorf("no success body: set Out or Download")
	}
	op.AddResponse(status, ok)
	errs := slices.Concat(commonErrors, o.Errors)
	if o.Body != nil || o.Upload != "" {
		// Too large, or sent with a Content-Encoding other than gzip, deflate or br.
		errs = append(errs, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	if r.Access == Public {
		errs = slices.DeleteFunc(errs, func(s int) bool { return s == http.StatusUnauthorized || s == http.StatusForbidden })
		op.Security = &openapi3.SecurityRequirements{}
	}
	slices.Sort(errs)
	for _, s := range slices.Compact(errs) {
		resp := openapi3.NewResponse().WithDescription(http.StatusText(s)).WithJSONSchemaRef(errRef)
		op.AddResponse(s, resp)
	}
	return op, nil
}

// specBuilder reflects Go types into the document's component schemas.
// Request bodies and responses are reflected apart: a response names
// every field it always sends as required, a request only the fields
// tagged `required:"true"`.
type specBuilder struct {
	schemas   openapi3.Schemas
	inGen     *openapi3gen.Generator
	outGen    *openapi3gen.Generator
	typeNames map[string]reflect.Type
}

func newSpecBuilder() *specBuilder {
	b := &specBuilder{schemas: openapi3.Schemas{}, typeNames: map[string]reflect.Type{}}
	components := openapi3gen.CreateComponentSchemas(openapi3gen.ExportComponentSchemasOptions{ExportComponentSchemas: true, ExportTopLevelSchema: true})
	b.inGen = openapi3gen.NewGenerator(components, openapi3gen.CreateTypeNameGenerator(b.typeName("Input")),
		openapi3gen.SchemaCustomizer(b.customizer(false)))
	b.outGen = openapi3gen.NewGenerator(components, openapi3gen.CreateTypeNameGenerator(b.typeName("")),
		openapi3gen.SchemaCustomizer(b.customizer(true)))
	return b
}

func (b *specBuilder) in(v any) (*openapi3.SchemaRef, error) {
	return b.inGen.NewSchemaRefForValue(v, b.schemas)
}
func (b *specBuilder) out(v any) (*openapi3.SchemaRef, error) {
	return b.outGen.NewSchemaRefForValue(v, b.schemas)
}

// typeName names a component after its Go type: a type of this package
// without its "api" prefix, another package's with the package's noun in
// front unless the name has it (cases.Patch is CasePatch, cases.NewCase
// NewCase), and suffix for request bodies (whose required fields differ
// from a response's).
func (b *specBuilder) typeName(suffix string) openapi3gen.TypeNameGenerator {
	return func(t reflect.Type) string {
		name := t.Name()
		if pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]; pkg == "web" {
			name = exportedName(strings.TrimPrefix(name, "api"))
		} else if noun := exportedName(singular(pkg)); !strings.Contains(name, noun) {
			name = noun + name
		}
		if !strings.HasSuffix(name, suffix) {
			name += suffix
		}
		if prev, ok := b.typeNames[name]; ok && prev != t {
			name += "_" + strings.ReplaceAll(t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:], ".", "_")
		}
		b.typeNames[name] = t
		return name
	}
}

// singular is a package's noun in the singular (inquiries is Inquiry).
func singular(pkg string) string {
	if base, ok := strings.CutSuffix(pkg, "ies"); ok {
		return base + "y"
	}
	return strings.TrimSuffix(pkg, "s")
}

func exportedName(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// customizer adds what reflection alone cannot know: enums, formats,
// limits and descriptions from struct tags and the enum table, closed
// objects, and which fields are required.
func (b *specBuilder) customizer(response bool) openapi3gen.SchemaCustomizerFn {
	return func(name string, t reflect.Type, tag reflect.StructTag, s *openapi3.Schema) error {
		if custom, ok := schemaOverrides[t]; ok {
			*s = *custom()
			return nil
		}
		if values, ok := apiEnums[t]; ok {
			s.Enum = nil
			for _, v := range values {
				s.Enum = append(s.Enum, v)
			}
		}
		if v := tag.Get("enum"); v != "" {
			list, ok := enumLists[v]
			if !ok {
				return fmt.Errorf("%s: no enum list %q", name, v)
			}
			s.Enum = nil
			for _, e := range list {
				s.Enum = append(s.Enum, e)
			}
		}
		if v := tag.Get("doc"); v != "" {
			s.Description = v
		}
		if v := tag.Get("format"); v != "" {
			s.Format = v
		}
		if v := tag.Get("pattern"); v != "" {
			s.Pattern = v
		}
		if v, err := strconv.ParseUint(tag.Get("maxLength"), 10, 64); err == nil {
			s.MaxLength = &v
		}
		if v, err := strconv.ParseFloat(tag.Get("minimum"), 64); err == nil {
			s.Min = &v
		}
		if v, err := strconv.ParseFloat(tag.Get("maximum"), 64); err == nil {
			s.Max = &v
		}
		if t.Kind() == reflect.Struct && s.Properties != nil {
			closed := false
			s.AdditionalProperties = openapi3.AdditionalProperties{Has: &closed}
			s.Required = requiredFields(t, response)
			nullableRefs(t, s)
		}
		if t.Kind() == reflect.Slice && response {
			// Handlers answer [] for an empty list, never null.
			s.Nullable = false
		}
		return nil
	}
}

// requiredFields names the JSON fields of t a body must have: in a
// response every field not marked omitempty (encoding/json always writes
// it), in a request those tagged `required:"true"`.
func requiredFields(t reflect.Type, response bool) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" || !f.IsExported() && !f.Anonymous {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, requiredFields(ft, response)...)
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		omit := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
		if response && !omit || !response && f.Tag.Get("required") == "true" {
			out = append(out, name)
		}
	}
	return out
}

// nullableRefs lets the pointer fields of struct t that refer to another
// component be null: the component itself is not nullable, so the field
// is "that component or null".
func nullableRefs(t reflect.Type, s *openapi3.Schema) {
	for _, f := range reflect.VisibleFields(t) {
		if f.Type.Kind() != reflect.Pointer {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if p := s.Properties[name]; p != nil && strings.HasPrefix(p.Ref, "#/components/") {
			s.Properties[name] = openapi3.NewSchemaRef("", &openapi3.Schema{AnyOf: openapi3.SchemaRefs{p, openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"null"}})}})
		}
	}
}

// nullAsType rewrites OpenAPI 3.0's nullable into 3.1's type list, the
// form JSON Schema 2020-12 (and so the validators) understand.
func nullAsType(ref *openapi3.SchemaRef) {
	if ref == nil || ref.Value == nil || ref.Ref != "" {
		return
	}
	s := ref.Value
	if s.Nullable {
		s.Nullable = false
		if s.Type != nil && !s.Type.Includes("null") {
			types := append(*s.Type, "null")
			s.Type = &types
		}
		if s.Enum != nil {
			s.Enum = append(s.Enum, nil)
		}
	}
	for _, p := range s.Properties {
		nullAsType(p)
	}
	nullAsType(s.Items)
	nullAsType(s.AdditionalProperties.Schema)
	for _, list := range [][]*openapi3.SchemaRef{s.OneOf, s.AnyOf, s.AllOf} {
		for _, r := range list {
			nullAsType(r)
		}
	}
}
