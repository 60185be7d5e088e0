package documents

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/pdf"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// FuzzCompose puts one user-typed value into every free-text field a
// document is built from (organisation, case, timeline, tasks, evidence
// names, FAQ, submission references, the edited fields) and composes every
// built-in template in both languages. The templates must escape it: the
// document's markup (titles, headings, lists, tables, signature, page
// breaks) is the same as with plain text, and a value without white space
// comes back verbatim.
func FuzzCompose(f *testing.F) {
	// Block markup a user might type (see the pdf package's grammar), then
	// template syntax and hostile text.
	for _, v := range []string{"# 見出し", "- item", "| a | b", "@pagebreak", "@sign x | y", "1. numbered", `\`, "line1\nline2", "トマト | ケチャップ", "Plain", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)",
		"'; DROP TABLE cases; --", "{{.Org.Name}}", "{{template \"x\"}}", "%v %s %!", "a\n\n# b\n\n| c | d", "12345-678", "\x00\xff", "😀"} {
		f.Add(v)
	}
	type built struct {
		kind KindInfo
		lang string
		src  string
		base []skel
	}
	var all []built
	for _, k := range Kinds {
		for _, lang := range []string{"ja", "en"} {
			src, err := BuiltinTemplate(k, lang)
			if err != nil {
				f.Fatal(err)
			}
			doc, err := Compose(src, buildWith(k, lang, "Plain text"))
			if err != nil {
				f.Fatalf("%s.%s with plain text: %v", k.Kind, lang, err)
			}
			all = append(all, built{k, lang, src, skeleton(doc)})
		}
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, b := range all {
			doc, err := Compose(b.src, buildWith(b.kind, b.lang, v))
			if err != nil {
				t.Fatalf("%s.%s with %q: %v", b.kind.Kind, b.lang, v, err)
			}
			if strings.TrimSpace(v) == "" {
				continue // blank values drop optional parts (an FAQ entry without a question)
			}
			if got := skeleton(doc); !reflect.DeepEqual(got, b.base) {
				t.Fatalf("%s.%s: %q changed the document's markup:\ngot  %v\nwant %v", b.kind.Kind, b.lang, v, got, b.base)
			}
			if utf8.ValidString(v) && strings.IndexFunc(v, unicode.IsSpace) < 0 && !strings.Contains(allText(doc), v) {
				t.Fatalf("%s.%s: %q does not come back verbatim", b.kind.Kind, b.lang, v)
			}
		}
	})
}

// buildWith builds kind's view-model in lang from a case in which every
// free-text field a user sets holds v.
func buildWith(kind KindInfo, lang, v string) *CaseView {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	from, done := now.AddDate(0, -2, 0), now.Add(-time.Hour)
	src := Source{
		Org: auth.Organisation{Name: v, LegalName: v, CorporateNumber: v, Address: v, Representative: v, ContactDesk: v,
			AcquirerName: v, PSPName: v, Timezone: "Asia/Tokyo"},
		Case: cases.Case{Reference: v, Title: v, Summary: v, AwareAt: now, OccurredFrom: &from, OccurredTo: &now,
			IncidentType: "card_skimming", Playbook: "jp-card-leak"},
		Timeline: []timeline.Entry{{Kind: "manual", OccurredAt: from, Summary: v}},
		Tasks: []cases.Task{{Title: v, Phase: cases.PhaseContainment, Status: "done", CompletedAt: &done},
			{Title: v, Phase: cases.PhaseRecovery, Status: "open"}},
		Evidence:    []evidence.Item{{Filename: v}},
		Obligations: []assessment.Obligation{{RuleID: "jp.police.consultation", Status: assessment.StatusSubmitted, SubmittedAt: &done, RecipientReference: v}},
		FAQ:         []QA{{Question: i18n.Text{JA: v, EN: v}, Answer: i18n.Text{JA: v, EN: v}}},
		Now:         now,
	}
	fields := map[string]string{}
	for _, fd := range kind.Fields {
		fields[fd.Key] = v
	}
	return Build(src, kind, lang, fields)
}

// skel is a block's markup without its text.
type skel struct {
	Kind                pdf.Kind
	Level, Start, Count int
	Ordered             bool
}

// skeleton is the markup of doc: every block but paragraphs (user text
// may add paragraphs where the template says esc), with the number of its
// items, rows or lines.
func skeleton(doc pdf.Document) []skel {
	var out []skel
	for _, b := range doc.Blocks {
		if b.Kind == pdf.KindParagraph {
			continue
		}
		out = append(out, skel{Kind: b.Kind, Level: b.Level, Start: b.Start, Ordered: b.Ordered, Count: len(b.Items) + len(b.Rows) + len(b.Lines)})
	}
	return out
}

// allText joins every text of doc.
func allText(doc pdf.Document) string {
	var b strings.Builder
	for _, bl := range doc.Blocks {
		b.WriteString(bl.Text + "\n")
		for _, s := range append(bl.Items, bl.Lines...) {
			b.WriteString(s + "\n")
		}
		for _, r := range bl.Rows {
			b.WriteString(r.Key + "\n" + r.Value + "\n")
		}
	}
	return b.String()
}
