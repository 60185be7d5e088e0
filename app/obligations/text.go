package obligations

import "github.com/breachdesk/breachdesk/app/i18n"

// tx builds a Text; the short name keeps the rule tables readable.
func tx(ja, en string) i18n.Text { return i18n.Text{JA: ja, EN: en} }

// join concatenates non-empty texts per language with a separator suited
// to each language (no space after the Japanese full stop).
func join(parts ...i18n.Text) i18n.Text {
	var out i18n.Text
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
