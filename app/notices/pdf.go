package notices

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/breachdesk/breachdesk/app/i18n"

	"github.com/breachdesk/breachdesk/app/auth"
)

// measureStatus names a measure's status for the public.
var measureStatus = map[string]i18n.Text{
	"planned":     {JA: "実施予定", EN: "planned"},
	"in_progress": {JA: "実施中", EN: "in progress"},
	"done":        {JA: "実施済み", EN: "done"},
}

// Source renders a version as the block grammar: the same words as the
// public page, for the PDF kept with each published version, dated (the
// day it was published, in the organisation's zone) and signed with the
// organisation's legal name and representative as a Japanese notice is.
func Source(org auth.Organisation, v Version, history []Version, measures []PublishedMeasure, lang string, at time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", pdf.Escape(v.Title(lang)))
	fmt.Fprintf(&b, "@sign %s | %s | %s\n\n", pdf.Escape(noticeDate(at.In(org.Location()), lang)), pdf.Escape(org.LegalName), pdf.Escape(org.Representative))
	for _, h := range history {
		if line := h.UpdateLine(lang); line != "" {
			fmt.Fprintf(&b, "%s\n\n", pdf.Escape(line))
		}
	}
	for i, key := range Sections {
		text := v.Sections[key].In(lang)
		if strings.TrimSpace(text) == "" && Optional[key] {
			continue
		}
		fmt.Fprintf(&b, "## %d. %s\n\n%s\n\n", i+1, SectionTitles[key].In(lang), pdf.EscapeParagraphs(text))
		if key == "prevention" && len(measures) > 0 {
			for _, m := range measures {
				title := m.TitleJA
				if lang == "en" && m.TitleEN != "" {
					title = m.TitleEN
				}
				line := fmt.Sprintf("%s（%s）", title, measureStatus[m.Status].In(lang))
				if lang == "en" {
					line = fmt.Sprintf("%s (%s)", title, measureStatus[m.Status].In(lang))
				}
				fmt.Fprintf(&b, "- %s\n", pdf.Escape(line))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// pdf renders one published version from its frozen content.
func (s *Service) pdf(ctx context.Context, org auth.Organisation, n Notice, v Version, measures []PublishedMeasure, lang string, at time.Time) ([]byte, error) {
	doc, err := pdf.Parse(Source(org, v, []Version{v}, measures, lang, at))
	if err != nil {
		return nil, err
	}
	return s.renderer.Render(ctx, doc, pdf.Meta{Title: v.Title(lang), Organisation: org.LegalName, Reference: "/notices/" + n.Slug, Lang: lang, GeneratedAt: at})
}

// noticeDate is the notice's date as the reader's language writes it.
func noticeDate(t time.Time, lang string) string {
	if lang == "en" {
		return t.Format("2 January 2006")
	}
	return jaDate(t)
}
