package orders

import (
	"slices"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/people"
)

// Bounds of a mapping's editable parts.
const (
	maxCardPatterns  = 50
	maxPatternRunes  = 100
	maxColumnsPerMap = 10
)

// ImportOptions are the user's choices for one import. Empty values take
// the preset's.
type ImportOptions struct {
	// Preset names the shop system (see Presets); "" is generic.
	Preset string `json:"preset"`
	// Encoding is auto, utf-8 or shift_jis; "" takes the preset's.
	Encoding string `json:"encoding"`
	// Mode is ModePartial (the default) or ModeAllOrNothing.
	Mode string `json:"mode"`
	// Columns replaces the preset's columns of the fields it names: field →
	// column headers or "#N" (the N-th column), in join order; an empty
	// list leaves the field unmapped.
	Columns map[string][]string `json:"columns"`
	// CardPatterns replaces the preset's payment-method texts that mean a
	// card payment, when not nil.
	CardPatterns []string `json:"card_patterns"`
}

// Mapping is an import's resolved mapping, stored with it.
type Mapping struct {
	// Columns has one entry per column of the file.
	Columns []ColumnMapping `json:"columns"`
	// Missing lists the preset's columns of optional fields that the file
	// does not have ("field: header"): left out, shown on the import.
	Missing      []string `json:"missing,omitempty"`
	CardPatterns []string `json:"card_patterns"`
	DateLayouts  []string `json:"date_layouts"`
	TimeZone     string   `json:"time_zone"`
}

// ColumnMapping says which field one column of the file feeds ("" for
// none: the column is not kept, not even in the stored upload) and, for a
// field fed by several columns, its place in the join.
type ColumnMapping struct {
	Column int    `json:"column"` // 1-based position in the file
	Header string `json:"header"` // as in the file, masked
	Field  string `json:"field"`
	Part   int    `json:"part,omitempty"`
}

// kept reports whether the column's cells are read at all.
func (m ColumnMapping) kept() bool { return m.Field != "" && m.Field != FieldCardData }

// resolve decides the preset, encoding and options of an import before
// the file is read; mapColumns then applies them to the file's header.
func resolve(opts ImportOptions) (Preset, error) {
	v := &apperr.ValidationError{}
	name := opts.Preset
	if name == "" {
		name = presetGeneric
	}
	pr, ok := FindPreset(name)
	if !ok {
		return pr, apperr.Invalid("preset", "validation.one_of", strings.Join(PresetNames(), ", "))
	}
	if opts.Encoding != "" {
		if !slices.Contains(Encodings, opts.Encoding) {
			v.Add("encoding", "validation.one_of", strings.Join(Encodings, ", "))
		}
		pr.Encoding = opts.Encoding
	}
	for field, cols := range opts.Columns {
		if !slices.Contains(Fields, field) {
			v.Add("columns."+field, "validation.mapping_field", strings.Join(Fields, ", "))
			continue
		}
		if len(cols) > maxColumnsPerMap {
			v.Add("columns."+field, "validation.order_mapping_too_many", maxColumnsPerMap)
		}
		pr.Columns[field] = cols
	}
	if opts.CardPatterns != nil {
		pr.CardPatterns = nil
		for _, p := range opts.CardPatterns {
			if p = strings.TrimSpace(p); p != "" {
				pr.CardPatterns = append(pr.CardPatterns, p)
			}
		}
		if len(pr.CardPatterns) > maxCardPatterns || slices.ContainsFunc(pr.CardPatterns, func(p string) bool { return len([]rune(p)) > maxPatternRunes }) {
			v.Add("card_patterns", "validation.order_card_patterns", maxCardPatterns, maxPatternRunes)
		}
	}
	return pr, v.OrNil()
}

// mapColumns applies the preset's columns to the file's (masked) header.
// A column is named by its header (compared as people.NormaliseHeader
// folds them) or by "#N"; a header the file has twice must be named by
// position. Columns of sensitive card data are dropped whatever the
// mapping says, and naming one is an error. The required fields must be
// found; a missing column of another field is left out and listed.
func mapColumns(pr Preset, header []string) (Mapping, error) {
	v := &apperr.ValidationError{}
	m := Mapping{Columns: make([]ColumnMapping, len(header)), CardPatterns: pr.CardPatterns, TimeZone: pr.TimeZone,
		DateLayouts: append(slices.Clone(pr.DateLayouts), commonLayouts...)}
	byHeader := map[string][]int{}
	for i, h := range header {
		m.Columns[i] = ColumnMapping{Column: i + 1, Header: h}
		if people.IsCardData(h) {
			m.Columns[i].Field = FieldCardData
		}
		byHeader[people.NormaliseHeader(h)] = append(byHeader[people.NormaliseHeader(h)], i)
	}
	for _, field := range Fields {
		for part, name := range pr.Columns[field] {
			name, _ = pan.Mask(strings.TrimSpace(name))
			i, code := findColumn(name, header, byHeader)
			switch {
			case code == "validation.order_mapping_no_column" && !slices.Contains(requiredFields, field):
				m.Missing = append(m.Missing, field+": "+name)
			case code != "":
				v.Add("columns."+field, code, name)
			case m.Columns[i].Field == FieldCardData:
				v.Add("columns."+field, "validation.mapping_card_data")
			case m.Columns[i].Field != "":
				v.Add("columns."+field, "validation.order_mapping_used", name, m.Columns[i].Field)
			default:
				m.Columns[i].Field, m.Columns[i].Part = field, part
			}
		}
	}
	for _, f := range requiredFields {
		if len(pr.Columns[f]) == 0 {
			v.Add("columns."+f, "validation.required")
		}
	}
	if !slices.ContainsFunc(m.Columns, func(c ColumnMapping) bool { return slices.Contains(identityFields, c.Field) }) && len(v.Fields) == 0 {
		v.Add("columns", "validation.order_mapping_identity")
	}
	return m, v.OrNil()
}

// findColumn finds one named column: its index, or the catalogue code of
// why not.
func findColumn(name string, header []string, byHeader map[string][]int) (int, string) {
	if rest, ok := strings.CutPrefix(name, "#"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(rest))
		if err != nil || n < 1 || n > len(header) {
			return 0, "validation.order_mapping_position"
		}
		return n - 1, ""
	}
	switch idx := byHeader[people.NormaliseHeader(name)]; len(idx) {
	case 0:
		return 0, "validation.order_mapping_no_column"
	case 1:
		return idx[0], ""
	}
	return 0, "validation.order_mapping_ambiguous"
}
