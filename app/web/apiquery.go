package web

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
)

// listQuery is the paging every list operation takes: at most limit
// items (the default when left out) from offset on.
type listQuery struct {
	Limit  int `query:"limit" minimum:"1" maximum:"1000" default:"100" doc:"at most this many items (default 100, at most 1000)"`
	Offset int `query:"offset" minimum:"0" doc:"skip this many items first"`
}

// listMeta is what every list answers beside its items: how many match
// in all, and the paging that was applied.
type listMeta struct {
	Total  int64 `json:"total" doc:"how many items match, over all pages"`
	Limit  int   `json:"limit"`
	Offset int   `json:"offset"`
}

// meta is the list's answer for total matching items.
func (q listQuery) meta(total int64) listMeta {
	return listMeta{Total: total, Limit: q.Limit, Offset: q.Offset}
}

// page cuts one page out of a list loaded whole (the short lists of one
// case: its tasks, its timeline).
func page[T any](items []T, q listQuery) ([]T, listMeta) {
	m := q.meta(int64(len(items)))
	if q.Offset >= len(items) {
		return []T{}, m
	}
	items = items[q.Offset:]
	if len(items) > q.Limit {
		items = items[:q.Limit]
	}
	return items, m
}

// parseQuery fills the `query`-tagged fields of the struct dst points to
// from the request's query string, with the defaults and limits its tags
// declare, and names the parameter when a value is not what it should be.
// The document's parameters are reflected from the same struct.
func parseQuery(c *fiber.Ctx, dst any) error {
	v := reflect.ValueOf(dst).Elem()
	return eachQueryField(v.Type(), func(index []int, f reflect.StructField, name string) error {
		raw := c.Query(name)
		if raw == "" {
			raw = f.Tag.Get("default")
		}
		if raw == "" {
			return nil
		}
		fv := v.FieldByIndex(index)
		switch fv.Kind() {
		case reflect.Int, reflect.Int64:
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				return apperr.Invalid(name, "validation.query_integer")
			}
			if lo, err := strconv.ParseInt(f.Tag.Get("minimum"), 10, 64); err == nil && n < lo {
				return apperr.Invalid(name, "validation.query_min", lo)
			}
			if hi, err := strconv.ParseInt(f.Tag.Get("maximum"), 10, 64); err == nil && n > hi {
				return apperr.Invalid(name, "validation.query_max", hi)
			}
			fv.SetInt(n)
		case reflect.Bool:
			b, err := strconv.ParseBool(raw)
			if err != nil {
				return apperr.Invalid(name, "validation.query_boolean")
			}
			fv.SetBool(b)
		case reflect.String:
			if values := enumOf(f); values != nil && !slices.Contains(values, raw) {
				return apperr.Invalid(name, "validation.query_enum", strings.Join(values, ", "))
			}
			if limit := queryMaxLength(f); utf8.RuneCountInString(raw) > limit {
				return apperr.Invalid(name, "validation.query_long", limit)
			}
			fv.SetString(raw)
		default:
			return fmt.Errorf("query parameter %s: unsupported kind %s", name, fv.Kind())
		}
		return nil
	})
}

// queryParams reflects a query struct into the document's parameters.
func (b *specBuilder) queryParams(t reflect.Type) ([]*openapi3.Parameter, error) {
	var out []*openapi3.Parameter
	err := eachQueryField(t, func(_ []int, f reflect.StructField, name string) error {
		var s *openapi3.Schema
		switch f.Type.Kind() {
		case reflect.Int, reflect.Int64:
			s = openapi3.NewIntegerSchema()
			if lo, err := strconv.ParseFloat(f.Tag.Get("minimum"), 64); err == nil {
				s.WithMin(lo)
			}
			if hi, err := strconv.ParseFloat(f.Tag.Get("maximum"), 64); err == nil {
				s.WithMax(hi)
			}
			if d, err := strconv.Atoi(f.Tag.Get("default")); err == nil {
				s.WithDefault(d)
			}
		case reflect.Bool:
			s = openapi3.NewBoolSchema()
		case reflect.String:
			s = openapi3.NewStringSchema().WithMaxLength(int64(queryMaxLength(f)))
			if values := enumOf(f); values != nil {
				for _, v := range values {
					s.Enum = append(s.Enum, v)
				}
			}
		default:
			return fmt.Errorf("query parameter %s: unsupported kind %s", name, f.Type.Kind())
		}
		p := openapi3.NewQueryParameter(name).WithSchema(s).WithDescription(f.Tag.Get("doc"))
		p.AllowEmptyValue = true // an empty value is as if left out
		out = append(out, p)
		return nil
	})
	return out, err
}

// eachQueryField calls fn for each `query`-tagged field of struct type t,
// embedded structs (listQuery) included.
func eachQueryField(t reflect.Type, fn func(index []int, f reflect.StructField, name string) error) error {
	for _, f := range reflect.VisibleFields(t) {
		name := f.Tag.Get("query")
		if name == "" || f.Anonymous {
			continue
		}
		if err := fn(f.Index, f, name); err != nil {
			return err
		}
	}
	return nil
}

// queryMaxLength is the most characters a string parameter may have: its
// `maxLength` tag (a file name sent in the query may be long, and is cut
// by the service), else 1000.
func queryMaxLength(f reflect.StructField) int {
	if n, err := strconv.Atoi(f.Tag.Get("maxLength")); err == nil {
		return n
	}
	return 1000
}

// enumOf is the values a string field may take: its `enum` tag, else its
// type's entry in the enum table.
func enumOf(f reflect.StructField) []string {
	if v := f.Tag.Get("enum"); v != "" {
		return enumLists[v]
	}
	t := f.Type
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return apiEnums[t]
}

// nonNil is list, or an empty list for nil: the API answers [] for an
// empty list, as the document says, never null.
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
