package documents

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/pdf"
)

func blockNames(t *testing.T, src string) []string {
	t.Helper()
	bs, err := TextBlocks(src)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range bs {
		names = append(names, b.Name)
	}
	return names
}

// The built-in PPC report, customer letter and call-centre FAQ offer
// their fixed wording as named blocks in both languages, each labelled in
// both languages, with the wording the documents print.
func TestBuiltinTemplatesHaveNamedTextBlocks(t *testing.T) {
	want := map[DocKind][]string{
		PPCFinal:             {"preliminary_note", "final_note", "intro", "closing"},
		PPCPreliminary:       {"preliminary_note", "final_note", "intro", "closing"},
		CustomerLetterSample: {"opening", "closing"},
		CallCenterFAQ:        {"faq_affected", "faq_card_misuse", "faq_phishing", "faq_delay"},
	}
	for kind, names := range want {
		ki, _ := Info(kind)
		for _, lang := range []string{"ja", "en"} {
			src, err := BuiltinTemplate(ki, lang)
			if err != nil {
				t.Fatal(err)
			}
			if got := blockNames(t, src); !slices.Equal(got, names) {
				t.Errorf("%s.%s: blocks %v, want %v", kind, lang, got, names)
			}
			for _, n := range names {
				if l := BlockLabel(n); l.JA == n || l.EN == n || l.JA == "" || l.EN == "" {
					t.Errorf("block %s has no label in both languages: %+v", n, l)
				}
			}
		}
	}
	ki, _ := Info(CustomerLetterSample)
	src, _ := BuiltinTemplate(ki, "ja")
	bs, _ := TextBlocks(src)
	if !strings.HasPrefix(bs[0].Text, "このたび、弊社が運営するサイトにおいて") {
		t.Fatalf("opening block reads %q", bs[0].Text)
	}
}

// headings lists a document's titles and headings in order.
func headings(doc pdf.Document) []string {
	var out []string
	for _, b := range doc.Blocks {
		if b.Kind == pdf.KindTitle || b.Kind == pdf.KindHeading {
			out = append(out, b.Text)
		}
	}
	return out
}

// A block's text is printed as text whatever it starts with, with its
// placeholders filled; the document keeps every heading of the built-in;
// the text round-trips through the template exactly, quotes, braces,
// backslashes and all.
func TestSetTextBlocksKeepsTheStructure(t *testing.T) {
	ki, _ := Info(CustomerLetterSample)
	builtin, _ := BuiltinTemplate(ki, "ja")
	view := Sample(ki, "ja")
	before, err := Compose(builtin, view)
	if err != nil {
		t.Fatal(err)
	}
	opening := "## 見出しではない\n| 表 | ではない\n- 箇条書きでもない\n\n[[事業者の名称]]より、{{.Org.Name}} \\ \"引用\" `x` {{ }} をお知らせします。"
	src, err := SetTextBlocks(builtin, map[string]string{"opening": opening, "closing": "@pagebreak\n1. 以上"})
	if err != nil {
		t.Fatal(err)
	}
	bs, err := TextBlocks(src)
	if err != nil || bs[0].Text != opening || bs[1].Text != "@pagebreak\n1. 以上" {
		t.Fatalf("blocks after setting: %+v %v", bs, err)
	}
	after, err := Compose(src, view)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(headings(before), headings(after)) {
		t.Fatalf("headings changed:\n%v\n%v", headings(before), headings(after))
	}
	markup := func(doc pdf.Document) map[pdf.Kind]int {
		n := map[pdf.Kind]int{}
		for _, b := range doc.Blocks {
			if b.Kind != pdf.KindParagraph {
				n[b.Kind]++
			}
		}
		return n
	}
	if b, a := markup(before), markup(after); !maps.Equal(b, a) {
		t.Fatalf("a block's text became markup: %v before, %v after", b, a)
	}
	var paras []string
	for _, b := range after.Blocks {
		if b.Kind == pdf.KindParagraph {
			paras = append(paras, b.Text)
		}
	}
	all := strings.Join(paras, "\n")
	for _, want := range []string{"## 見出しではない", "| 表 | ではない", "- 箇条書きでもない", "Sample Shop K.K.より、{{.Org.Name}} \\ \"引用\" `x` {{ }} をお知らせします。", "@pagebreak", "1. 以上"} {
		if !strings.Contains(all, want) {
			t.Errorf("paragraphs lack %q:\n%s", want, all)
		}
	}
	// Nothing outside the blocks changed.
	if strings.Count(src, "\n") != strings.Count(builtin, "\n") || !strings.HasPrefix(src, "# 個人情報漏えいに関するお詫びとお知らせ") {
		t.Fatal("the template around the blocks changed")
	}
}

// A placeholder typo, an unclosed placeholder and a block the template
// does not have are validation errors naming the block, before any
// template runs.
func TestSetTextBlocksRefusesBadPlaceholders(t *testing.T) {
	ki, _ := Info(PPCFinal)
	src, _ := BuiltinTemplate(ki, "en")
	_, err := SetTextBlocks(src, map[string]string{"intro": "From [[Busines name]].", "closing": "Signed [[Business name", "nope": "x", "final_note": "[[事業者の名称]] and [[Reference]]"})
	var v *apperr.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("refused with %v", err)
	}
	if v.For("block_intro") != "validation.template_placeholder_unknown" || v.For("block_closing") != "validation.template_placeholder_unclosed" ||
		v.For("blocks") != "validation.template_block_unknown" || v.For("block_final_note") != "" {
		t.Fatalf("errors: %+v", v.Fields)
	}
	for _, f := range v.Fields {
		if f.Field == "block_intro" && (len(f.Args) != 2 || f.Args[0] != BlockLabel("intro") || f.Args[1] != "[[Busines name]]") {
			t.Fatalf("the error does not name the block and the placeholder: %+v", f)
		}
	}
	if _, err := SetTextBlocks(src, map[string]string{"intro": "a\x00b"}); !errors.As(err, &v) || v.For("block_intro") != "validation.nul" {
		t.Fatalf("NUL in a text: %v", err)
	}
	// Both languages' names work in either template; an unknown one in a
	// template written by hand fails with the block's name.
	out, err := SetTextBlocks(src, map[string]string{"final_note": "[[事業者の名称]] / [[Reference]] / [[Representative]]"})
	if err != nil {
		t.Fatal(err)
	}
	text, err := ExecuteTemplate(out, Sample(ki, "en"))
	if err != nil || !strings.Contains(text, "Sample Shop K.K. / INC-2026-0000 / "+UnknownEN) {
		t.Fatalf("filled: %v\n%s", err, text)
	}
	if _, err := ExecuteTemplate(`{{.Text "x" "[[Nope]]"}}`, Sample(ki, "en")); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Fatalf("unknown placeholder at run time: %v", err)
	}
}
