package obligations

// Lang selects the language of human-readable text.
type Lang string

// The languages every Text carries.
const (
	LangJA Lang = "ja"
	LangEN Lang = "en"
)

// ParseLang maps a user-supplied language code to a Lang; ok is false for
// anything but "ja" and "en", so callers can reject it instead of guessing.
func ParseLang(s string) (Lang, bool) {
	switch Lang(s) {
	case LangJA, LangEN:
		return Lang(s), true
	}
	return "", false
}

// Text is a short text in Japanese and English. Both are always filled in:
// the Japanese wording is the one that counts for Japanese authorities, the
// English one is for international teams and the other jurisdictions.
type Text struct {
	JA string `json:"ja"`
	EN string `json:"en"`
}

// In returns the text in lang, falling back to English for an unknown lang.
func (t Text) In(lang Lang) string {
	if lang == LangJA {
		return t.JA
	}
	return t.EN
}

// tx builds a Text; the short name keeps the rule tables readable.
func tx(ja, en string) Text { return Text{JA: ja, EN: en} }

// join concatenates non-empty texts per language with a separator suited
// to each language (no space after the Japanese full stop).
func join(parts ...Text) Text {
	var out Text
	for _, p := range parts {
		if p.JA != "" {
			out.JA += p.JA
		}
		if p.EN != "" {
			if out.EN != "" {
				out.EN += " "
			}
			out.EN += p.EN
		}
	}
	return out
}
