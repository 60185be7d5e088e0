package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
)

// decodeJSON reads a strict JSON body into v: unknown fields and wrong
// types are validation errors that name the field.
func decodeJSON(c *fiber.Ctx, v any) error {
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
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
