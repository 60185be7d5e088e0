// Package pan finds full card numbers (PANs) in text and reduces them to
// brand and last four digits, so that no input path ever stores one.
// A PAN is 13–19 digits, optionally grouped by single spaces or hyphens
// (also full-width digits, as Japanese input methods produce), that passes
// the Luhn check.
package pan

import (
	"strings"
	"unicode/utf8"
)

// Match is one card number found in a text.
type Match struct {
	Start, End int    // byte offsets of the whole digit run in the text
	Brand      string // visa, mastercard, amex, jcb, diners, discover, unionpay or card
	Last4      string
}

// Masked is how a match is written back: brand and last four only.
func (m Match) Masked() string { return "[" + m.Brand + " ****" + m.Last4 + "]" }

// run is a maximal stretch of digits joined by single separators.
type run struct {
	start, end int
	digits     []byte // ASCII digits
}

func digitValue(r rune) (byte, bool) {
	switch {
	case r >= '0' && r <= '9':
		return byte(r), true
	case r >= '０' && r <= '９':
		return byte('0' + (r - '０')), true
	}
	return 0, false
}

func isSeparator(r rune) bool {
	return r == ' ' || r == '-' || r == '\u3000' || r == '－' || r == '‐' || r == '―'
}

func runs(s string) []run {
	var out []run
	var cur *run
	lastDigitEnd := -1
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if d, ok := digitValue(r); ok {
			if cur == nil {
				out = append(out, run{start: i})
				cur = &out[len(out)-1]
			}
			cur.digits = append(cur.digits, d)
			cur.end = i + size
			lastDigitEnd = i + size
		} else if cur != nil && isSeparator(r) && i == lastDigitEnd {
			// one separator may continue the run if a digit follows
			if next, _ := utf8.DecodeRuneInString(s[i+size:]); i+size < len(s) {
				if _, ok := digitValue(next); ok {
					i += size
					continue
				}
			}
			cur = nil
		} else {
			cur = nil
		}
		i += size
	}
	return out
}

// Find returns every card number in s, in order.
func Find(s string) []Match {
	var out []Match
	for _, r := range runs(s) {
		n := len(r.digits)
		switch {
		case n < 13:
			continue
		case n <= 19:
			if Luhn(r.digits) {
				out = append(out, Match{Start: r.start, End: r.end, Brand: Brand(r.digits), Last4: string(r.digits[n-4:])})
				continue
			}
		}
		// A PAN glued to other digits: mask the whole run when some
		// 13–19 digit window is Luhn-valid with a known brand prefix.
		if m, ok := embedded(r); ok {
			out = append(out, m)
		}
	}
	return out
}

func embedded(r run) (Match, bool) {
	n := len(r.digits)
	for i := 0; i+13 <= n; i++ {
		for l := 19; l >= 13; l-- {
			if i+l > n {
				continue
			}
			w := r.digits[i : i+l]
			if b := Brand(w); b != "card" && Luhn(w) && (l == 16 || l == 15 || b == "visa" || b == "unionpay") {
				return Match{Start: r.start, End: r.end, Brand: b, Last4: string(w[l-4:])}, true
			}
		}
	}
	return Match{}, false
}

// Mask replaces every card number in s by its masked form and reports how
// many it replaced.
func Mask(s string) (string, int) {
	ms := Find(s)
	if len(ms) == 0 {
		return s, 0
	}
	var b strings.Builder
	prev := 0
	for _, m := range ms {
		b.WriteString(s[prev:m.Start])
		b.WriteString(m.Masked())
		prev = m.End
	}
	b.WriteString(s[prev:])
	return b.String(), len(ms)
}

// Contains reports whether s holds a card number.
func Contains(s string) bool { return len(Find(s)) > 0 }

// Luhn checks the mod-10 check digit of ASCII digits.
func Luhn(digits []byte) bool {
	sum, double := 0, false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return len(digits) > 0 && sum%10 == 0
}

// Brand names the card scheme from the number's prefix (IIN ranges).
func Brand(d []byte) string {
	p := func(n int) int {
		v := 0
		for i := 0; i < n && i < len(d); i++ {
			v = v*10 + int(d[i]-'0')
		}
		return v
	}
	switch {
	case d[0] == '4':
		return "visa"
	case p(2) >= 51 && p(2) <= 55, p(4) >= 2221 && p(4) <= 2720:
		return "mastercard"
	case p(2) == 34 || p(2) == 37:
		return "amex"
	case p(4) >= 3528 && p(4) <= 3589:
		return "jcb"
	case p(3) >= 300 && p(3) <= 305, p(2) == 36, p(2) == 38, p(2) == 39:
		return "diners"
	case p(4) == 6011, p(2) == 65, p(3) >= 644 && p(3) <= 649:
		return "discover"
	case p(2) == 62:
		return "unionpay"
	}
	return "card"
}
