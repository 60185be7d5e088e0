package documents

import (
	"strings"
	"testing"
)

func TestCustomerEmailHasTheRule10Items(t *testing.T) {
	t.Parallel()
	ki, _ := Info(CustomerLetterSample)
	for _, lang := range []string{"ja", "en"} {
		src, err := EmailTemplate(lang)
		if err != nil {
			t.Fatal(err)
		}
		v := Sample(ki, lang)
		v.Items = []string{"card number"}
		v.Fields["cause"] = "a tampered checkout page"
		subject, body, err := Email(src, EmailView{CaseView: v, Person: "山田 花子", PersonCard: "[visa ****1111]"})
		if err != nil {
			t.Fatal(err)
		}
		if subject == "" || strings.Contains(subject, "\n") {
			t.Fatalf("%s subject %q", lang, subject)
		}
		want := map[string][]string{
			"ja": {"山田 花子 様", "■ 概要", "■ 漏えい等した", "****1111", "■ 原因", "a tampered checkout page", "■ 二次被害", "■ お客様へのお願い", "■ お問い合わせ窓口", "0120-000-000"},
			"en": {"Dear 山田 花子", "What happened", "What information", "****1111", "Cause", "a tampered checkout page", "Secondary harm", "What you can do", "For more information", "0120-000-000"},
		}[lang]
		pos := 0
		for _, w := range want {
			i := strings.Index(body[pos:], w)
			if i < 0 {
				t.Fatalf("%s e-mail lacks %q (or out of order):\n%s", lang, w, body)
			}
			pos += i
		}
	}
}
