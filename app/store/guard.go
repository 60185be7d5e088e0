package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/pan"
)

// The card-number guard on every write GORM makes. Whatever a service
// forgets, text reaches a table only through here: each string of the
// model written (fields, pointers, slices, maps, nested structs kept as
// JSON, JSON documents) and each string argument of a raw statement
// passes pan.Mask, so a card number is stored as brand and last four
// digits. A new column is covered by being a field; nothing to remember.
//
// A field's `pan` tag changes that:
//
//	pan:"refuse"  the write fails with a 422 naming the field when the text
//	              holds a card number (titles, slugs, e-mail addresses,
//	              account names: masking would make them wrong or
//	              ambiguous)
//	pan:"-"       not read (hashes, random tokens, numbers checked by their
//	              own check digit); each use says why
//
// A NUL character, which no PostgreSQL text can hold, is refused the same
// way, before the database would fail on it (and log the statement). So is
// a time outside minYear–maxYear (a year 0000 typed into a date field): no
// incident, report or person's record lies there, and such a date would
// print wrongly in every document that shows it.
// Raw statements have no fields: their string arguments are masked,
// which keeps lookups consistent with what was stored.
const (
	tagRefuse = "refuse"
	tagSkip   = "-"
)

// The years a stored time may fall in. The zero time is let through: it
// is "not set", and the columns that need a value say so themselves.
const (
	minYear = 1900
	maxYear = 2200
)

var timeType = reflect.TypeFor[time.Time]()

// when checks one time of the field named field.
func (g *guard) when(t time.Time, field string) {
	if t.IsZero() || (t.Year() >= minYear && t.Year() <= maxYear) {
		return
	}
	if field == "" {
		field = "value"
	}
	g.errs.Add(field, "validation.year_range", t.Year(), minYear, maxYear)
}

// guardWrites registers the guard's callbacks on db.
func guardWrites(db *gorm.DB) error {
	cb := db.Callback()
	for _, reg := range []func() error{
		func() error { return cb.Create().Before("gorm:create").Register("pan:guard_create", guardModel) },
		func() error { return cb.Update().Before("gorm:update").Register("pan:guard_update", guardModel) },
		func() error { return cb.Raw().Before("gorm:raw").Register("pan:guard_raw", guardVars) },
		func() error { return cb.Row().Before("gorm:row").Register("pan:guard_row", guardVars) },
	} {
		if err := reg(); err != nil {
			return err
		}
	}
	return nil
}

// guardModel guards the model being created or updated, and the values of
// an update (a struct or a column → value map).
func guardModel(db *gorm.DB) {
	if db.Error != nil || db.Statement == nil {
		return
	}
	st := db.Statement
	g := &guard{db: db}
	switch d := st.Dest.(type) {
	case nil:
	case map[string]any:
		for col, v := range d {
			d[col] = g.any(v, col, fieldTag(st.Schema, col))
		}
	default:
		// Updates(struct) passes the values apart from the model; a value
		// (not a pointer) is guarded as a copy that replaces it.
		dv := reflect.ValueOf(d)
		switch {
		case dv.Kind() == reflect.Struct:
			cp := reflect.New(dv.Type()).Elem()
			cp.Set(dv)
			g.walk(cp, "", "")
			st.Dest = cp.Interface()
		case dv.Kind() == reflect.Pointer && st.ReflectValue.CanAddr() && dv.Pointer() == st.ReflectValue.Addr().Pointer():
			// the model itself, walked below
		default:
			g.walk(dv, "", "")
		}
	}
	if st.ReflectValue.IsValid() {
		g.walk(st.ReflectValue, "", "")
	}
	if err := g.errs.OrNil(); err != nil {
		_ = db.AddError(err)
	}
}

// guardVars masks the string arguments of a raw statement.
func guardVars(db *gorm.DB) {
	if db.Error != nil || db.Statement == nil {
		return
	}
	g := &guard{db: db}
	for i, v := range db.Statement.Vars {
		db.Statement.Vars[i] = g.any(v, "", "")
	}
	if err := g.errs.OrNil(); err != nil {
		_ = db.AddError(err)
	}
}

// guard walks one write's values, masking in place and collecting the
// fields that must refuse.
type guard struct {
	db   *gorm.DB
	errs apperr.ValidationError
	seen map[uintptr]bool // pointers already walked
}

// text guards one string of the field named field (its column; "" for a
// raw argument).
func (g *guard) text(s, field, tag string) string {
	if tag == tagSkip {
		return s
	}
	name := field
	if name == "" {
		name = "value"
	}
	if strings.IndexByte(s, 0) >= 0 {
		g.errs.Add(name, "validation.nul")
		return s
	}
	if isTimestamp(s) {
		// A string that is an RFC 3339 time (a JSON document's times,
		// with microseconds) is a time: its digits can pass Luhn with a
		// card's prefix, and masking would break it for every reader.
		return s
	}
	if tag == tagRefuse {
		if pan.Contains(s) {
			g.errs.Add(name, "validation.full_pan")
		}
		return s
	}
	out, _ := pan.Mask(s)
	return out
}

// isTimestamp reports whether s is an RFC 3339 time and nothing else.
func isTimestamp(s string) bool {
	if len(s) < len("2006-01-02T15:04:05Z") || len(s) > 40 || s[4] != '-' || s[10] != 'T' {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

// any guards a value of unknown type and returns it (masked strings are
// new values; the rest is changed in place where it can be).
func (g *guard) any(v any, field, tag string) any {
	switch x := v.(type) {
	case string:
		return g.text(x, field, tag)
	case time.Time:
		g.when(x, field)
		return x
	case *string:
		if x != nil {
			*x = g.text(*x, field, tag)
		}
		return x
	case []byte, json.RawMessage, nil:
		if raw, ok := v.(json.RawMessage); ok && tag != tagSkip {
			return g.json(raw, field)
		}
		return v
	case map[string]any: // named arguments of a raw statement
		for k, e := range x {
			x[k] = g.any(e, field, tag)
		}
		return x
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Struct, reflect.Slice, reflect.Array, reflect.Map:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			return v // bytes: files, hashes
		}
		if rv.Kind() != reflect.Pointer {
			// Not addressable: walk a copy and hand that back.
			cp := reflect.New(rv.Type()).Elem()
			cp.Set(rv)
			g.walk(cp, field, tag)
			return cp.Interface()
		}
		g.walk(rv, field, tag)
	}
	return v
}

// walk guards every string reachable from rv, which is settable where the
// strings are to be replaced.
func (g *guard) walk(rv reflect.Value, field, tag string) {
	if tag == tagSkip || !rv.IsValid() {
		return
	}
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return
		}
		if rv.Kind() == reflect.Pointer {
			if g.seen == nil {
				g.seen = map[uintptr]bool{}
			}
			if g.seen[rv.Pointer()] {
				return
			}
			g.seen[rv.Pointer()] = true
		}
		if rv.Kind() == reflect.Interface {
			inner := rv.Elem()
			if s, ok := inner.Interface().(string); ok && rv.CanSet() {
				rv.Set(reflect.ValueOf(g.text(s, field, tag)))
				return
			}
			g.walk(inner, field, tag)
			return
		}
		g.walk(rv.Elem(), field, tag)
	case reflect.String:
		if s := rv.String(); rv.CanSet() {
			if out := g.text(s, field, tag); out != s {
				rv.SetString(out)
			}
		} else {
			g.text(s, field, tag) // refusals still count
		}
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			if raw, ok := rv.Interface().(json.RawMessage); ok && rv.CanSet() {
				rv.Set(reflect.ValueOf(g.json(raw, field)))
			}
			return
		}
		for i := range rv.Len() {
			g.walk(rv.Index(i), field, tag)
		}
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String || rv.IsNil() {
			return
		}
		for _, k := range rv.MapKeys() {
			v := rv.MapIndex(k)
			cp := reflect.New(v.Type()).Elem()
			cp.Set(v)
			g.walk(cp, field, tag)
			key := g.text(k.String(), field, tag)
			if key != k.String() {
				rv.SetMapIndex(k, reflect.Value{})
			}
			rv.SetMapIndex(reflect.ValueOf(key).Convert(k.Type()), cp)
		}
	case reflect.Struct:
		if rv.Type() == timeType {
			g.when(rv.Interface().(time.Time), field)
			return
		}
		if s := g.schemaOf(rv.Type()); s != nil {
			for _, f := range s.Fields {
				if f.StructField.Index == nil || len(f.StructField.Index) != 1 || !f.StructField.IsExported() {
					continue
				}
				g.walk(rv.Field(f.StructField.Index[0]), cmp.Or(f.DBName, field), f.Tag.Get("pan"))
			}
			return
		}
		t := rv.Type()
		for i := range t.NumField() {
			if sf := t.Field(i); sf.IsExported() {
				g.walk(rv.Field(i), field, sf.Tag.Get("pan"))
			}
		}
	}
}

// json guards the strings inside a JSON document; the document is
// rewritten only when one changed. A card number written as a JSON number
// is refused: it cannot be masked and stay a number.
func (g *guard) json(raw json.RawMessage, field string) json.RawMessage {
	if len(raw) == 0 || !pan.Contains(string(raw)) && !bytes.ContainsRune(raw, 0) && !bytes.Contains(raw, []byte(`\u0000`)) {
		return raw
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		masked, _ := pan.Mask(string(raw))
		return json.RawMessage(masked)
	}
	v = g.jsonValue(v, field)
	out, err := json.Marshal(v)
	if err != nil {
		g.errs.Add(cmp.Or(field, "value"), "validation.json")
		return raw
	}
	return out
}

func (g *guard) jsonValue(v any, field string) any {
	switch x := v.(type) {
	case string:
		return g.text(x, field, "")
	case json.Number:
		if pan.Contains(x.String()) {
			g.errs.Add(cmp.Or(field, "value"), "validation.full_pan")
		}
		return x
	case []any:
		for i := range x {
			x[i] = g.jsonValue(x[i], field)
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[g.text(k, field, "")] = g.jsonValue(e, field)
		}
		return out
	}
	return v
}

// schemaOf is the schema of the statement's model, or of another table's
// model, parsed once; nil for a struct nested in a model (kept as JSON),
// whose fields are walked under the column's name.
func (g *guard) schemaOf(t reflect.Type) *schema.Schema {
	if s := g.db.Statement.Schema; s != nil && s.ModelType == t {
		return s
	}
	if !isModel(t) {
		return nil
	}
	s, err := schema.Parse(reflect.New(t).Interface(), schemaCache, g.db.NamingStrategy)
	if err != nil {
		return nil
	}
	return s
}

// isModel tells a table's model (it has a TableName method) from the
// structs nested in one.
func isModel(t reflect.Type) bool {
	_, ok := reflect.New(t).Interface().(schema.Tabler)
	return ok
}

var schemaCache = &sync.Map{}

// fieldTag is the pan tag of the model field stored in column col.
func fieldTag(s *schema.Schema, col string) string {
	if s == nil {
		return ""
	}
	if f := s.LookUpField(col); f != nil {
		return f.Tag.Get("pan")
	}
	return ""
}
