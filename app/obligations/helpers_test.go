package obligations

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// fx builds a facts JSON object from aware_at and further members.
func fx(aware, rest string) string {
	s := `{"aware_at":"` + aware + `"`
	if rest != "" {
		s += "," + rest
	}
	return s + "}"
}

// mustFacts parses and validates (without the clock) a facts JSON text.
func mustFacts(t *testing.T, js string) Facts {
	t.Helper()
	f, err := ParseFacts(strings.NewReader(js))
	if err != nil {
		t.Fatalf("ParseFacts(%s): %v", js, err)
	}
	if err := f.ValidateAssessment(); err != nil {
		t.Fatalf("ValidateAssessment(%s): %v", js, err)
	}
	return f
}

// find returns the obligation for a rule id.
func find(r Result, id string) (Obligation, bool) {
	i := slices.IndexFunc(r.Obligations, func(o Obligation) bool { return o.RuleID == id })
	if i < 0 {
		return Obligation{}, false
	}
	return r.Obligations[i], true
}

// hasReview reports whether r has a review with code (and field, when
// spec is "CODE@field").
func hasReview(r Result, spec string) bool {
	code, field, withField := strings.Cut(spec, "@")
	return slices.ContainsFunc(r.NeedsReview, func(n NeedsReview) bool {
		return n.Code == code && (!withField || n.Field == field)
	})
}

func fmtPtr(t *time.Time) string {
	if t == nil {
		return "<nil>"
	}
	return t.Format(time.RFC3339)
}

// checkWant checks one expectation: "-" absent, "+" present, or a list of
// "due|target|window <RFC 3339>" separated by ";".
func checkWant(t *testing.T, r Result, id, want string) {
	t.Helper()
	o, ok := find(r, id)
	switch want {
	case "-":
		if ok {
			t.Errorf("%s: present (due %s, target %s), want absent", id, fmtPtr(o.DueAt), fmtPtr(o.TargetAt))
		}
		return
	case "+":
		if !ok {
			t.Errorf("%s: absent, want present", id)
		}
		return
	}
	if !ok {
		t.Errorf("%s: absent, want %s", id, want)
		return
	}
	for _, part := range strings.Split(want, ";") {
		kind, val, _ := strings.Cut(strings.TrimSpace(part), " ")
		var got *time.Time
		switch kind {
		case "due":
			got = o.DueAt
		case "target":
			got = o.TargetAt
		case "window":
			got = o.WindowStart
		default:
			t.Fatalf("bad expectation %q", part)
		}
		if fmtPtr(got) != val {
			t.Errorf("%s: %s = %s, want %s\n  explanation: %s", id, kind, fmtPtr(got), val, o.Explanation.EN)
		}
	}
}
