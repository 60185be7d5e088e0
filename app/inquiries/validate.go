package inquiries

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/pan"
)

// Length limits of the free-text fields (the schema's CHECK constraints).
const (
	maxShort    = 200
	maxQuestion = 5000
	maxAnswer   = 5000
	maxFAQQ     = 1000
)

// masker passes free text through the PAN guard and counts what it
// masked, so a change's audit row can say how many card numbers were
// removed without repeating any of them.
type masker struct{ n int }

// text trims s and reduces every card number in it to brand + last 4.
func (m *masker) text(s string) string {
	out, n := pan.Mask(strings.TrimSpace(s))
	m.n += n
	return out
}

// checkLen bounds a field's length; the text is checked after masking,
// which is what the database stores.
func checkLen(v *apperr.ValidationError, field, s string, max int, required bool) {
	switch n := utf8.RuneCountInString(s); {
	case required && n == 0:
		v.Add(field, "validation.required")
	case n > max:
		v.Add(field, "validation.max_chars", max)
	}
}

// checkOneOf requires s to be one of allowed.
func checkOneOf(v *apperr.ValidationError, field, s string, allowed []string) {
	if !slices.Contains(allowed, s) {
		v.Add(field, "validation.one_of", strings.Join(allowed, ", "))
	}
}

// or returns s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
