package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/obligations"
)

// label returns the Japanese or English UI word.
func label(lang string, ja, en string) string {
	if lang == "ja" {
		return ja
	}
	return en
}

const stampLayout = "2006-01-02 15:04 -07:00"

// when returns the main date of an obligation and what kind of date it is.
func when(o obligations.Obligation, lang string) (string, string) {
	switch {
	case o.DueAt != nil:
		kind := label(lang, "期限", "due")
		if o.Guideline {
			kind = label(lang, "目安", "guideline")
		}
		return o.DueAt.Format(stampLayout), kind
	case o.TargetAt != nil:
		return o.TargetAt.Format(stampLayout), label(lang, "社内目標", "target")
	}
	return "-", label(lang, "期限の定めなし", "no deadline")
}

// notes lists the flags a reader must not miss.
func notes(o obligations.Obligation, lang string) string {
	var n []string
	if o.WindowStart != nil {
		n = append(n, label(lang, "目安開始 ", "window from ")+o.WindowStart.Format(stampLayout))
	}
	if o.Provisional {
		n = append(n, label(lang, "暫定（要確認）", "provisional (review)"))
	}
	if o.Overdue {
		n = append(n, label(lang, "期限超過", "OVERDUE"))
	}
	return strings.Join(n, "; ")
}

func writeResultTable(w io.Writer, res obligations.Result, lang string) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "%s: %s (%s)\n", label(lang, "知った時点", "Aware at"), res.AwareAt.Format(time.RFC3339), res.Timezone)
	fmt.Fprintf(ew, "%s: %s\n\n", label(lang, "個人情報保護法", "APPI"), appiSummary(res.APPI, lang))
	var t table
	if lang == "ja" {
		t.add("日時", "種別", "ルール", "提出先・通知先", "備考")
	} else {
		t.add("WHEN", "KIND", "RULE", "RECIPIENT", "NOTES")
	}
	for _, o := range res.Obligations {
		at, kind := when(o, lang)
		t.add(at, kind, o.RuleID, oneLine(o.Recipient.In(lang)), notes(o, lang))
	}
	if len(res.Obligations) == 0 {
		t.add(label(lang, "（該当なし）", "(none)"))
	}
	t.write(ew)
	if len(res.NeedsReview) > 0 {
		fmt.Fprintf(ew, "\n%s:\n", label(lang, "要確認", "Needs review"))
		for _, r := range res.NeedsReview {
			fmt.Fprintf(ew, "- %s [%s]: %s\n", r.Code, r.Field, r.Message.In(lang))
		}
	}
	return ew.err
}

func appiSummary(a obligations.APPIAssessment, lang string) string {
	switch {
	case a.Excluded != "":
		return label(lang, "除外: ", "excluded: ") + a.Excluded
	case !a.Applies:
		return label(lang, "報告対象外", "no trigger met")
	}
	var codes []string
	for _, t := range a.Triggers {
		codes = append(codes, string(t))
	}
	s := label(lang, "報告対象 ", "applies ") + strings.Join(codes, ",")
	if a.Provisional {
		s = label(lang, "暫定的に報告対象（不明な事実あり）", "applies provisionally (unknown facts)")
	}
	return s + fmt.Sprintf(label(lang, "、確報 %d日", ", final report %d days"), a.FinalDays)
}

func writeResultMarkdown(w io.Writer, res obligations.Result, lang string) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "# %s\n\n", label(lang, "報告・通知義務", "Obligations"))
	fmt.Fprintf(ew, "- %s: %s (%s)\n", label(lang, "知った時点", "Aware at"), res.AwareAt.Format(time.RFC3339), res.Timezone)
	fmt.Fprintf(ew, "- %s: %s\n\n", label(lang, "個人情報保護法", "APPI"), appiSummary(res.APPI, lang))
	fmt.Fprintln(ew, label(lang, "| 日時 | 種別 | ルール | 提出先・通知先 | 根拠 | 備考 |", "| When | Kind | Rule | Recipient | Basis | Notes |"))
	fmt.Fprintln(ew, "|---|---|---|---|---|---|")
	for _, o := range res.Obligations {
		at, kind := when(o, lang)
		fmt.Fprintf(ew, "| %s | %s | `%s` | %s | %s | %s |\n", at, kind, o.RuleID, md(o.Recipient.In(lang)), md(o.Basis.In(lang)), md(notes(o, lang)))
	}
	if len(res.NeedsReview) > 0 {
		fmt.Fprintf(ew, "\n## %s\n\n", label(lang, "要確認", "Needs review"))
		for _, r := range res.NeedsReview {
			fmt.Fprintf(ew, "- **%s** (`%s`): %s\n", r.Code, r.Field, md(r.Message.In(lang)))
		}
	}
	return ew.err
}

func writeRulesTable(w io.Writer, rules []obligations.Rule, lang string) error {
	ew := &errWriter{w: w}
	for i, r := range rules {
		if i > 0 {
			fmt.Fprintln(ew)
		}
		fmt.Fprintf(ew, "%s  [%s]\n", r.ID, r.Jurisdiction)
		var t table
		for _, kv := range ruleFields(r, lang) {
			t.add("  "+kv[0], kv[1])
		}
		t.write(ew)
	}
	return ew.err
}

func writeRulesMarkdown(w io.Writer, rules []obligations.Rule, lang string) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "# %s\n\n", label(lang, "ルール一覧", "Rule table"))
	fmt.Fprintln(ew, label(lang, "| ID | 法域 | 提出先・通知先 | 期限 | 確認日 | 一次資料（確認日） |", "| ID | Jurisdiction | Recipient | Deadline | Verified on | Primary sources (checked) |"))
	fmt.Fprintln(ew, "|---|---|---|---|---|---|")
	for _, r := range rules {
		var prim []string
		for _, s := range r.Sources {
			if s.Primary {
				prim = append(prim, s.Cite.In(lang)+" ("+checked(s, lang)+")")
			}
		}
		fmt.Fprintf(ew, "| `%s` | %s | %s | %s | %s | %s |\n", r.ID, r.Jurisdiction, md(r.Recipient.In(lang)), md(r.Deadline.Text.In(lang)), r.VerifiedOn, md(strings.Join(prim, "; ")))
	}
	for _, r := range rules {
		fmt.Fprintf(ew, "\n## `%s`\n\n", r.ID)
		for _, kv := range ruleFields(r, lang) {
			fmt.Fprintf(ew, "- **%s**: %s\n", kv[0], md(kv[1]))
		}
	}
	return ew.err
}

// ruleFields lists a rule's reference fields as label/value pairs.
func ruleFields(r obligations.Rule, lang string) [][2]string {
	kind := string(r.Deadline.Kind)
	if r.Guideline {
		kind += label(lang, "（目安）", " (guideline)")
	}
	var content []string
	for i, c := range r.Content {
		content = append(content, fmt.Sprintf("(%d) %s", i+1, c.In(lang)))
	}
	fields := [][2]string{
		{label(lang, "提出先・通知先", "recipient"), oneLine(r.Recipient.In(lang))},
		{label(lang, "要件", "trigger"), oneLine(r.Trigger.In(lang))},
		{label(lang, "期限", "deadline"), oneLine(r.Deadline.Text.In(lang)) + " [" + kind + "]"},
		{label(lang, "起算", "clock start"), oneLine(r.ClockStart.In(lang))},
		{label(lang, "記載事項", "content"), strings.Join(content, " ")},
		{label(lang, "根拠", "basis"), oneLine(r.Basis.In(lang))},
		{label(lang, "確認日", "verified on"), r.VerifiedOn},
	}
	var comments []string
	for _, s := range r.Sources {
		if s.Primary {
			fields = append(fields, [2]string{label(lang, "一次資料", "primary source"), sourceLine(s, lang)})
		} else {
			comments = append(comments, s.Cite.In(lang))
		}
	}
	if len(comments) > 0 {
		fields = append(fields, [2]string{label(lang, "解説（二次資料）", "commentary"), strings.Join(comments, "; ")})
	}
	if r.Zone != "" {
		fields = append(fields, [2]string{label(lang, "日の計算", "day zone"), r.Zone})
	}
	if r.Caveat != nil {
		fields = append(fields, [2]string{label(lang, "注意", "caveat"), oneLine(r.Caveat.In(lang))})
	}
	return fields
}

// checked is a source's check date, or a word saying it was not read.
func checked(s obligations.Source, lang string) string {
	if s.CheckedOn == "" {
		return label(lang, "未読", "not read")
	}
	return label(lang, "確認 ", "checked ") + s.CheckedOn
}

// sourceLine is one source as the rule reference lists it: the citation,
// its address, when it was read and through what (or why it was not).
func sourceLine(s obligations.Source, lang string) string {
	line := s.Cite.In(lang)
	if s.URL != "" {
		line += " <" + s.URL + ">"
	}
	line += " — " + checked(s, lang)
	if s.Note != nil {
		line += label(lang, "（", " (") + s.Note.In(lang) + label(lang, "）", ")")
	}
	return oneLine(line)
}

// md makes text safe inside a Markdown table cell.
func md(s string) string { return strings.ReplaceAll(oneLine(s), "|", `\|`) }

// errWriter remembers the first write error so the renderers can write
// freely and report once.
type errWriter struct {
	w   io.Writer
	err error
}

// Write passes p on until the first error, then returns that error.
func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
