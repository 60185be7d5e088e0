package inquiries

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// Export is a file handed out: its name, type and bytes.
type Export struct {
	Filename    string
	ContentType string
	Data        []byte
	// Entries counts the rows (FAQ entries or inquiries) in the file.
	Entries int
}

// bom makes Excel read a CSV file as UTF-8 instead of the system's code
// page (Shift_JIS on Japanese Windows), which would garble every kanji.
const bom = "\uFEFF"

// maxExportRows bounds the inquiry log export; a desk that has taken more
// filters by status or category.
const maxExportRows = 100_000

func checkLang(lang string) error {
	if lang != "ja" && lang != "en" {
		return apperr.Invalid("lang", "validation.lang")
	}
	return nil
}

// FAQPDF renders the case's FAQ sheet in lang: the built-in call-centre
// FAQ template (the standard questions every desk gets) followed by the
// curated entries. The built-in template is used rather than an
// organisation's override so that the curated entries always appear.
func (s *Service) FAQPDF(ctx context.Context, p *auth.Principal, caseID int64, lang string) (Export, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return Export{}, err
	}
	if err := checkLang(lang); err != nil {
		return Export{}, err
	}
	entries, err := s.FAQ(ctx, p, caseID)
	if err != nil {
		return Export{}, err
	}
	src := documents.Source{Org: p.Organisation, Case: c, FAQ: toQA(entries), Now: s.now()}
	v, facts, err := s.as.Current(ctx, p, caseID)
	if err != nil {
		return Export{}, err
	}
	src.Facts, src.HasFacts = facts, v.ID != 0
	ki, _ := documents.Info(documents.CallCenterFAQ)
	body, err := documents.BuiltinTemplate(ki, lang)
	if err != nil {
		return Export{}, err
	}
	view := documents.Build(src, ki, lang, nil)
	doc, err := documents.Compose(body, view)
	if err != nil {
		return Export{}, err
	}
	pdf, err := s.renderer.Render(ctx, doc, pdf.Meta{Title: view.Title, Organisation: view.Org.LegalName, Reference: c.Reference, Lang: lang, Drill: c.Drill, GeneratedAt: src.Now})
	if err != nil {
		return Export{}, err
	}
	out := Export{Filename: fmt.Sprintf("faq_%s_%s.pdf", c.Reference, lang), ContentType: "application/pdf", Data: pdf, Entries: len(entries)}
	return out, s.auditExport(ctx, c.OrganisationID, c.ID, "faq.export", out, lang, true)
}

// FAQCSV is the curated FAQ entries in lang as a CSV file for Excel:
// number, question, answer. An entry not yet translated keeps its other
// language, as on the PDF.
func (s *Service) FAQCSV(ctx context.Context, p *auth.Principal, caseID int64, lang string) (Export, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return Export{}, err
	}
	if err := checkLang(lang); err != nil {
		return Export{}, err
	}
	entries, err := s.FAQ(ctx, p, caseID)
	if err != nil {
		return Export{}, err
	}
	ki, _ := documents.Info(documents.CallCenterFAQ)
	view := documents.Build(documents.Source{Org: p.Organisation, Case: c, FAQ: toQA(entries), Now: s.now()}, ki, lang, nil)
	rows := [][]string{pick(lang, []string{"番号", "質問", "回答"}, []string{"No.", "Question", "Answer"})}
	for _, qa := range view.FAQ {
		rows = append(rows, []string{strconv.Itoa(qa.No), qa.Question, qa.Answer})
	}
	data, err := writeCSV(rows)
	if err != nil {
		return Export{}, err
	}
	out := Export{Filename: fmt.Sprintf("faq_%s_%s.csv", c.Reference, lang), ContentType: "text/csv; charset=utf-8", Data: data, Entries: len(view.FAQ)}
	return out, s.auditExport(ctx, c.OrganisationID, c.ID, "faq.export", out, lang, true)
}

// InquiriesCSV is the inquiry log (filtered by f, newest first) as a CSV
// file, headers in lang and times in the organisation's zone. It holds
// callers' names and contacts, so only editors may take it.
func (s *Service) InquiriesCSV(ctx context.Context, p *auth.Principal, caseID int64, f Filter, lang string) (Export, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return Export{}, err
	}
	if err := p.Require(auth.WorkCases); err != nil {
		return Export{}, err
	}
	if err := checkLang(lang); err != nil {
		return Export{}, err
	}
	f.Limit, f.Offset = maxExportRows, 0
	list, _, err := s.List(ctx, p, caseID, f)
	if err != nil {
		return Export{}, err
	}
	loc := p.Organisation.Location()
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	rows := [][]string{pick(lang,
		[]string{"番号", "受付日時", "経路", "氏名", "連絡先", "対象者", "対象者ID", "分類", "状態", "お問い合わせ内容", "回答", "対応者", "回答日時"},
		[]string{"ID", "Received", "Channel", "Caller", "Contact", "Affected", "Person ID", "Category", "Status", "Question", "Answer", "Taken by", "Answered"})}
	for _, it := range list {
		person := ""
		if it.PersonID != nil {
			person = strconv.FormatInt(*it.PersonID, 10)
		}
		rows = append(rows, []string{strconv.FormatInt(it.ID, 10), at(&it.ReceivedAt), it.Channel, it.CallerName, it.CallerContact, it.Affected, person,
			it.Category, it.Status, it.Question, it.Answer, it.TakenBy, at(it.AnsweredAt)})
	}
	data, err := writeCSV(rows)
	if err != nil {
		return Export{}, err
	}
	out := Export{Filename: fmt.Sprintf("inquiries_%s.csv", c.Reference), ContentType: "text/csv; charset=utf-8", Data: data, Entries: len(list)}
	return out, s.auditExport(ctx, c.OrganisationID, c.ID, "inquiry.export", out, lang, false)
}

// auditExport records a handed-out file. An FAQ sheet is also noted on the
// timeline: it is what the desk was told to say from that moment on.
func (s *Service) auditExport(ctx context.Context, orgID, caseID int64, action string, e Export, lang string, onTimeline bool) error {
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if onTimeline {
			if err := timeline.Record(ctx, tx, orgID, caseID, action, "timeline.faq_exported", e.Filename, e.Entries); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: orgID, Action: action, TargetType: "case", TargetID: fmt.Sprint(caseID),
			Details: map[string]any{"filename": e.Filename, "lang": lang, "entries": e.Entries, "bytes": len(e.Data)}})
	})
}

// writeCSV writes rows with a BOM and CRLF line ends, as Excel expects.
func writeCSV(rows [][]string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(bom)
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	for _, r := range rows {
		for i := range r {
			r[i] = inertCell(r[i])
		}
		if err := w.Write(r); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// inertCell keeps a cell from being read as a formula by a spreadsheet:
// a caller's text starting with =, +, - or @ (or a tab or CR before one)
// is prefixed with an apostrophe, the usual defence against CSV injection.
func inertCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func pick(lang string, ja, en []string) []string {
	if lang == "en" {
		return en
	}
	return ja
}
