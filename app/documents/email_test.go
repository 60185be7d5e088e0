package documents

import (
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/pdf"
)

// The e-mail is the salutation, the letter exactly as given, and the
// reference; without a name there is no salutation line.
func TestCustomerEmailWrapsTheLetter(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lang, name, want string
	}{
		{"ja", " 山田 花子 ", "山田 花子 様\n\nお知らせ\n\n本文です。\n\nお問い合わせ番号: INC-1-L7\n"},
		{"ja", "", "お知らせ\n\n本文です。\n\nお問い合わせ番号: INC-1-L7\n"},
		{"en", "Hanako Yamada", "Dear Hanako Yamada,\n\nお知らせ\n\n本文です。\n\nReference: INC-1-L7\n"},
		{"en", "", "お知らせ\n\n本文です。\n\nReference: INC-1-L7\n"},
	} {
		subject, body, err := Email{Lang: c.lang, Title: "Notice\nof a breach", Name: c.name, Text: "お知らせ\n\n本文です。\n", Reference: "INC-1-L7"}.Render()
		if err != nil {
			t.Fatal(err)
		}
		if subject != "Notice of a breach" {
			t.Errorf("%s subject %q", c.lang, subject)
		}
		if body != c.want {
			t.Errorf("%s %q: body\n%q\nwant\n%q", c.lang, c.name, body, c.want)
		}
	}
	if _, _, err := (Email{Lang: "fr"}).Render(); err == nil {
		t.Error("an e-mail in a language without a template was rendered")
	}
}

// The customer letter carries the items of 施行規則10条, in order, and the
// e-mail carries the letter: so does the e-mail.
func TestCustomerEmailHasTheRule10Items(t *testing.T) {
	t.Parallel()
	ki, _ := Info(CustomerLetterSample)
	for _, lang := range []string{"ja", "en"} {
		src, err := BuiltinTemplate(ki, lang)
		if err != nil {
			t.Fatal(err)
		}
		v := Sample(ki, lang)
		v.Items = []string{"card number"}
		v.Fields["cause"] = "a tampered checkout page"
		doc, err := Compose(src, v)
		if err != nil {
			t.Fatal(err)
		}
		_, body, err := Email{Lang: lang, Title: "t", Name: "山田 花子", Text: pdf.PlainText(doc), Reference: "INC-1-L7"}.Render()
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{
			"ja": {"山田 花子 様", "■ 1. 概要", "■ 2. 漏えい等した", "card number", "■ 3. 原因", "a tampered checkout page", "■ 4. 二次被害", "■ 5. お客様へのお願い", "■ 7. お問い合わせ窓口", "0120-000-000", "お問い合わせ番号: INC-1-L7"},
			"en": {"Dear 山田 花子,", "What happened", "What information", "card number", "Cause", "a tampered checkout page", "Secondary harm", "What you can do", "For more information", "0120-000-000", "Reference: INC-1-L7"},
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
