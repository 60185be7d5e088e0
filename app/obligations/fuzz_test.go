package obligations

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// FuzzParseFacts checks that no input panics the parser, the validator or
// the engine; that invalid input yields field-named ValidationErrors; and
// that valid facts give a result that encodes and re-parses consistently.
func FuzzParseFacts(f *testing.F) {
	seeds := []string{
		``, `null`, `{}`, `[]`, `"x"`, `{"aware_at":null}`,
		fx("2026-11-30T16:30:00Z", card+`,"card_brands":["visa","mastercard","amex","jcb","diners"]`),
		fx("2026-12-01T10:00:00+09:00", `"data_items":["name","email"],"persons_affected":1000,"persons_upper_bound":1500`),
		fx("2026-12-01T10:00:00+09:00", `"data_items":["card_number"],"data_being_entered":true,"high_level_encryption":true,"key_compromised":false`),
		fx("2026-12-01T10:00:00+09:00", `"residents":{"JP":1200,"EU":40,"US-CA":600,"US-TX":250,"SG":500,"KR":1000,"AU":1,"CA":1,"UK":1,"OTHER":2},"eu_risk":"high"`),
		fx("2026-12-01T10:00:00+09:00", `"entrusted_processor":true,"principal_notified_at":"2026-12-01T12:00:00+09:00","timezone":"Europe/Berlin"`),
		fx("2023-01-01T00:00:00-12:00", `"persons_affected":1e3,"records_affected":9007199254740993`),
		`{"aware_at":"2026-12-01T10:00:00+09:00","residents":{"JP":"1"}}`,
		`{"aware_at":"0001-01-01T00:00:00Z"}`, `{"aware_at":"9999-12-31T23:59:59+14:00"}`,
		`{"aware_at":"2026-12-01T10:00:00+09:00"} trailing`, `{"a":1,"a":2}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	at := time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		facts, err := ParseFacts(bytes.NewReader(data))
		if err == nil {
			err = facts.Validate(at)
		}
		res := Compute(facts, at) // must not panic, valid or not
		if err != nil {
			var ve ValidationErrors
			if !errors.As(err, &ve) || len(ve) == 0 {
				t.Fatalf("error is not ValidationErrors: %v", err)
			}
			for _, e := range ve {
				if e.Field == "" || e.Reason == "" {
					t.Fatalf("error without field or reason: %+v", e)
				}
			}
			return
		}
		for _, o := range res.Obligations {
			if o.DueAt == nil && o.TargetAt == nil && o.DeadlineKind != KindNone {
				t.Fatalf("%s: no date", o.RuleID)
			}
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("marshal result: %v", err)
		}
		// Encoding the facts and parsing them back is stable.
		b1, err := json.Marshal(facts)
		if err != nil {
			t.Fatalf("marshal facts: %v", err)
		}
		again, err := ParseFacts(bytes.NewReader(b1))
		if err != nil {
			t.Fatalf("re-parse %s: %v", b1, err)
		}
		b2, _ := json.Marshal(again)
		if !bytes.Equal(b1, b2) {
			t.Fatalf("round trip differs:\n%s\n%s", b1, b2)
		}
	})
}
