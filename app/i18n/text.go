package i18n

// Text is a text written in Japanese and in English, for the texts the
// code itself carries (playbook tasks, rule wordings, document and notice
// headings) rather than the catalogue's UI messages.
type Text struct {
	JA string `json:"ja"`
	EN string `json:"en"`
}

// In returns the text in lang: English for "en", Japanese otherwise, and
// the other language's text where the one asked for is empty, so that a
// reader never gets a blank where the other wording exists.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" || t.JA == "" {
		return t.EN
	}
	return t.JA
}
