package documents

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/pdf"
)

// Text blocks let legal staff edit a template's wording without writing
// template syntax. A template marks each fixed passage as
//
//	{{.Text "name" "the passage, with [[placeholders]]"}}
//
// The passage is plain text: it is always escaped for the block grammar
// (a line starting with "## " or "| " stays text), and [[…]] names a value
// of the case from Placeholders. The form on the templates page edits the
// second argument only, so the structure around it (headings, tables,
// conditionals) stays the template's. The text lives in the template
// itself, so an organisation's form edits are an ordinary override
// version, rendered, versioned and audited like a raw edit.

// MaxBlockBytes bounds one block's text.
const MaxBlockBytes = 20_000

// blockName is what a block's name must look like to be edited in the
// form (it becomes part of an input name).
var blockName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Placeholder is a value of the case legal may write into a text block as
// [[name]], in the template's language or the other one.
type Placeholder struct {
	Name i18n.Text // what goes between [[ and ]]
	Help i18n.Text // what it stands for
	// value reads it from the view-model; "" prints as the unknown marker,
	// so legal's review lists it as not filled.
	value func(v *CaseView) string
}

// Token is how the placeholder is written in a template of lang.
func (p Placeholder) Token(lang string) string { return "[[" + p.Name.In(lang) + "]]" }

// Placeholders are the case's values a text block may name, from the
// view-model (CaseView). The case's summary is not among them: it is the
// team's internal note, and these texts go to customers and regulators.
var Placeholders = []Placeholder{
	{i18n.Text{JA: "事業者の名称", EN: "Business name"}, i18n.Text{JA: "組織の正式名称（組織情報の「正式名称」）", EN: "The organisation's legal name (Organisation page)"},
		func(v *CaseView) string { return v.Org.LegalName }},
	{i18n.Text{JA: "表示名", EN: "Display name"}, i18n.Text{JA: "組織の表示名（サイト名など）", EN: "The organisation's display name (e.g. the shop's name)"},
		func(v *CaseView) string { return v.Org.Name }},
	{i18n.Text{JA: "法人番号", EN: "Corporate number"}, i18n.Text{JA: "13桁の法人番号", EN: "The 13-digit corporate number"},
		func(v *CaseView) string { return v.Org.CorporateNumber }},
	{i18n.Text{JA: "所在地", EN: "Address"}, i18n.Text{JA: "本店所在地", EN: "The head office's address"},
		func(v *CaseView) string { return v.Org.Address }},
	{i18n.Text{JA: "代表者", EN: "Representative"}, i18n.Text{JA: "代表者の役職と氏名", EN: "The representative's title and name"},
		func(v *CaseView) string { return v.Org.Representative }},
	{i18n.Text{JA: "問い合わせ窓口", EN: "Contact desk"}, i18n.Text{JA: "本人向けの問い合わせ窓口（名称・電話・受付時間など）", EN: "The desk for the persons affected (name, phone, hours)"},
		func(v *CaseView) string { return v.Org.ContactDesk }},
	{i18n.Text{JA: "アクワイアラー", EN: "Acquirer"}, i18n.Text{JA: "加盟店契約を結んでいるカード会社", EN: "The card company of the merchant agreement"},
		func(v *CaseView) string { return v.Org.Acquirer }},
	{i18n.Text{JA: "決済代行会社", EN: "Payment service provider"}, i18n.Text{JA: "利用している決済代行会社", EN: "The payment service provider used"},
		func(v *CaseView) string { return v.Org.PSP }},
	{i18n.Text{JA: "管理番号", EN: "Reference"}, i18n.Text{JA: "インシデントの管理番号（INC-…）", EN: "The incident's reference (INC-…)"},
		func(v *CaseView) string { return v.Case.Reference }},
	{i18n.Text{JA: "事案の名称", EN: "Incident title"}, i18n.Text{JA: "インシデントの件名", EN: "The incident's title"},
		func(v *CaseView) string { return v.Case.Title }},
	{i18n.Text{JA: "事案の種類", EN: "Incident type"}, i18n.Text{JA: "不正アクセス、誤送信などの種類", EN: "The kind of incident (unauthorised access, misdelivery…)"},
		func(v *CaseView) string { return v.Case.IncidentType }},
	{i18n.Text{JA: "発覚日時", EN: "Became aware at"}, i18n.Text{JA: "漏えい等を知った日時", EN: "When the organisation became aware"},
		func(v *CaseView) string { return v.Case.AwareAt }},
	{i18n.Text{JA: "発生期間", EN: "Period"}, i18n.Text{JA: "漏えい等が発生した期間（開始 ～ 終了）", EN: "When the leak happened (from – to)"},
		func(v *CaseView) string {
			if v.Case.Period == v.Unknown {
				return ""
			}
			return v.Case.Period
		}},
	{i18n.Text{JA: "個人データの項目", EN: "Data items"}, i18n.Text{JA: "漏えい等した個人データの項目の一覧", EN: "The personal data items leaked, as a list"},
		func(v *CaseView) string { return strings.Join(v.Items, v.listSep()) }},
	{i18n.Text{JA: "カードブランド", EN: "Card brands"}, i18n.Text{JA: "対象のカードブランドの一覧", EN: "The card brands involved, as a list"},
		func(v *CaseView) string { return strings.Join(v.Brands, v.listSep()) }},
	{i18n.Text{JA: "本人の数", EN: "Persons affected"}, i18n.Text{JA: "対象となる本人の数（例: 2,345名）", EN: "How many persons are affected (e.g. 2,345)"},
		func(v *CaseView) string { return known(v, v.Persons) }},
	{i18n.Text{JA: "件数", EN: "Records"}, i18n.Text{JA: "対象となるデータの件数", EN: "How many records are affected"},
		func(v *CaseView) string { return known(v, v.Records) }},
	{i18n.Text{JA: "作成日", EN: "Date"}, i18n.Text{JA: "文書を作成する日（今日）", EN: "The date the document is made (today)"},
		func(v *CaseView) string { return v.Today }},
	{i18n.Text{JA: "文書の表題", EN: "Document title"}, i18n.Text{JA: "この文書の種類の名称", EN: "The name of this kind of document"},
		func(v *CaseView) string { return v.Title }},
}

func known(v *CaseView, s string) string {
	if s == v.Unknown {
		return ""
	}
	return s
}

func (v *CaseView) listSep() string {
	if v.Lang == "en" {
		return ", "
	}
	return "、"
}

// placeholder finds a placeholder by its name in either language.
func placeholder(name string) (Placeholder, bool) {
	name = strings.TrimSpace(name)
	for _, p := range Placeholders {
		if name == p.Name.JA || name == p.Name.EN {
			return p, true
		}
	}
	return Placeholder{}, false
}

// PlaceholderError says what is wrong with a [[…]] in a text block:
// Unknown names a placeholder that does not exist (Name is what was
// written), else the [[ is not closed.
type PlaceholderError struct {
	Name    string
	Unknown bool
}

func (e *PlaceholderError) Error() string {
	if e.Unknown {
		return fmt.Sprintf("unknown placeholder [[%s]]", e.Name)
	}
	return "[[ without ]]"
}

// fill replaces the placeholders of text with the view's values; a value
// not known prints as the unknown marker. With v nil it only checks.
func fill(text string, v *CaseView) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(text, "[[")
		if i < 0 {
			b.WriteString(text)
			return b.String(), nil
		}
		b.WriteString(text[:i])
		rest := text[i+2:]
		j := strings.Index(rest, "]]")
		if j < 0 || strings.ContainsAny(rest[:j], "\n[") {
			return "", &PlaceholderError{}
		}
		p, ok := placeholder(rest[:j])
		if !ok {
			return "", &PlaceholderError{Name: rest[:j], Unknown: true}
		}
		if v != nil {
			val := p.value(v)
			if strings.TrimSpace(val) == "" {
				val = v.Unknown
			}
			b.WriteString(val)
		}
		text = rest[j+2:]
	}
}

// Text is a template's editable text block (see the comment at the top of
// this file): text with its placeholders filled in, escaped as paragraphs
// of the block grammar. name identifies the block for the form. An
// unknown placeholder is an error, which the form refuses before saving.
func (v *CaseView) Text(name, text string) (string, error) {
	s, err := fill(strings.ReplaceAll(text, "\r\n", "\n"), v)
	if err != nil {
		return "", fmt.Errorf("text block %q: %w", name, err)
	}
	return pdf.EscapeParagraphs(s), nil
}

// TextBlock is one editable text block of a template, as the form shows
// it: its name, its label and its current text.
type TextBlock struct {
	Name  string
	Label i18n.Text
	Text  string
}

// blockLabels name the built-in templates' blocks for the form; a block
// a developer added in a raw template is labelled with its name.
var blockLabels = map[string]i18n.Text{
	"preliminary_note": {JA: "速報であることの注記（表題の下）", EN: "Note under the title (preliminary report)"},
	"final_note":       {JA: "確報であることの注記（表題の下）", EN: "Note under the title (final report)"},
	"intro":            {JA: "冒頭の文（任意）", EN: "Opening text (optional)"},
	"opening":          {JA: "冒頭のお詫びとお知らせの文", EN: "Opening apology and notice"},
	"closing":          {JA: "結びの文（任意、署名の前）", EN: "Closing text (optional, before the signature)"},
	"faq_affected":     {JA: "Q3「自分が対象かどうか」の回答", EN: "Answer to Q3, \"Am I affected?\""},
	"faq_card_misuse":  {JA: "Q4「カードの不正利用が心配」の回答", EN: "Answer to Q4, \"I am worried my card will be misused\""},
	"faq_phishing":     {JA: "Q5「不審なメールや電話」の回答", EN: "Answer to Q5, \"I received a suspicious e-mail or call\""},
	"faq_delay":        {JA: "Q6「公表が遅れた理由」の回答", EN: "Answer to Q6, \"Why was this announced only now?\""},
}

// BlockLabel names a block for the form and its error messages.
func BlockLabel(name string) i18n.Text {
	if l, ok := blockLabels[name]; ok {
		return l
	}
	return i18n.Text{JA: name, EN: name}
}

// occurrence is one {{.Text "name" "text"}} in a template's source: the
// byte range of its text argument as written.
type occurrence struct {
	name, text string
	pos, end   int
}

// occurrences finds the text blocks of src in source order. A call not
// written as .Text with two string constants is left to the raw editor.
func occurrences(src string) ([]occurrence, error) {
	t, err := template.New("doc").Funcs(composeFuncs()).Parse(src)
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	var out []occurrence
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.IfNode:
			walk(&n.BranchNode)
		case *parse.RangeNode:
			walk(&n.BranchNode)
		case *parse.WithNode:
			walk(&n.BranchNode)
		case *parse.BranchNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			if len(n.Args) == 3 {
				f, ok0 := n.Args[0].(*parse.FieldNode)
				name, ok1 := n.Args[1].(*parse.StringNode)
				text, ok2 := n.Args[2].(*parse.StringNode)
				if ok0 && ok1 && ok2 && slices.Equal(f.Ident, []string{"Text"}) && blockName.MatchString(name.Text) {
					pos := int(text.Pos)
					if pos >= 0 && pos+len(text.Quoted) <= len(src) && src[pos:pos+len(text.Quoted)] == text.Quoted {
						out = append(out, occurrence{name: name.Text, text: text.Text, pos: pos, end: pos + len(text.Quoted)})
					}
				}
			}
			for _, c := range n.Args {
				walk(c)
			}
		}
	}
	for _, tt := range t.Templates() {
		if tt.Tree != nil {
			walk(tt.Tree.Root)
		}
	}
	slices.SortFunc(out, func(a, b occurrence) int { return a.pos - b.pos })
	out = slices.CompactFunc(out, func(a, b occurrence) bool { return a.pos == b.pos })
	return out, nil
}

// TextBlocks lists the editable text blocks of a template in the order
// they are written, each name once (a name written twice is one block
// whose text goes in both places).
func TextBlocks(src string) ([]TextBlock, error) {
	occ, err := occurrences(src)
	if err != nil {
		return nil, err
	}
	var out []TextBlock
	for _, o := range occ {
		if !slices.ContainsFunc(out, func(b TextBlock) bool { return b.Name == o.name }) {
			out = append(out, TextBlock{Name: o.name, Label: BlockLabel(o.name), Text: o.text})
		}
	}
	return out, nil
}

// BlockField is the form field of a block, which validation errors name.
func BlockField(name string) string { return "block_" + name }

// SetTextBlocks returns src with the texts of the named blocks replaced
// and everything else as it was. Every text is checked first: a block the
// template does not have, a text too long or not UTF-8, and a placeholder
// that is unknown or not closed are validation errors on the block's
// field (BlockField) naming the block ("blocks" for a name the template
// does not have), so a typo is refused here rather than failing when a
// document is rendered.
func SetTextBlocks(src string, texts map[string]string) (string, error) {
	occ, err := occurrences(src)
	if err != nil {
		return "", err
	}
	v := &apperr.ValidationError{}
	names := make([]string, 0, len(texts))
	for name := range texts {
		names = append(names, name)
	}
	slices.Sort(names)
	clean := map[string]string{}
	for _, name := range names {
		text := strings.ReplaceAll(texts[name], "\r\n", "\n")
		field, label := BlockField(name), BlockLabel(name)
		switch {
		case !slices.ContainsFunc(occ, func(o occurrence) bool { return o.name == name }):
			// No textarea shows it: the form names it at its top.
			v.Add("blocks", "validation.template_block_unknown", name)
			continue
		case len(text) > MaxBlockBytes:
			v.Add(field, "validation.max_bytes", MaxBlockBytes)
			continue
		case !utf8.ValidString(text):
			v.Add(field, "validation.template_block_encoding", label)
			continue
		case strings.IndexByte(text, 0) >= 0:
			// Quoting would hide it from the store's guard, which
			// refuses it in any text.
			v.Add(field, "validation.nul")
			continue
		}
		if _, err := fill(text, nil); err != nil {
			if pe, ok := err.(*PlaceholderError); ok && pe.Unknown {
				v.Add(field, "validation.template_placeholder_unknown", label, "[["+pe.Name+"]]")
			} else {
				v.Add(field, "validation.template_placeholder_unclosed", label)
			}
			continue
		}
		clean[name] = text
	}
	if err := v.OrNil(); err != nil {
		return "", err
	}
	// Replace from the end so the earlier offsets stay right.
	for i := len(occ) - 1; i >= 0; i-- {
		o := occ[i]
		if text, ok := clean[o.name]; ok {
			src = src[:o.pos] + strconv.Quote(text) + src[o.end:]
		}
	}
	return src, nil
}
