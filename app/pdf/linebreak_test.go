package pdf

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// unitMeasure is a simple monospace-ish metric for readable expectations:
// CJK and full-width characters are 2 wide, everything else 1.
func unitMeasure(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// propMeasure is closer to a real proportional font; used by the property
// and fuzz tests so that widths are not all integers.
func propMeasure(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r == ' ':
			w += 0.3
		case r >= 0x2E80:
			w += 1
		case r >= 'A' && r <= 'Z':
			w += 0.65
		default:
			w += 0.55
		}
	}
	return w
}

func TestWrapExamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"fits", "あいう", 10, []string{"あいう"}},
		{"empty", "", 10, []string{""}},
		{"cjk breaks anywhere", "あいうえおかきくけこ", 10, []string{"あいうえお", "かきくけこ"}},
		{"oidashi before 。", "あいうえお。かきくけこ", 10, []string{"あいうえ", "お。かきく", "けこ"}},
		{"opening bracket moves down", "あいうえ「かきくけ」", 10, []string{"あいうえ", "「かきく", "け」"}},
		{"small kana", "あいキャッシュ", 6, []string{"あい", "キャッ", "シュ"}},
		{"prolonged sound mark", "あいうデータベース", 8, []string{"あいう", "データ", "ベース"}},
		{"hang when nothing can move", "あ。い", 2, []string{"あ。", "い"}},
		{"forbidden run is unavoidable", "あ」」」", 2, []string{"あ", "」", "」」"}},
		{"latin words stay whole", "hello world foo", 11, []string{"hello world", "foo"}},
		{"spaces at break dropped", "hello   world", 7, []string{"hello", "world"}},
		{"number stays whole", "合計4,800件です", 8, []string{"合計", "4,800件", "です"}},
		{"mixed", "メールinfo@example.jpまで", 16, []string{"メール", "info@example.jp", "まで"}},
		{"long word split", "see https://example.com/path ok", 10, []string{"see", "https://ex", "ample.com/", "path ok"}},
		{"explicit newline", "ab\ncd", 10, []string{"ab", "cd"}},
		{"blank line kept", "a\n\nb", 10, []string{"a", "", "b"}},
		{"trailing spaces of hard line kept", "ab  \ncd", 10, []string{"ab  ", "cd"}},
		{"only spaces kept", "    ", 2, []string{"    "}},
		{"ascii punctuation after cjk", "あいうえお!", 10, []string{"あいうえ", "お!"}},
		{"rune wider than line", "漢字", 1, []string{"漢", "字"}},
		{"split avoids a tail starting with .", "info@example.jp", 12, []string{"info@exampl", "e.jp"}},
		{"ideographic space is content", "　あいう", 4, []string{"　あ", "いう"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Wrap(tt.text, tt.width, unitMeasure)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Wrap(%q, %v) = %q, want %q", tt.text, tt.width, got, tt.want)
			}
			checkWrap(t, tt.text, tt.width, unitMeasure, got)
		})
	}
}

// checkWrap verifies the Wrap contract on any output:
//   - no rune lost, added or reordered: the lines are the text with only
//     newlines (hard breaks) and spaces at soft breaks removed;
//   - no line wider than width, unless it is a single rune (after leading
//     spaces) or ends with one hanging closing character;
//   - a line after a soft break starts with a NoLineStart character, or a line
//     before one ends with a NoLineEnd character, only when the line before
//     the break had no other place to break.
func checkWrap(t *testing.T, text string, width float64, measure func(string) float64, lines []string) {
	t.Helper()
	in := []rune(text)
	pos := 0
	soft := make([]bool, len(lines)) // soft[i]: a soft break precedes line i
	for i, ln := range lines {
		if i > 0 {
			if pos < len(in) && in[pos] == '\n' {
				pos++
			} else {
				soft[i] = true
				for pos < len(in) && in[pos] == ' ' {
					pos++
				}
				if ln == "" {
					t.Fatalf("empty line %d after a soft break: %q", i, lines)
				}
			}
		}
		for _, r := range ln {
			if pos >= len(in) || in[pos] != r {
				t.Fatalf("line %d %q does not continue the input at rune %d of %q (lines %q)", i, ln, pos, text, lines)
			}
			pos++
		}
	}
	if pos != len(in) {
		t.Fatalf("output stops at rune %d of %d: %q -> %q", pos, len(in), text, lines)
	}

	for i, ln := range lines {
		trimmed := strings.TrimRight(ln, " ")
		if measure(trimmed) <= width+1e-9 {
			continue
		}
		body := strings.TrimLeft(trimmed, " ")
		last, n := utf8.DecodeLastRuneInString(trimmed)
		switch {
		case utf8.RuneCountInString(body) == 1:
		case NoLineStart(last) && measure(trimmed[:len(trimmed)-n]) <= width+1e-9:
		default:
			t.Errorf("line %d %q is %.2f wide, limit %.2f (input %q)", i, ln, measure(trimmed), width, text)
		}
	}

	for i := 1; i < len(lines); i++ {
		if !soft[i] {
			continue
		}
		first, _ := utf8.DecodeRuneInString(lines[i])
		prev := strings.TrimRight(lines[i-1], " ")
		last, _ := utf8.DecodeLastRuneInString(prev)
		if (NoLineStart(first) || NoLineEnd(last)) && hasValidBreak(prev) {
			t.Errorf("kinsoku: break between %q and %q could have been avoided (input %q)", lines[i-1], lines[i], text)
		}
	}
}

// hasValidBreak reports whether line could have been broken somewhere inside
// without violating kinsoku or splitting a Latin word.
func hasValidBreak(line string) bool {
	rs := []rune(line)
	for p := 1; p < len(rs); p++ {
		a, b := rs[p-1], rs[p]
		if b == ' ' || (isWordRune(a) && isWordRune(b)) || NoLineStart(b) {
			continue
		}
		before := strings.TrimRight(string(rs[:p]), " ")
		if before == "" {
			continue
		}
		if l, _ := utf8.DecodeLastRuneInString(before); NoLineEnd(l) {
			continue
		}
		return true
	}
	return false
}

// alphabet mixes everything the breaker treats specially.
var alphabet = []string{
	"あ", "漢", "字", "カ", "ナ", "ー", "ッ", "ゃ", "、", "。", "「", "」", "（", "）", "・", "？", "！", "　",
	"a", "b", "Z", "1", "0", ",", ".", "(", ")", "[", "!", "?", "@", "/", "-", ":", " ", " ", " ", "\n",
	"hello", "4,800", "https://example.jp/x", "…", "〓", "\t", "é",
}

func randomText(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(80) {
		b.WriteString(alphabet[rng.IntN(len(alphabet))])
	}
	return b.String()
}

func TestWrapProperties(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		text := randomText(rng)
		width := 0.5 + rng.Float64()*20
		checkWrap(t, text, width, propMeasure, Wrap(text, width, propMeasure))
		if t.Failed() {
			return
		}
	}
}

func FuzzWrap(f *testing.F) {
	for _, s := range []string{
		"", "あいうえお。かきくけこ", "「」「」「」", "hello world", "a\n\nb", "   ",
		"合計4,800件です。https://example.jp/notice/2026-11-24 をご覧ください。",
		"ッッッッッッ", "(((((", "a。b」c", "　　　", "privacy-desk@shop.example.jp",
	} {
		f.Add(s, uint8(10))
	}
	f.Fuzz(func(t *testing.T, text string, w uint8) {
		if !utf8.ValidString(text) {
			t.Skip("Wrap is specified for valid UTF-8")
		}
		width := float64(w%64)/4 + 0.25
		checkWrap(t, text, width, propMeasure, Wrap(text, width, propMeasure))
	})
}
