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
	"regexp"
	"slices"
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

// run is a stretch of digits joined by separator gaps.
type run struct {
	start, end int
	digits     []byte  // ASCII digits
	groups     []group // the digit groups between the gaps
}

// group is one stretch of digits of a run with no separator inside.
type group struct {
	start, end int // byte offsets in the text
	from, to   int // its digits: run.digits[from:to]
}

// digitOf maps each non-ASCII character the scan reads as digits to those
// ASCII digits: every decimal digit of every script (Arabic-Indic ٤,
// Devanagari ४, full-width ４, mathematical 𝟒 …) and every character NFKC
// folds into digits, alone or followed by punctuation (superscripts,
// circled ①–㊿, ⒈ "1."). anyDigits is wider: the digits in the NFKC form
// of any character that has some (㋀ "1月" too), for DigitCount.
var digitOf, anyDigits = digitTables()

func digitTables() (map[rune]string, map[rune]string) {
	of, any := map[rune]string{}, map[rune]string{}
	// Unicode's decimal digits come in blocks of ten starting at zero.
	decimal := func(lo, hi rune) {
		for r := max(lo, utf8.RuneSelf); r <= hi; r++ {
			of[r] = asciiDigits[(r-lo)%10 : (r-lo)%10+1]
		}
	}
	for _, rg := range unicode.Nd.R16 {
		decimal(rune(rg.Lo), rune(rg.Hi))
	}
	for _, rg := range unicode.Nd.R32 {
		decimal(rune(rg.Lo), rune(rg.Hi))
	}
	for r, d := range of {
		any[r] = d
	}
	for _, blk := range nfkcDigitBlocks {
		for r := blk[0]; r <= blk[1]; r++ {
			if _, ok := of[r]; ok {
				continue
			}
			k := norm.NFKC.String(string(r))
			var d []byte
			for i := 0; i < len(k); i++ {
				if k[i] >= '0' && k[i] <= '9' {
					d = append(d, k[i])
				}
			}
			if len(d) == 0 {
				continue
			}
			any[r] = string(d)
			if rest := strings.TrimLeft(k, asciiDigits); rest == "" || strings.Trim(rest, ".,") == "" {
				of[r] = string(d)
			}
		}
	}
	return of, any
}

// nfkcDigitBlocks are where characters whose NFKC form holds ASCII digits
// live (a test walks every code point to keep this list complete).
var nfkcDigitBlocks = [][2]rune{
	{0x00B2, 0x00BE},   // superscripts, fractions
	{0x2070, 0x2189},   // super- and subscripts, number forms
	{0x2460, 0x24FF},   // enclosed alphanumerics
	{0x2776, 0x2793},   // dingbat circled digits
	{0x3192, 0x3195},   // kanbun numerals
	{0x3220, 0x33FF},   // enclosed CJK, CJK compatibility (㋀ 1月, ㏠ 1日)
	{0xFF10, 0xFF19},   // full-width digits
	{0x1D7CE, 0x1D7FF}, // mathematical digits
	{0x1CCF0, 0x1CCF9}, // outlined digits
	{0x1F100, 0x1F10C}, // digits with full stop or comma
	{0x1FBF0, 0x1FBF9}, // segmented digits
}

// digitValue returns the ASCII digits r reads as (two for ⑫).
func digitValue(r rune) (string, bool) {
	if r < utf8.RuneSelf {
		if r >= '0' && r <= '9' {
			return asciiDigits[r-'0' : r-'0'+1], true
		}
		return "", false
	}
	if noDigitsHere(r) {
		return "", false
	}
	d, ok := digitOf[r]
	return d, ok
}

// noDigitsHere is true for kana, kanji and hangul, most of the text the
// guard reads, so that it skips the map for them.
func noDigitsHere(r rune) bool {
	return (r >= 0x3040 && r < 0x3190) || (r >= 0x3400 && r < 0xA000) || (r >= 0xAC00 && r < 0xD800)
}

const asciiDigits = "0123456789"

// DigitCount returns how many digits of a card number r may contribute:
// 1 for a decimal digit of any script, the number of digits in r's NFKC
// form for characters that have some (2 for ⑫ and for ㋉ "10月"), else 0.
// Callers that skip the guard for text with too few digits count with
// Digits, which adds these up.
func DigitCount(r rune) int {
	if r < utf8.RuneSelf {
		if r >= '0' && r <= '9' {
			return 1
		}
		return 0
	}
	if noDigitsHere(r) {
		return 0
	}
	return len(anyDigits[r])
}

// Digits is the sum of DigitCount over s: text with fewer than 13 cannot
// hold a card number, as the guard reads it or after NFKC.
func Digits(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= '0' && c <= '9' {
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		n += DigitCount(r)
		i += size
	}
	return n
}

// isStrong is a separator people type between the groups of a card
// number: a space of any width or a dash, including the hyphen-like
// characters that Japanese input produces (－, ‐, ―, the long-vowel mark ー
// and its half-width form) and the dashes that NFKC and the importers'
// normalisation turn into "-" (‑, ‒, –, —, −, ﹣ and the presentation
// forms ︱, ︲, ﹘).
func isStrong(r rune) bool {
	switch r {
	case '-', '－', '‐', '‑', '‒', '–', '—', '―', '−', 'ー', 'ｰ', '﹣', '︱', '︲', '﹘':
		return true
	}
	return unicode.Is(unicode.Zs, r)
}

// isWeak is any other character that can stand between digit groups
// without being text: white space and control characters (tab, newline),
// punctuation (. / _ , ・ 、) and symbols (⁻ + ¥).
func isWeak(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Z, unicode.P, unicode.S)
}

// maxGap is the longest separator run (visible characters) that still
// joins two digit groups into one number: " - ", "\r\n", two spaces.
const maxGap = 3

// isInvisible is a character not shown on its own: a format character
// (zero-width space, soft hyphen, word joiner, bidi controls) or a
// combining mark. Between the digits of a number it hides nothing from a
// reader, so it must hide nothing from the guard either.
func isInvisible(r rune) bool {
	return r >= 0xAD && unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me)
}

// markerAt reports the length of a masked card number ("[visa ****1111]")
// starting at s[i:], or 0. The guard reads its own markers as opaque text:
// their four digits never join the digits around them.
func markerAt(s string, i int) int {
	if s[i] != '[' {
		return 0
	}
	// The longest marker, "[mastercard ****1234]", is 21 bytes.
	j := strings.IndexByte(s[i:min(len(s), i+24)], ']')
	if j < 0 {
		return 0
	}
	if m := markerForm.FindStringIndex(s[i : i+j+1]); m != nil && m[0] == 0 {
		return j + 1
	}
	return 0
}

var markerForm = regexp.MustCompile(`^\[(?:visa|mastercard|amex|jcb|diners|discover|unionpay|card) \*{4}[0-9]{4}\]`)

// runs finds the digit runs of s. In a strong scan, a run goes on through
// invisible characters and over one strong separator followed by a digit;
// in a weak scan, over any gap of at most maxGap visible separators (and
// invisible characters). Spans in skip (earlier matches) end runs.
func runs(s string, weak bool, skip []Match) []run {
	var out []run
	var cur *run
	lastDigitEnd, newGroup := -1, false
	for i := 0; i < len(s); {
		if len(skip) > 0 && i >= skip[0].Start {
			i, cur, skip = skip[0].End, nil, skip[1:]
			continue
		}
		if n := markerAt(s, i); n > 0 {
			i, cur = i+n, nil
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if d, ok := digitValue(r); ok {
			if cur == nil {
				out = append(out, run{start: i})
				cur = &out[len(out)-1]
				newGroup = true
			}
			if newGroup {
				cur.groups = append(cur.groups, group{start: i, from: len(cur.digits)})
				newGroup = false
			}
			cur.digits = append(cur.digits, d...)
			cur.end = i + size
			g := &cur.groups[len(cur.groups)-1]
			g.end, g.to = i+size, len(cur.digits)
			lastDigitEnd = i + size
			i += size
			continue
		}
		if cur != nil && i == lastDigitEnd {
			if isInvisible(r) {
				lastDigitEnd = i + size
				i += size
				continue
			}
			if j, ok := gap(s, i, weak); ok && (len(skip) == 0 || j < skip[0].Start) {
				i, newGroup = j, true
				continue
			}
		}
		cur = nil
		i += size
	}
	return out
}

// gap reads the separators at s[i:] and reports where the next digit
// starts and whether the gap joins at all: one strong separator in a
// strong scan, up to maxGap separators of any kind in a weak one, and a
// digit after them.
func gap(s string, i int, weak bool) (next int, ok bool) {
	visible, strongOnly := 0, true
	for j := i; j < len(s); {
		if markerAt(s, j) > 0 {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		switch {
		case DigitCount(r) > 0:
			if _, isDigit := digitValue(r); !isDigit {
				return 0, false
			}
			if visible == 0 {
				return 0, false
			}
			if visible == 1 && strongOnly {
				return j, true
			}
			return j, weak
		case isInvisible(r):
		case isStrong(r) || isWeak(r):
			visible++
			strongOnly = strongOnly && isStrong(r)
			if visible > maxGap || (!weak && visible > 1) {
				return 0, false
			}
		default:
			return 0, false
		}
		j += size
	}
	return 0, false
}

// Find returns every card number in s, in order. Digits joined by one
// space or dash form a card number when 13–19 of them pass the Luhn check;
// digits joined by other separators (tabs, line breaks, dots, slashes,
// several spaces) also need a known brand's prefix, so that dates, times
// and lists of figures are left alone.
func Find(s string) []Match {
	var out []Match
	for _, r := range runs(s, false, nil) {
		if m, ok := match(r); ok {
			out = append(out, m)
		}
	}
	for _, r := range runs(s, true, out) {
		out = append(out, weakMatches(r)...)
	}
	slices.SortFunc(out, func(a, b Match) int { return a.Start - b.Start })
	return out
}

// match tells whether a run of the strong scan is (or holds) a card
// number.
func match(r run) (Match, bool) {
	n := len(r.digits)
	if n >= 13 && n <= 19 && Luhn(r.digits) {
		return Match{Start: r.start, End: r.end, Brand: Brand(r.digits), Last4: string(r.digits[n-4:])}, true
	}
	// A PAN glued to other digits: mask the whole run when some
	// 13–19 digit window is Luhn-valid with a known brand prefix.
	if n > 13 {
		return embedded(r)
	}
	return Match{}, false
}

// weakMatches finds card numbers in a run of the weak scan: whole
// consecutive groups, 13–19 digits together, Luhn-valid with a known
// brand's prefix (a number written with odd separators is still written
// in whole groups; "+81-90-1234-5678 / 03-…" holds no such window).
func weakMatches(r run) []Match {
	var out []Match
	for i := 0; i < len(r.groups); i++ {
		// The longest window from group i that is a card number; a window
		// spans at most 19 groups, so this stays linear in the run.
		best := -1
		for j := i; j < len(r.groups) && r.groups[j].to-r.groups[i].from <= 19; j++ {
			d := r.digits[r.groups[i].from:r.groups[j].to]
			if len(d) >= 13 && Luhn(d) && Brand(d) != "card" {
				best = j
			}
		}
		if best >= 0 {
			d := r.digits[r.groups[i].from:r.groups[best].to]
			out = append(out, Match{Start: r.groups[i].start, End: r.groups[best].end, Brand: Brand(d), Last4: string(d[len(d)-4:])})
			i = best
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
// many it replaced. Text that normalisation (NFKC) would change is also
// read in its normal form, and when that form holds a card number, the
// normal form is what comes back, masked: so neither the text nor what
// NFKC makes of it downstream holds one.
func Mask(s string) (string, int) {
	out, n := maskFound(s)
	if k, ok := otherNFKC(out); ok && len(Find(k)) > 0 {
		k, m := maskFound(k)
		return k, n + m
	}
	return out, n
}

// otherNFKC is s's NFKC form when it differs from s.
func otherNFKC(s string) (string, bool) {
	if isASCII(s) || norm.NFKC.IsNormalString(s) {
		return "", false
	}
	return norm.NFKC.String(s), true
}

func maskFound(s string) (string, int) {
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

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Contains reports whether s, or its NFKC form, holds a card number: what
// Mask would change.
func Contains(s string) bool {
	if len(Find(s)) > 0 {
		return true
	}
	k, ok := otherNFKC(s)
	return ok && len(Find(k)) > 0
}

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
