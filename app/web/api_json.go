package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
)

// decodeJSON reads a strict JSON body into v: unknown fields and wrong
// types are validation errors that name the field.
func decodeJSON(c *fiber.Ctx, v any) error {
	body, err := checkJSONObject(c.Body(), reflect.TypeOf(v).Elem())
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil {
		if dec.More() {
			return apperr.Invalid("body", "validation.json_trailing")
		}
		return nil
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var pe *time.ParseError
	switch {
	case errors.Is(err, io.EOF):
		return apperr.Invalid("body", "validation.json_empty")
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "body"
		}
		return apperr.Invalid(field, "validation.json_type", jsonKind(te.Type), te.Value)
	case errors.As(err, &se):
		return apperr.Invalid("body", "validation.json_syntax", se.Offset)
	case errors.As(err, &pe):
		return apperr.Invalid("body", "validation.json_time", pe.Value)
	}
	if f, ok := unknownField(err); ok {
		return apperr.Invalid(f, "validation.json_unknown_field")
	}
	// Whatever else encoding/json says names Go types: say what to send.
	return apperr.Invalid("body", "validation.json_object")
}

// checkJSONObject refuses a body that is not a JSON object, or whose
// fields are not what the document says of them; it returns the body without
// leading white space. Bodies decoded elsewhere (the facts) pass here too.
// See checkFields.
func checkJSONObject(body []byte, t reflect.Type) ([]byte, error) {
	body = bytes.TrimLeft(body, " \t\r\n")
	if len(body) > 0 && body[0] != '{' {
		return nil, apperr.Invalid("body", "validation.json_object")
	}
	return body, checkFields(body, t)
}

// checkFields holds the top-level fields of a body to what the document
// says of them where encoding/json and the services would not: null only
// for a pointer (encoding/json would silently keep "" or 0, which the
// client did not send); no empty string for a closed list (the services
// read "" as "left out": leave the field out instead); RFC 3339 for a
// string that is a time. Other values outside a closed list are refused
// by the services, together with their other checks.
func checkFields(body []byte, t reflect.Type) error {
	if t.Kind() != reflect.Struct || len(body) == 0 {
		return nil
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return nil // the decoder says what is wrong
	}
	v := &apperr.ValidationError{}
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		raw, ok := fields[name]
		if !ok || f.Anonymous || name == "-" {
			continue
		}
		if string(raw) == "null" {
			if !nullable(f.Type) {
				v.Add(name, "validation.json_null")
			}
			continue
		}
		var text string
		if json.Unmarshal(raw, &text) != nil {
			continue // not a string: the decoder checks its type
		}
		if values := enumOf(f); values != nil && strings.TrimSpace(text) == "" {
			v.Add(name, "validation.one_of", strings.Join(values, ", "))
		}
		if f.Tag.Get("format") == "date-time" {
			if _, err := time.Parse(time.RFC3339, text); err != nil {
				v.Add(name, "validation.rfc3339")
			}
		}
	}
	return v.OrNil()
}

// nullable says whether a field of type t may be null: a pointer, or a
// type that reads null itself (Tri, json.RawMessage) — not time.Time,
// which would keep its zero.
func nullable(t reflect.Type) bool {
	switch {
	case t.Kind() == reflect.Pointer, t.Kind() == reflect.Interface:
		return true
	case t == reflect.TypeFor[time.Time]():
		return false
	}
	return reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]())
}

// jsonKind names what a client should send for a Go type, in JSON's words:
// the API's readers write JSON, not Go, and the Go names are ours.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[time.Time]() {
		return "an RFC 3339 time string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a different JSON type"
}

func unknownField(err error) (string, bool) {
	const prefix = `json: unknown field "`
	msg := err.Error()
	if len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
		return msg[len(prefix) : len(msg)-1], true
	}
	return "", false
}
