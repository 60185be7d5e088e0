package obligations

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)

func TestParseAndValidateErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		input string
		field string // every listed field must be named
		why   string // substring of the reason
	}{
		{"missing aware_at", `{"data_items":["email"]}`, "aware_at", "required"},
		{"null aware_at", `{"aware_at":null}`, "aware_at", "required"},
		{"aware_at without offset", `{"aware_at":"2026-12-01T10:00:00"}`, "aware_at", "RFC 3339"},
		{"aware_at as number", `{"aware_at":12}`, "aware_at", "RFC 3339"},
		{"aware_at in the future", `{"aware_at":"2026-12-10T21:06:00+09:00"}`, "aware_at", "future"},
		{"aware_at implausibly early", `{"aware_at":"1960-01-01T00:00:00Z"}`, "aware_at", "implausible"},
		{"unknown field", `{"aware_at":"2026-12-01T10:00:00+09:00","awareAt":"x"}`, "awareAt", "unknown field"},
		{"case-folded field is unknown", `{"AWARE_AT":"2026-12-01T10:00:00+09:00"}`, "AWARE_AT", "unknown field"},
		{"unknown data item", `{"aware_at":"2026-12-01T10:00:00+09:00","data_items":["email","card_numbr"]}`, "data_items[1]", `"card_numbr"`},
		{"data items not strings", `{"aware_at":"2026-12-01T10:00:00+09:00","data_items":[1]}`, "data_items", "array of strings"},
		{"negative persons", `{"aware_at":"2026-12-01T10:00:00+09:00","persons_affected":-1}`, "persons_affected", "negative"},
		{"negative records", `{"aware_at":"2026-12-01T10:00:00+09:00","records_affected":-5}`, "records_affected", "negative"},
		{"fractional count", `{"aware_at":"2026-12-01T10:00:00+09:00","persons_affected":1.5}`, "persons_affected", "whole number"},
		{"count as string", `{"aware_at":"2026-12-01T10:00:00+09:00","persons_affected":"10"}`, "persons_affected", "whole number"},
		{"upper bound below affected", `{"aware_at":"2026-12-01T10:00:00+09:00","persons_affected":10,"persons_upper_bound":5}`, "persons_upper_bound", "less than"},
		{"unknown jurisdiction", `{"aware_at":"2026-12-01T10:00:00+09:00","residents":{"US-ZZ":3}}`, "residents.US-ZZ", "unknown jurisdiction"},
		{"negative residents", `{"aware_at":"2026-12-01T10:00:00+09:00","residents":{"JP":-3}}`, "residents.JP", "negative"},
		{"residents above upper bound", `{"aware_at":"2026-12-01T10:00:00+09:00","persons_upper_bound":5,"residents":{"JP":6}}`, "residents", "exceeds"},
		{"residents not an object", `{"aware_at":"2026-12-01T10:00:00+09:00","residents":[1]}`, "residents", "object"},
		{"bad timezone", `{"aware_at":"2026-12-01T10:00:00+09:00","timezone":"Mars/Olympus"}`, "timezone", "unknown time zone"},
		{"Local timezone", `{"aware_at":"2026-12-01T10:00:00+09:00","timezone":"Local"}`, "timezone", "unknown time zone"},
		{"bad tri", `{"aware_at":"2026-12-01T10:00:00+09:00","sensitive":"yes"}`, "sensitive", "true, false or null"},
		{"bad eu_risk", `{"aware_at":"2026-12-01T10:00:00+09:00","eu_risk":"medium"}`, "eu_risk", "none, risk, high"},
		{"unknown card brand", `{"aware_at":"2026-12-01T10:00:00+09:00","card_brands":["visa","maestro"]}`, "card_brands[1]", "unknown card brand"},
		{"principal notified in the future", `{"aware_at":"2026-12-01T10:00:00+09:00","principal_notified_at":"2027-01-01T00:00:00Z"}`, "principal_notified_at", "future"},
		{"not an object", `[1,2]`, "(input)", "JSON object"},
		{"null document", `null`, "(input)", "not null"},
		{"empty input", ``, "(input)", "empty input"},
		{"syntax error", `{"aware_at":`, "(input)", "not a JSON object"},
		{"trailing data", `{"aware_at":"2026-12-01T10:00:00+09:00"} {}`, "(input)", "after the JSON object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f, err := ParseFacts(strings.NewReader(c.input))
			if err == nil {
				err = f.Validate(now)
			}
			var ve ValidationErrors
			if !errors.As(err, &ve) {
				t.Fatalf("error = %v, want ValidationErrors", err)
			}
			for _, e := range ve {
				if e.Field == c.field && strings.Contains(e.Reason, c.why) {
					return
				}
			}
			t.Fatalf("no error for %s containing %q in %v", c.field, c.why, err)
		})
	}
}

func TestValidationCollectsSeveralErrors(t *testing.T) {
	t.Parallel()
	f, err := ParseFacts(strings.NewReader(`{"data_items":["x","y"],"persons_affected":-1,"timezone":"Nowhere/City","residents":{"XX":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	err = f.Validate(now)
	var ve ValidationErrors
	if !errors.As(err, &ve) || len(ve) != 6 {
		t.Fatalf("want 6 errors, got %v", err)
	}
	// Parse errors are collected across fields too.
	_, err = ParseFacts(strings.NewReader(`{"aware_at":1,"foo":2,"sensitive":3}`))
	if !errors.As(err, &ve) || len(ve) != 3 {
		t.Fatalf("want 3 parse errors, got %v", err)
	}
}

func TestValidateClockSkewAndAssessment(t *testing.T) {
	t.Parallel()
	ok := Facts{AwareAt: now.Add(4 * time.Minute)}
	if err := ok.Validate(now); err != nil {
		t.Errorf("4 minutes ahead is clock skew, got %v", err)
	}
	late := Facts{AwareAt: now.Add(6 * time.Minute)}
	if err := late.Validate(now); err == nil {
		t.Error("6 minutes ahead should be invalid")
	}
	// The case workflow validates the assessment without aware_at.
	noAware := Facts{DataItems: []DataItem{ItemEmail}}
	if err := noAware.ValidateAssessment(); err != nil {
		t.Errorf("ValidateAssessment without aware_at: %v", err)
	}
	if err := noAware.Validate(now); err == nil {
		t.Error("Validate without aware_at should fail")
	}
	bad := Facts{Sensitive: Tri(7)}
	if err := bad.ValidateAssessment(); err == nil {
		t.Error("invalid Tri value should fail")
	}
}

func TestParseFactsRoundTrip(t *testing.T) {
	t.Parallel()
	in := `{"aware_at":"2026-12-01T10:00:00+09:00","data_items":["card_number"],"persons_affected":1e3,"persons_upper_bound":null,` +
		`"sensitive":null,"financial_damage_risk":false,"unauthorized_purpose":true,"residents":{"JP":999,"EU":1},"card_brands":["visa"],` +
		`"eu_risk":"high","timezone":"Asia/Tokyo","principal_notified_at":"2026-12-02T10:00:00+09:00","entrusted_processor":true}`
	f, err := ParseFacts(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if *f.PersonsAffected != 1000 || f.PersonsUpperBound != nil || !f.Sensitive.IsUnknown() || !f.FinancialDamageRisk.IsFalse() ||
		!f.UnauthorizedPurpose.IsTrue() || f.Residents[JP] != 999 || f.PrincipalNotifiedAt == nil {
		t.Fatalf("parsed %+v", f)
	}
	if err := f.Validate(now); err != nil {
		t.Fatal(err)
	}
}

func TestTri(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ a, b, or Tri }{
		{True, Unknown, True}, {False, False, False}, {False, Unknown, Unknown}, {Unknown, Unknown, Unknown},
	} {
		if got := c.a.Or(c.b); got != c.or {
			t.Errorf("%v.Or(%v) = %v, want %v", c.a, c.b, got, c.or)
		}
	}
	for v, js := range map[Tri]string{True: "true", False: "false", Unknown: "null"} {
		b, _ := v.MarshalJSON()
		if string(b) != js {
			t.Errorf("%v marshals to %s", v, b)
		}
	}
}
