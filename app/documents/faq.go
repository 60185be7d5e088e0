package documents

import (
	"strings"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// QA is one curated question and answer of a call-centre FAQ, in both
// languages; one language may be left empty.
type QA struct {
	Question, Answer i18n.Text
}

// QAView is a curated question and answer in the document's language,
// numbered in the staff's order.
type QAView struct {
	No               int
	Question, Answer string
}

// faqViews picks each entry's text in lang. An entry not yet translated
// keeps its other language rather than being dropped: an operator would
// rather read the Japanese answer than miss that the question was settled.
// Question and answer always come from the same language, so they match.
func faqViews(src []QA, lang string) []QAView {
	other := "en"
	if lang == "en" {
		other = "ja"
	}
	var out []QAView
	for _, qa := range src {
		q, a := qa.Question.In(lang), qa.Answer.In(lang)
		if strings.TrimSpace(q) == "" {
			q, a = qa.Question.In(other), qa.Answer.In(other)
		}
		if strings.TrimSpace(q) == "" {
			continue
		}
		out = append(out, QAView{No: len(out) + 1, Question: q, Answer: a})
	}
	return out
}
