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
		{"two spaces 4111  1111 1111 1111", "two spaces [visa ****1111]", 1},
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
		{"4111 \u200b 1111 1111 1111", "[visa ****1111]", 1},
		// Any separator run of up to three characters between groups,
		// when the digits have a brand's prefix: tab, line breaks, dots,
		// slashes, underscores, " - ", ・, commas, superscript minus.
		{"4111\t1111\t1111\t1111", "[visa ****1111]", 1},
		{"4111\n1111\r\n1111\n1111", "[visa ****1111]", 1},
		{"4111.1111.1111.1111", "[visa ****1111]", 1},
		{"4111/1111/1111/1111", "[visa ****1111]", 1},
		{"4111_1111_1111_1111", "[visa ****1111]", 1},
		{"4111 - 1111 - 1111 - 1111", "[visa ****1111]", 1},
		{"4111・1111・1111・1111", "[visa ****1111]", 1},
		{"4111,1111,1111,1111", "[visa ****1111]", 1},
		{"〒4532⁻0134⁻1123⁻4562", "〒[visa ****4562]", 1},
		{"45320133 71234560", "[visa ****4560]", 1},
		{"３７８２ ８２２４６３ １０００５", "[amex ****0005]", 1},
		{"٤١١١٫١١١١٫١١١١٫١١١١", "[visa ****1111]", 1},
		{"४१११-१११११११११११११", "[visa ****1111]", 1},
		{"⒋⒈⒈⒈⒈⒈⒈⒈⒈⒈⒈⒈⒈⒈⒈⒈", "[visa ****1111]", 1},
		{"5555555555554444 / 378282246310005", "[mastercard ****4444] / [amex ****0005]", 2},
		// Joined by other separators, figures without a brand's prefix
		// are left alone: dates, times, amounts, lists.
		{"2026/12/02 09:30:15.123456", "2026/12/02 09:30:15.123456", 0},
		{"10:00〜17:00, 2026-12-02", "10:00〜17:00, 2026-12-02", 0},
		{"1,234,567,890,123,456", "1,234,567,890,123,456", 0},
		{"+81-90-1234-5678 / 03-1234-5678", "+81-90-1234-5678 / 03-1234-5678", 0},
		{"192.168.100.200:8080", "192.168.100.200:8080", 0},
		// Four separators are too many to join; the guard's own markers
		// never join the digits next to them.
		{"4111    1111    1111    1111", "4111    1111    1111    1111", 0},
		{"[visa ****4111]-111111111111", "[visa ****4111]-111111111111", 0},
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

// DigitCount reads every code point as NFKC does: as many digits as its
// NFKC form holds (㋉ "10月" two, ⒈ "1." one), or one for a decimal
// digit of a script NFKC leaves alone (Arabic-Indic ٤). This walk also
// keeps the list of blocks the table is built from complete.
func TestDigitCountMatchesNFKC(t *testing.T) {
	t.Parallel()
	n := 0
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		k := norm.NFKC.String(string(r))
		want := len(k) - len(strings.Map(func(c rune) rune {
			if c >= '0' && c <= '9' {
				return -1
			}
			return c
		}, k))
		if want == 0 && unicode.Is(unicode.Nd, r) {
			want = 1
		}
		if want > 0 {
			n++
		}
		if got := DigitCount(r); got != want {
			t.Errorf("DigitCount(%U %q) = %d, want %d (NFKC %q)", r, r, got, want, k)
		}
	}
	if n < 700 {
		t.Errorf("only %d characters read as digits", n)
	}
}

// FuzzMask: whatever the text, Mask leaves no card number in it, nor in
// its NFKC form. The check is a second, independent reading of "card
// number" (cardIn). Masking is also idempotent, reports at least what
// Find finds, and changes nothing when it reports nothing.
func FuzzMask(f *testing.F) {
	for _, s := range []string{
		"4111111111111111", "4111 1111 1111 1111", "x-4-1-1", "３７８２８２２４６３１０００５", strings.Repeat("9", 40),
		"card 4111111111111111 leaked", "glued 99994111111111111111", "order 20261124000123", "090-1234-5678",
		"𝟒𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏", "④①①①①①①①①①①①①①①①", "4111–1111–1111–1111", "4111ー1111ー1111ー1111",
		"4111\u200b1111\u200b1111\u200b1111", "4\u20e31\u20e31\u20e31\u20e31 1111 1111 1111", "4111 \u200b 1111",
		"[visa ****1111]", "[visa ****1111]4111111111111111", "4111111111111111[card ****1111]", "1\xff4111111111111111",
		"5555555555554444\n378282246310005\r\n3530111333300000", "6011-0009-9013-9424-", "-4222222222222-",
		"4111\t1111 - 1111・1111", "〒4532⁻0134⁻1123⁻4562", "٤١١١٫١١١١٫١١١١٫١١١١", "⒋⒈⒈⒈⒈⒈⒈⒈⒈⒈⒈⒈⒈⒈⒈⒈",
		"[visa ****4111]-111111111111", "+81-90-1234-5678 / 03-1234-5678", "2026/12/02 09:30:15.123456",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, n := Mask(s)
		if n < len(Find(s)) {
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
		if card, ok := cardIn(out); ok {
			t.Fatalf("card number %s survived masking: %q -> %q", card, s, out)
		}
	})
}

// cardIn is the fuzz test's own reading of a card number, on s and on its
// NFKC form: every character whose NFKC form is only digits is those
// digits, and so is a decimal digit of any script; invisible characters
// are dropped; the guard's markers are text. Groups joined by one space or
// dash holding 13–19 Luhn-valid digits are a card number; so are whole
// consecutive groups joined by up to three separators of any kind (space,
// control, punctuation, symbol) when they also have a brand's prefix.
func cardIn(s string) (string, bool) {
	for _, text := range []string{s, norm.NFKC.String(s)} {
		var b strings.Builder
		for _, r := range marker.ReplaceAllString(text, "x") {
			k := norm.NFKC.String(string(r))
			switch {
			case r >= utf8.RuneSelf && unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me):
				// invisible: dropped
			case k != "" && strings.Trim(k, "0123456789") == "":
				b.WriteString(k)
			case unicode.Is(unicode.Nd, r):
				b.WriteByte(ndValue(r))
			case unicode.Is(unicode.Zs, r) || strings.ContainsRune("-－‐‑‒–—―−ーｰ﹣︱︲﹘", r):
				b.WriteByte(' ')
			case unicode.In(r, unicode.Cc, unicode.Z, unicode.P, unicode.S):
				b.WriteByte('.')
			default:
				b.WriteByte('x')
			}
		}
		read := b.String()
		for _, m := range strongRun.FindAllString(read, -1) {
			if d := []byte(strings.ReplaceAll(m, " ", "")); len(d) >= 13 && len(d) <= 19 && Luhn(d) {
				return m, true
			}
		}
		for _, m := range weakRun.FindAllString(read, -1) {
			groups := strings.FieldsFunc(m, func(r rune) bool { return r == ' ' || r == '.' })
			for i := range groups {
				for j := i; j < len(groups); j++ {
					d := []byte(strings.Join(groups[i:j+1], ""))
					if len(d) >= 13 && len(d) <= 19 && Luhn(d) && Brand(d) != "card" {
						return m, true
					}
				}
			}
		}
	}
	return "", false
}

var (
	marker    = regexp.MustCompile(`\[(?:visa|mastercard|amex|jcb|diners|discover|unionpay|card) \*{4}[0-9]{4}\]`)
	strongRun = regexp.MustCompile(`[0-9]+(?: [0-9]+)*`)
	weakRun   = regexp.MustCompile(`[0-9]+(?:[ .]{1,3}[0-9]+)*`)
)

// ndValue is a decimal digit's value: its distance from the start of its
// block of ten in Unicode's Nd table.
func ndValue(r rune) byte {
	lo := r
	for unicode.Is(unicode.Nd, lo-1) {
		lo--
	}
	return byte('0' + (r-lo)%10)
}
