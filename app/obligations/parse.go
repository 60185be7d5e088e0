package obligations

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"
)

// maxFactsBytes bounds the input: facts are a few hundred bytes, and the
// calculator must not be made to buffer an arbitrary stream.
const maxFactsBytes = 1 << 20

// ParseFacts reads one JSON object of facts from r. It rejects unknown
// fields, wrong types, malformed times and trailing data, naming the field
// in each ValidationError (several are collected in ValidationErrors). It
// does not check values against each other or against the clock: call
// Validate (or ValidateAssessment) next.
func ParseFacts(r io.Reader) (Facts, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFactsBytes+1))
	if err != nil {
		return Facts{}, fmt.Errorf("read facts: %w", err)
	}
	if len(data) > maxFactsBytes {
		return Facts{}, ValidationErrors{invalid("(input)", "validation.facts.too_large", "larger than %d bytes", maxFactsBytes)}
	}
	var f Facts
	if err := f.UnmarshalJSON(data); err != nil {
		return Facts{}, err
	}
	return f, nil
}

// UnmarshalJSON decodes facts strictly, like ParseFacts, so that the API
// layer gets the same field-named errors when it decodes a request body.
// Unlike encoding/json's DisallowUnknownFields it reports every bad field,
// not only the first, and keys must match exactly (no case folding).
func (f *Facts) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return ValidationErrors{invalid("(input)", "validation.facts.not_object", "not a JSON object: %s", jsonErrText(err))}
	}
	if raw == nil {
		return ValidationErrors{invalid("(input)", "validation.facts.null", "must be a JSON object, not null")}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return ValidationErrors{invalid("(input)", "validation.facts.trailing", "unexpected data after the JSON object")}
	}
	var out Facts
	var errs ValidationErrors
	for _, key := range slices.Sorted(maps.Keys(raw)) {
		decode, ok := factFields[key]
		if !ok {
			name := key
			if name == "" {
				name = `""` // an empty key must still be named
			}
			errs = append(errs, invalid(name, "validation.facts.unknown_field", "unknown field"))
			continue
		}
		if err := decode(&out, raw[key]); err != nil {
			var ve ValidationErrors
			if errors.As(err, &ve) {
				errs = append(errs, ve...)
			} else {
				errs = append(errs, on(key, err))
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	*f = out
	return nil
}

// factFields decodes each known field; the map doubles as the allow-list.
var factFields = map[string]func(*Facts, json.RawMessage) error{
	"aware_at":              func(f *Facts, m json.RawMessage) error { return decodeTime(m, &f.AwareAt) },
	"principal_notified_at": decodePrincipalNotifiedAt,
	"data_items":            func(f *Facts, m json.RawMessage) error { return decodeStrings(m, &f.DataItems) },
	"card_brands":           func(f *Facts, m json.RawMessage) error { return decodeStrings(m, &f.CardBrands) },
	"persons_affected":      func(f *Facts, m json.RawMessage) error { return decodeCount(m, &f.PersonsAffected) },
	"persons_upper_bound":   func(f *Facts, m json.RawMessage) error { return decodeCount(m, &f.PersonsUpperBound) },
	"records_affected":      func(f *Facts, m json.RawMessage) error { return decodeCount(m, &f.RecordsAffected) },
	"sensitive":             func(f *Facts, m json.RawMessage) error { return f.Sensitive.UnmarshalJSON(m) },
	"financial_damage_risk": func(f *Facts, m json.RawMessage) error { return f.FinancialDamageRisk.UnmarshalJSON(m) },
	"unauthorized_purpose":  func(f *Facts, m json.RawMessage) error { return f.UnauthorizedPurpose.UnmarshalJSON(m) },
	"high_level_encryption": func(f *Facts, m json.RawMessage) error { return f.HighLevelEncryption.UnmarshalJSON(m) },
	"key_compromised":       func(f *Facts, m json.RawMessage) error { return f.KeyCompromised.UnmarshalJSON(m) },
	"data_being_entered":    func(f *Facts, m json.RawMessage) error { return f.DataBeingEntered.UnmarshalJSON(m) },
	"external_access":       func(f *Facts, m json.RawMessage) error { return f.ExternalAccess.UnmarshalJSON(m) },
	"entrusted_processor":   func(f *Facts, m json.RawMessage) error { return f.EntrustedProcessor.UnmarshalJSON(m) },
	"residents":             decodeResidents,
	"eu_risk":               func(f *Facts, m json.RawMessage) error { return decodeString(m, &f.EURisk) },
	"timezone":              func(f *Facts, m json.RawMessage) error { return decodeString(m, &f.Timezone) },
}

func isNull(m json.RawMessage) bool { return string(bytes.TrimSpace(m)) == "null" }

// decodeTime accepts an RFC 3339 string with an explicit offset, or null.
// The offset is required because a bare local time is ambiguous by up to a
// day for the Japanese day counts.
func decodeTime(m json.RawMessage, dst *time.Time) error {
	if isNull(m) {
		*dst = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(m, &s); err != nil {
		return invalid("", "validation.facts.time_string", "must be an RFC 3339 time string, e.g. 2026-12-01T10:00:00+09:00")
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return invalid("", "validation.facts.time_offset", "must be an RFC 3339 time with offset, e.g. 2026-12-01T10:00:00+09:00 (got %q)", s)
	}
	*dst = t
	return nil
}

func decodePrincipalNotifiedAt(f *Facts, m json.RawMessage) error {
	var t time.Time
	if err := decodeTime(m, &t); err != nil {
		return err
	}
	if !t.IsZero() {
		f.PrincipalNotifiedAt = &t
	}
	return nil
}

// decodeStrings decodes an array of strings (or null) into a slice of a
// string type; membership in the vocabulary is checked by Validate.
func decodeStrings[S ~string](m json.RawMessage, dst *[]S) error {
	if isNull(m) {
		*dst = nil
		return nil
	}
	var ss []string
	if err := json.Unmarshal(m, &ss); err != nil {
		return invalid("", "validation.facts.strings", "must be an array of strings")
	}
	out := make([]S, len(ss))
	for i, s := range ss {
		out[i] = S(s)
	}
	*dst = out
	return nil
}

func decodeString[S ~string](m json.RawMessage, dst *S) error {
	if isNull(m) {
		*dst = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(m, &s); err != nil {
		return invalid("", "validation.facts.string", "must be a string or null")
	}
	*dst = S(s)
	return nil
}

// parseCount parses a JSON number that must be a whole number in int64
// range; negative values pass here and are rejected by Validate, which
// names them as negative rather than as malformed.
func parseCount(m json.RawMessage) (int64, error) {
	// json.Number would also accept the string "10": require a bare number
	// so that a spreadsheet export with quoted cells is noticed.
	var n json.Number
	if t := bytes.TrimSpace(m); len(t) > 0 && t[0] == '"' {
		return 0, invalid("", "validation.facts.count_string", "must be a whole number, not a string")
	}
	if err := json.Unmarshal(m, &n); err != nil {
		return 0, invalid("", "validation.facts.count", "must be a whole number or null")
	}
	v, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil {
		// Accept 1e3 or 1000.0 as long as it is an exact whole number.
		fl, ferr := strconv.ParseFloat(n.String(), 64)
		if ferr != nil || fl != math.Trunc(fl) || math.Abs(fl) > 1<<53 {
			return 0, invalid("", "validation.whole_number", "must be a whole number")
		}
		v = int64(fl)
	}
	return v, nil
}

func decodeCount(m json.RawMessage, dst **int64) error {
	if isNull(m) {
		*dst = nil
		return nil
	}
	v, err := parseCount(m)
	if err != nil {
		return err
	}
	*dst = &v
	return nil
}

func decodeResidents(f *Facts, m json.RawMessage) error {
	if isNull(m) {
		f.Residents = nil
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(m, &raw); err != nil || raw == nil {
		return invalid("", "validation.facts.residents_object", `must be an object mapping jurisdiction codes to counts, e.g. {"JP":1200}`)
	}
	var errs ValidationErrors
	out := make(map[Jurisdiction]int64, len(raw))
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		v, err := parseCount(raw[k])
		if err != nil {
			errs = append(errs, on("residents."+k, err))
			continue
		}
		out[Jurisdiction(k)] = v
	}
	if len(errs) > 0 {
		return errs
	}
	f.Residents = out
	return nil
}

// jsonErrText shortens encoding/json errors to their useful part.
func jsonErrText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	}
	if errors.Is(err, io.EOF) {
		return "empty input"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of input"
	}
	return err.Error()
}
