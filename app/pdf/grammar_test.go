package pdf

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"text/template"
)

func TestParse(t *testing.T) {
	t.Parallel()
	src := strings.Join([]string{
		"# お詫びとお知らせ",
		"",
		"## 1. 経緯",
		"  2026年9月15日、カード会社から", // template indentation is ignored
		"連絡を受けました。",            // joined without a space (Japanese)
		"This line and",
		"this one join with a space.",
		"",
		"### (1) 原因",
		"- 項目A",
		"- 項目B \\| 続き",
		"3. 三番目",
		"4. 四番目",
		"| 対象件数 | 4,800件",
		"| 期間 | 2025年12月1日～ |",
		"| 空欄 |",
		"",
		"\\# 見出しではない \\- \\@ \\\\ 行\\n改行",
		"@pagebreak",
		"@sign 2026年11月24日 | 株式会社デモショップ | 代表取締役 山田 太郎",
	}, "\r\n")
	doc, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{
		{Kind: KindTitle, Line: 1, Text: "お詫びとお知らせ"},
		{Kind: KindHeading, Line: 3, Level: 2, Text: "1. 経緯"},
		{Kind: KindParagraph, Line: 4, Text: "2026年9月15日、カード会社から連絡を受けました。This line and this one join with a space."},
		{Kind: KindHeading, Line: 9, Level: 3, Text: "(1) 原因"},
		{Kind: KindList, Line: 10, Items: []string{"項目A", "項目B | 続き"}},
		{Kind: KindList, Line: 12, Ordered: true, Start: 3, Items: []string{"三番目", "四番目"}},
		{Kind: KindKV, Line: 14, Rows: []KVRow{{"対象件数", "4,800件"}, {"期間", "2025年12月1日～"}, {"空欄", ""}}},
		{Kind: KindParagraph, Line: 18, Text: "# 見出しではない - @ \\ 行\n改行"},
		{Kind: KindPageBreak, Line: 19},
		{Kind: KindSignature, Line: 20, Lines: []string{"2026年11月24日", "株式会社デモショップ", "代表取締役 山田 太郎"}},
	}
	if !reflect.DeepEqual(doc.Blocks, want) {
		for i := range max(len(doc.Blocks), len(want)) {
			var g, w Block
			if i < len(doc.Blocks) {
				g = doc.Blocks[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("block %d:\n got %#v\nwant %#v", i, g, w)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		line int
		msg  string
	}{
		{"ok\n\n#### too deep", 3, "not a title or heading"},
		{"#nospace", 1, "not a title or heading"},
		{"# ", 1, "empty title"},
		{"-item", 1, "not a list item"},
		{"- ", 1, "empty list item"},
		{"text\n| a | b | c", 2, "got 3 cells"},
		{"| only key", 1, "got 1 cells"},
		{"|  | value", 1, "table row"},
		{"@signature x", 1, "unknown directive @signature"},
		{"@pagebreak now", 1, "takes no arguments"},
		{"@sign", 1, "at least one line"},
		{"a\nb\nC:\\Users", 3, `unknown escape \U`},
		{"trailing \\", 1, "backslash at end of line"},
		{"- 項目\\あ", 1, `unknown escape \あ`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError", tt.src, err)
			continue
		}
		if se.Line != tt.line || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("Parse(%q) = line %d %q, want line %d containing %q", tt.src, se.Line, se.Msg, tt.line, tt.msg)
		}
		if !strings.Contains(err.Error(), "line ") {
			t.Errorf("error %q does not name the line", err)
		}
	}
}

// hostile user values: every one must come back unchanged from a list item,
// a table cell and a signature line, and never turn into markup.
var hostile = []string{
	"# 見出し", "## x", "- item", "| a | b", "@pagebreak", "@sign x | y", "1. numbered", "2026. year",
	`\`, `\n`, `C:\new\table`, "a | b | c", "line1\nline2", "\\#", "-", "|", "@", "#", "  # indented",
	"トマト | ケチャップ", "back\\slash at end\\",
}

func TestEscapeRoundTrip(t *testing.T) {
	t.Parallel()
	for _, v := range hostile {
		want := strings.TrimSpace(v)
		src := "- " + Escape(v) + "\n\n| " + Escape(v) + " | " + Escape(v) + "\n\n@sign " + Escape(v) + " | x\n\n" + Escape(v)
		doc, err := Parse(src)
		if err != nil {
			t.Errorf("value %q: %v\n%s", v, err, src)
			continue
		}
		if len(doc.Blocks) != 4 {
			t.Errorf("value %q gave %d blocks: %#v", v, len(doc.Blocks), doc.Blocks)
			continue
		}
		got := []string{doc.Blocks[0].Items[0], doc.Blocks[1].Rows[0].Key, doc.Blocks[1].Rows[0].Value, doc.Blocks[2].Lines[0], doc.Blocks[3].Text}
		for i, g := range got {
			if g != want {
				t.Errorf("value %q: position %d came back as %q", v, i, g)
			}
		}
	}
}

func TestEscapeParagraphs(t *testing.T) {
	t.Parallel()
	tmpl := template.Must(template.New("t").Funcs(Funcs()).Parse("## {{inline .H}}\n{{esc .Body}}\n\n- {{inline .N}}\n"))
	doc, err := Execute(tmpl, map[string]any{
		"H":    "# 1. 見出し | x",
		"Body": "第一段落の一行目\r\n- 二行目（リストではない）\n\n\n# 第二段落\n@sign x\n  \n| 第三段落",
		"N":    4800,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{
		{Kind: KindHeading, Line: 1, Level: 2, Text: "# 1. 見出し | x"},
		{Kind: KindParagraph, Line: 2, Text: "第一段落の一行目\n- 二行目（リストではない）"},
		{Kind: KindParagraph, Line: 4, Text: "# 第二段落\n@sign x"},
		{Kind: KindParagraph, Line: 6, Text: "| 第三段落"},
		{Kind: KindList, Line: 8, Items: []string{"4800"}},
	}
	if !reflect.DeepEqual(doc.Blocks, want) {
		t.Errorf("got  %#v\nwant %#v", doc.Blocks, want)
	}
}

func TestExecuteReportsTemplateName(t *testing.T) {
	t.Parallel()
	tmpl := template.Must(template.New("letter.ja.tmpl").Funcs(Funcs()).Parse("ok\n@oops"))
	_, err := Execute(tmpl, nil)
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 2 || !strings.Contains(err.Error(), "letter.ja.tmpl") {
		t.Fatalf("err = %v", err)
	}
}

func TestSampleTemplateParses(t *testing.T) {
	t.Parallel()
	doc, err := sampleDoc()
	if err != nil {
		t.Fatal(err)
	}
	count := map[Kind]int{}
	for _, b := range doc.Blocks {
		count[b.Kind]++
	}
	if count[KindTitle] != 1 || count[KindHeading] != 6 || count[KindKV] != 2 || count[KindList] != 2 || count[KindSignature] != 1 {
		t.Errorf("unexpected block mix %v", count)
	}
	for _, b := range doc.Blocks {
		if b.Kind == KindKV && len(b.Rows) == 10 {
			return // header row + 9 facts
		}
	}
	t.Errorf("the 9-row fact table is missing")
}

// FuzzEscape: whatever a user types, an escaped value is exactly one
// paragraph with the same text (modulo surrounding spaces and CRs).
func FuzzEscape(f *testing.F) {
	for _, v := range hostile {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		doc, err := Parse(Escape(v))
		if err != nil {
			t.Fatalf("Parse(Escape(%q)): %v", v, err)
		}
		want := strings.Trim(strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\r", ""), " \t")
		if want == "" {
			if len(doc.Blocks) != 0 {
				t.Fatalf("empty value gave blocks %#v", doc.Blocks)
			}
			return
		}
		if len(doc.Blocks) != 1 || doc.Blocks[0].Kind != KindParagraph || doc.Blocks[0].Text != want {
			t.Fatalf("Escape(%q) parsed to %#v, want one paragraph %q", v, doc.Blocks, want)
		}
	})
}
