package pdf

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// We break lines ourselves because gofpdf's MultiCell/SplitText delete the
// kanji at every wrap (its isChinese() treats U+4E00–9FA5 as separators) and
// SplitLines counts bytes. Japanese may break between any two characters except
// where kinsoku shori (禁則処理) forbids it; Latin words and numbers must stay
// whole, so a run of Latin letters, digits and ASCII punctuation is one unit.

// noStart holds characters that must not begin a line (行頭禁則): closing
// brackets, stops and commas, middle dots, iteration marks, the prolonged sound
// mark, small kana and their half-width forms, and postfix symbols.
var noStart = runeSet(")]}>,.:;!?%" +
	"）〕］｝〉》」』】〙〗〟’”｠»" +
	"、。，．・：；？！‼⁇⁈⁉" +
	"ヽヾゝゞ々〻ー―‐゠–〜～…‥" +
	"ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ" +
	"｡｣､･ｰｧｨｩｪｫｬｭｮｯﾞﾟ" +
	"％‰℃°′″¢")

// noEnd holds characters that must not end a line (行末禁則): opening brackets
// and prefix symbols.
var noEnd = runeSet("([{<" +
	"（〔［｛〈《「『【〘〖〝‘“｟«" +
	"｢￥＄＃€£№")

func runeSet(s string) map[rune]bool {
	m := make(map[rune]bool, utf8.RuneCountInString(s))
	for _, r := range s {
		m[r] = true
	}
	return m
}

// NoLineStart reports whether r must not begin a line under our kinsoku rules.
// Exported so tests elsewhere (and the PDF checks) use the same table.
func NoLineStart(r rune) bool { return noStart[r] }

// NoLineEnd reports whether r must not end a line under our kinsoku rules.
func NoLineEnd(r rune) bool { return noEnd[r] }

// isWordRune reports whether r belongs to a Latin "word" run that is never
// broken (unless it is wider than a whole line): everything printable below the
// CJK blocks except the ASCII space and the Unicode spaces U+2000–U+200B, which
// are break opportunities. Full-width forms and CJK are single-rune units.
func isWordRune(r rune) bool {
	return r > ' ' && r < 0x2E80 && !unicode.IsControl(r) && (r < 0x2000 || r > 0x200B)
}

// unit is an indivisible piece of a line: a run of spaces, a Latin word, or a
// single other rune.
type unit struct {
	s           string
	w           float64
	space       bool
	first, last rune
}

func (u unit) oneRune() bool { return len(u.s) == utf8.RuneLen(u.first) }

const widthEps = 1e-9

// Wrap breaks text into lines no wider than width, where measure returns the
// width of a string in the same unit. Explicit "\n" always breaks. Spaces at a
// soft break are dropped; nothing else is dropped or reordered, so joining the
// lines gives back the text minus only newlines and the spaces at breaks.
//
// Kinsoku: a line does not start with a character from NoLineStart nor end with
// one from NoLineEnd. When the natural break violates that, the break moves
// back (追い出し); if no earlier break exists, one closing character may hang
// past the width (ぶら下げ); if neither works the rule is broken, because the
// text has to go somewhere. A unit wider than a whole line (a long URL) is split
// by rune, and a single rune wider than width gets its own line.
func Wrap(text string, width float64, measure func(string) float64) []string {
	var out []string
	for _, hard := range strings.Split(text, "\n") {
		out = wrapHard(out, hard, width, measure)
	}
	return out
}

// tokenize splits one hard line into units and measures them. A word wider
// than a whole line is cut into line-sized pieces right away, which keeps the
// cost linear however many such words there are.
func tokenize(s string, width float64, measure func(string) float64) []unit {
	var us []unit
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		j := i + n
		switch {
		case r == ' ':
			for j < len(s) && s[j] == ' ' {
				j++
			}
		case isWordRune(r):
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r2) {
					break
				}
				j += n2
			}
		}
		u := newUnit(s[i:j], measure)
		if u.w > width+widthEps && !u.space && !u.oneRune() {
			us = append(us, splitUnit(u, width, width, measure)...)
		} else {
			us = append(us, u)
		}
		i = j
	}
	return us
}

func newUnit(s string, measure func(string) float64) unit {
	f, _ := utf8.DecodeRuneInString(s)
	l, _ := utf8.DecodeLastRuneInString(s)
	return unit{s: s, w: measure(s), space: f == ' ', first: f, last: l}
}

// wrapHard wraps one line that contains no "\n" and appends the result.
func wrapHard(out []string, s string, width float64, measure func(string) float64) []string {
	if s == "" {
		return append(out, s)
	}
	us := tokenize(s, width, measure)
	n := len(us)
	skipSpaces := func(i int) int {
		for i < n && us[i].space {
			i++
		}
		return i
	}
	// join renders us[a:b]; trim drops trailing spaces (they sit at a break).
	join := func(a, b int, trim bool) string {
		if trim {
			for b > a && us[b-1].space {
				b--
			}
		}
		var sb strings.Builder
		for _, u := range us[a:b] {
			sb.WriteString(u.s)
		}
		return sb.String()
	}
	// valid reports whether a line may end before unit b when it starts at
	// unit start: it must hold some content, must not end with an opening
	// bracket, and the next line must not start with a closing character.
	valid := func(start, b int) bool {
		last := -1
		for i := b - 1; i >= start; i-- {
			if !us[i].space {
				last = i
				break
			}
		}
		if last < 0 || noEnd[us[last].last] {
			return false
		}
		nb := skipSpaces(b)
		return nb == n || !noStart[us[nb].first]
	}

	start := 0
	for start < n {
		// Greedy fill. Spaces are pending until content follows them, so
		// trailing spaces never count against the width.
		w, pending, e, content := 0.0, 0.0, start, false
		for e < n {
			u := us[e]
			if u.space {
				pending += u.w
				e++
				continue
			}
			if w+pending+u.w <= width+widthEps {
				w += pending + u.w
				pending = 0
				content = true
				e++
				continue
			}
			if content {
				break
			}
			// Nothing on the line yet and the unit does not fit (only after
			// leading spaces, as tokenize already cut long words): split the
			// word again, or let a single rune overflow on its own line.
			if !u.oneRune() {
				pieces := splitUnit(u, width-w-pending, width, measure)
				us = slices.Insert(slices.Delete(us, e, e+1), e, pieces...)
				n = len(us)
				u = pieces[0]
			}
			w += pending + u.w
			pending = 0
			content = true
			e++
			break
		}
		if e == n {
			// The end of a hard line is not a soft break: keep trailing
			// spaces (and a line of only spaces) as they are.
			out = append(out, join(start, n, false))
			break
		}
		b := -1
		for c := e; c > start; c-- { // 追い出し: move the break back
			if valid(start, c) {
				b = c
				break
			}
		}
		if b < 0 { // ぶら下げ: let one closing character hang
			u := us[e]
			if !u.space && u.oneRune() && noStart[u.first] && w+pending <= width+widthEps && valid(start, e+1) {
				b = e + 1
			}
		}
		if b < 0 {
			b = e // unavoidable: break the rule rather than lose text
		}
		if skipSpaces(b) == n {
			// Only spaces follow: this is the end of the hard line, not a
			// soft break, so the spaces stay.
			out = append(out, join(start, n, false))
			break
		}
		out = append(out, join(start, b, true))
		start = skipSpaces(b)
	}
	return out
}

// splitUnit cuts a word that is too wide into pieces: the first fits room,
// the others fit width, each holds at least one rune, and a cut is moved back
// when the next piece would start with a closing character or the piece would
// end with an opening one (if that leaves the piece non-empty).
func splitUnit(u unit, room, width float64, measure func(string) float64) []unit {
	rs := []rune(u.s)
	var pieces []unit
	for from := 0; from < len(rs); {
		k, w := from, 0.0
		for k < len(rs) {
			rw := measure(string(rs[k]))
			if w+rw > room+widthEps && k > from {
				break
			}
			w += rw
			k++
		}
		if k < len(rs) {
			for j := k; j > from+1; j-- {
				if !noStart[rs[j]] && !noEnd[rs[j-1]] {
					k = j
					break
				}
			}
		}
		pieces = append(pieces, newUnit(string(rs[from:k]), measure))
		from, room = k, width
	}
	return pieces
}
