// Package pan finds full card numbers (PANs) in text and reduces them to
// brand and last four digits, so that no input path ever stores one.
// A PAN is 13–19 digits, optionally grouped by single spaces or hyphens
// (also full-width digits, as Japanese input methods produce), that passes
// the Luhn check. "Digit" includes every character that Unicode NFKC
// folds into ASCII digits, "space or hyphen" every space and the dashes
// people type between groups, because text is normalised after the guard
// in places (e-mail addresses, phone numbers, ids): a number the guard
// passed must not become a plain PAN there. Invisible characters (format
// characters, combining marks) inside a number do not end it.
package pan

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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

// compatDigits maps each non-ASCII character that NFKC folds into ASCII
// digits to those digits: full-width ０–９, superscripts, subscripts,
// circled ①–㊿, mathematical 𝟒 and segmented digits.
var compatDigits = func() map[rune]string {
	m := map[rune]string{}
	add := func(lo, hi, stride uint32) {
		for r := lo; r <= hi; r += stride {
			k := norm.NFKC.String(string(rune(r)))
			if r >= utf8.RuneSelf && k != "" && strings.Trim(k, "0123456789") == "" {
				m[rune(r)] = k
			}
		}
	}
	for _, rg := range unicode.N.R16 {
		add(uint32(rg.Lo), uint32(rg.Hi), uint32(rg.Stride))
	}
	for _, rg := range unicode.N.R32 {
		add(rg.Lo, rg.Hi, rg.Stride)
	}
	return m
}()

// digitValue returns the ASCII digits r stands for (two for ⑫).
func digitValue(r rune) (string, bool) {
	if r >= '0' && r <= '9' {
		return asciiDigits[r-'0' : r-'0'+1], true
	}
	if !compatRange(r) {
		return "", false
	}
	d, ok := compatDigits[r]
	return d, ok
}

const asciiDigits = "0123456789"

// compatRange reports whether r lies in one of the blocks that hold
// compatibility digits (² … ⁹, ₀ … ₉, ① … ⑳ ⓪, ㉑ … ㉟, ㊱ … ㊿, ０ … ９,
// 𝟎 … 𝟿, the outlined 𜳰 … 𜳹 of Unicode 16, 🯰 … 🯹), so that kana and
// kanji skip the map. The map itself follows the Unicode tables of the
// toolchain, so a newer one only ever widens what the range must let in.
func compatRange(r rune) bool {
	switch {
	case r < 0xB2:
		return false
	case r < 0x2070:
		return r <= 0xB9
	case r < 0x3251:
		return r <= 0x24EA
	case r < 0xFF10:
		return r <= 0x32BF
	}
	return r <= 0xFF19 || (r >= 0x1CCF0 && r <= 0x1FBF9)
}

// DigitCount returns how many digits of a card number the guard reads in
// r: 1 for an ASCII digit or a character NFKC folds into one (０, ¹, ①,
// 𝟒), 2 for a circled number from ⑩ to ㊿, else 0. Callers that skip
// the guard for text with too few digits must count the same way.
func DigitCount(r rune) int {
	d, _ := digitValue(r)
	return len(d)
}

// isSeparator is a space of any width or a dash: the hyphen-like
// characters that Japanese input produces between digit groups (－, ‐, ―,
// the long-vowel mark ー and its half-width form) and the dashes that
// NFKC and the importers' normalisation turn into "-" (‑, ‒, –, —, −, ﹣
// and the presentation forms ︱, ︲, ﹘).
func isSeparator(r rune) bool {
	switch r {
	case '-', '－', '‐', '‑', '‒', '–', '—', '―', '−', 'ー', 'ｰ', '﹣', '︱', '︲', '﹘':
		return true
	}
	return unicode.Is(unicode.Zs, r)
}

// isInvisible is a character not shown on its own: a format character
// (zero-width space, soft hyphen, word joiner, bidi controls) or a
// combining mark. Between the digits of a number it hides nothing from a
// reader, so it must hide nothing from the guard either.
func isInvisible(r rune) bool {
	return r >= 0xAD && unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me)
}

// skipInvisible returns the offset of the first visible character of s
// at or after i.
func skipInvisible(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isInvisible(r) {
			break
		}
		i += size
	}
	return i
}

// runs finds the maximal digit runs of s. Invisible characters after a
// digit continue its run; one separator continues it when a digit follows.
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
			cur.digits = append(cur.digits, d...)
			cur.end = i + size
			lastDigitEnd = i + size
		} else if cur != nil && i == lastDigitEnd && isInvisible(r) {
			lastDigitEnd = i + size
		} else if cur != nil && i == lastDigitEnd && isSeparator(r) {
			j := skipInvisible(s, i+size)
			if next, _ := utf8.DecodeRuneInString(s[j:]); j < len(s) && DigitCount(next) > 0 {
				i = j
				continue
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
