package auth

import (
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"

	"github.com/breachdesk/breachdesk/app/apperr"
)

// Password rules. Length alone let "aaaaaaaaaa", "1234567890" and
// "password12" through; zxcvbn estimates how many guesses a password
// takes from dictionaries of common passwords, words and names, keyboard
// walks, repeats, sequences and dates, and the user's own e-mail and name.
// Score 3 means about 10^8 guesses or more: "safely unguessable" by an
// online attacker and slow offline against Argon2id. Passphrases of three
// ordinary words pass.
const (
	minPasswordRunes = 10
	maxPasswordRunes = 200
	minPasswordScore = 3
)

// validatePassword adds field's problems with pw to v. personal are the
// user's own words (e-mail, name): a password built from them is weak.
func validatePassword(v *apperr.ValidationError, field, pw string, personal ...string) {
	switch n := utf8.RuneCountInString(pw); {
	case n < minPasswordRunes:
		v.Add(field, "validation.min_chars", minPasswordRunes)
		return
	case n > maxPasswordRunes:
		v.Add(field, "validation.max_chars", maxPasswordRunes)
		return
	}
	inputs := []string{"breachdesk", "breach", "desk"}
	for _, p := range personal {
		p = strings.ToLower(p)
		local, _, _ := strings.Cut(p, "@")
		inputs = append(inputs, p, local)
		inputs = append(inputs, strings.FieldsFunc(p, func(r rune) bool {
			return r == '@' || r == '.' || r == ' ' || r == '-' || r == '_'
		})...)
	}
	if zxcvbn.PasswordStrength(pw, inputs).Score < minPasswordScore {
		v.Add(field, "validation.weak_password")
	}
}
