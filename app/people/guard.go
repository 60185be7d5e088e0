package people

import (
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/breachdesk/breachdesk/app/pan"
)

// maskCell is the PAN guard every cell passes before anything else reads
// it: each card number becomes "[brand ****last4]". It returns how many it
// masked. A cell with fewer than 13 digits (as pan counts them, NFKC
// included) cannot hold a card number; skipping pan's scan for those (most
// cells) matters at a million rows.
func maskCell(s string) (string, int) {
	if pan.Digits(s) < 13 {
		return s, 0
	}
	return pan.Mask(s)
}

// maskedForm is what pan.Mask writes for one card number.
var maskedForm = regexp.MustCompile(`\[([a-z]+) \*{4}([0-9]{4})\]`)

// cardFromCell reads a card-number column: a full number (already masked
// by the guard), a masked one ("****1234", "XXXX-XXXX-XXXX-1234") or only
// the last four digits. Only the brand (when the number told it) and the
// last four digits are kept; ok is false when fewer than four digits are
// there.
func cardFromCell(s string) (brand, last4 string, ok bool) {
	s = norm.NFKC.String(strings.TrimSpace(s))
	if m := maskedForm.FindStringSubmatch(s); m != nil {
		if m[1] != "card" {
			brand = m[1]
		}
		return brand, m[2], true
	}
	var digits []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits = append(digits, s[i])
		}
	}
	if len(digits) < 4 {
		return "", "", false
	}
	return "", string(digits[len(digits)-4:]), true
}

// brandAliases maps how brands get written to the names pan.Brand uses.
var brandAliases = map[string]string{
	"visa": "visa", "ビザ": "visa",
	"master": "mastercard", "mastercard": "mastercard", "master card": "mastercard", "mc": "mastercard", "マスター": "mastercard", "マスターカード": "mastercard",
	"jcb":  "jcb",
	"amex": "amex", "american express": "amex", "アメックス": "amex", "アメリカン・エキスプレス": "amex",
	"diners": "diners", "diners club": "diners", "ダイナース": "diners", "ダイナースクラブ": "diners",
	"discover": "discover", "unionpay": "unionpay", "銀聯": "unionpay", "銀联": "unionpay",
}

// normaliseBrand writes a card brand the way the rest of BreachDesk does;
// unknown brands are kept, lower-cased.
func normaliseBrand(s string) string {
	k := strings.ToLower(strings.Join(strings.Fields(norm.NFKC.String(s)), " "))
	if b, ok := brandAliases[k]; ok {
		return b
	}
	return k
}
