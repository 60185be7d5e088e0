package pan

import (
	"strings"
	"testing"
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

func FuzzMask(f *testing.F) {
	for _, s := range []string{"4111111111111111", "4111 1111 1111 1111", "x-4-1-1", "３７８２８２２４６３１０００５", strings.Repeat("9", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, _ := Mask(s)
		if Contains(out) {
			t.Fatalf("PAN survived masking: %q -> %q", s, out)
		}
	})
}
