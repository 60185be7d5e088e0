package pan

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestMask(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		n        int
	}{
		{"card 4111111111111111 leaked", "card [visa ****1111] leaked", 1},
		{"4111 1111 1111 1111", "[visa ****1111]", 1},
		{"4111-1111-1111-1111", "[visa ****1111]", 1},
		{"４１１１１１１１１１１１１１１１", "[visa ****1111]", 1},
		{"カード番号：４１１１－１１１１－１１１１－１１１１です", "カード番号：[visa ****1111]です", 1},
		{"amex 378282246310005, jcb 3530111333300000", "amex [amex ****0005], jcb [jcb ****0000]", 2},
		{"mc 5555555555554444 / 2223003122003222", "mc [mastercard ****4444] / [mastercard ****3222]", 2},
		{"diners 30569309025904", "diners [diners ****5904]", 1},
		{"not luhn 4111111111111112", "not luhn 4111111111111112", 0},
		{"phone 090-1234-5678, zip 100-0001", "phone 090-1234-5678, zip 100-0001", 0},
		{"order 20261124000123", "order 20261124000123", 0},
		{"glued 004111111111111111", "glued [card ****1111]", 1},
		{"glued 99994111111111111111", "glued [visa ****1111]", 1},
		{"two spaces 4111  1111 1111 1111", "two spaces 4111  1111 1111 1111", 0},
		{"", "", 0},
		// Forms that normalisation (NFKC, the importers' dash folding)
		// would turn into a plain PAN after the guard.
		{"𝟒𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏", "[visa ****1111]", 1},
		{"④①①①①①①①①①①①①①①①", "[visa ****1111]", 1},
		{"④" + strings.Repeat("①", 13) + "⑪", "[visa ****1111]", 1},
		{"tel 4111–1111–1111–1111", "tel [visa ****1111]", 1},
		{"4111ー1111ー1111ー1111", "[visa ****1111]", 1},
		{"4111\u00a01111\u20091111\u202f1111", "[visa ****1111]", 1},
		// Invisible characters between digits hide nothing from a reader.
		{"4111\u200b1111\u200b1111\u200b1111", "[visa ****1111]", 1},
		{"4\u00ad1\u20601\ufeff1 1111 1111 1111", "[visa ****1111]", 1},
		{"4\u20e31\u20e31\u20e31\u20e31\u20e31\u20e31\u20e31\u20e31\u20e31\u20e31\u20e31\u20e31\u20e31\u20e31\u20e31\u20e3", "[visa ****1111]\u20e3", 1},
		// Still not card numbers: a wave dash (date ranges), two separators.
		{"20251201〜4111111111111111", "20251201〜[visa ****1111]", 1},
		{"4111 \u200b 1111 1111 1111", "4111 \u200b 1111 1111 1111", 0},
	}
	for _, tc := range cases {
		got, n := Mask(tc.in)
		if got != tc.want || n != tc.n {
			t.Errorf("Mask(%q) = %q, %d; want %q, %d", tc.in, got, n, tc.want, tc.n)
		}
		if tc.n > 0 && Contains(got) {
			t.Errorf("masked text still contains a PAN: %q", got)
		}
	}
}

// The table of compatibility digits is exactly what NFKC folds into
// digits, and the fast range check lets every one of them through.
func TestDigitCountMatchesNFKC(t *testing.T) {
	t.Parallel()
	n := 0
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		k := norm.NFKC.String(string(r))
		want := 0
		if k != "" && strings.Trim(k, "0123456789") == "" {
			want, n = len(k), n+1
		}
		if got := DigitCount(r); got != want {
			t.Errorf("DigitCount(%U %q) = %d, want %d (NFKC %q)", r, r, got, want, k)
		}
	}
	if n != len(compatDigits) || n < 100 {
		t.Errorf("%d characters fold into digits, the table has %d", n, len(compatDigits))
	}
}

// FuzzMask: whatever the text, Mask leaves no card number in it. The
// check is a second, independent reading of "card number": every
// character NFKC folds into one ASCII digit is a digit, invisible
// characters are dropped, spaces and dashes are separators, and a
// Luhn-valid run of 13–19 digits joined by single separators must not
// survive. Masking is also idempotent and reports what Find finds.
func FuzzMask(f *testing.F) {
	for _, s := range []string{
		"4111111111111111", "4111 1111 1111 1111", "x-4-1-1", "３７８２８２２４６３１０００５", strings.Repeat("9", 40),
		"card 4111111111111111 leaked", "glued 99994111111111111111", "order 20261124000123", "090-1234-5678",
		"𝟒𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏", "④①①①①①①①①①①①①①①①", "4111–1111–1111–1111", "4111ー1111ー1111ー1111",
		"4111\u200b1111\u200b1111\u200b1111", "4\u20e31\u20e31\u20e31\u20e31 1111 1111 1111", "4111 \u200b 1111",
		"[visa ****1111]", "[visa ****1111]4111111111111111", "4111111111111111[card ****1111]", "1\xff4111111111111111",
		"5555555555554444\n378282246310005\r\n3530111333300000", "6011-0009-9013-9424-", "-4222222222222-",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, n := Mask(s)
		if n != len(Find(s)) {
			t.Fatalf("Mask(%q) reports %d, Find finds %d", s, n, len(Find(s)))
		}
		if n == 0 && out != s {
			t.Fatalf("Mask(%q) changed text without a match: %q", s, out)
		}
		if Contains(out) {
			t.Fatalf("PAN survived masking: %q -> %q", s, out)
		}
		if again, m := Mask(out); again != out || m != 0 {
			t.Fatalf("Mask is not idempotent: %q -> %q -> %q", s, out, again)
		}
		if run, ok := luhnRun(out); ok {
			t.Fatalf("Luhn-valid run %s survived masking: %q -> %q", run, s, out)
		}
	})
}

// luhnRun is the fuzz test's own reading of a card number (see FuzzMask):
// it reports a Luhn-valid run of 13–19 digits in s.
func luhnRun(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		k := norm.NFKC.String(string(r))
		switch {
		case r >= utf8.RuneSelf && unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me):
			// invisible: dropped
		case k != "" && strings.Trim(k, "0123456789") == "":
			b.WriteString(k)
		case unicode.Is(unicode.Zs, r):
			b.WriteByte(' ')
		case strings.ContainsRune("-－‐‑‒–—―−ーｰ﹣︱︲﹘", r):
			b.WriteByte('-')
		default:
			b.WriteByte('x')
		}
	}
	for _, m := range digitRun.FindAllString(b.String(), -1) {
		d := []byte(strings.NewReplacer(" ", "", "-", "").Replace(m))
		if len(d) >= 13 && len(d) <= 19 && Luhn(d) {
			return m, true
		}
	}
	return "", false
}

var digitRun = regexp.MustCompile(`[0-9](?:[ -]?[0-9])*`)
