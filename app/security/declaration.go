package security

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/pdf"
	"github.com/breachdesk/breachdesk/app/store"
)

// Declaration formats.
const (
	FormatPDF = "pdf"
	FormatCSV = "csv"
)

// Declaration is the organisation's declaration against the checklist
// items: who declares, when, under which catalogue edition, and where
// each item stands. Its size is bounded by the catalogue (a handful of
// items), the register's text limits and maxEvidence links per item.
type Declaration struct {
	Organisation     auth.Organisation
	Date             string // YYYY-MM-DD in the organisation's zone
	CatalogueVersion string
	CatalogueDate    string
	Items            []Entry
	at               time.Time
}

// declaration reads the register's checklist items for p's organisation.
// Declarations go to an acquirer or PSP, so they need
// auth.WriteDocuments, as every other document that goes out does.
func (s *Service) declaration(ctx context.Context, p *auth.Principal) (Declaration, error) {
	if p == nil || p.OrgID() == 0 {
		return Declaration{}, apperr.ErrNotFound
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return Declaration{}, err
	}
	entries, err := s.Register(ctx, p)
	if err != nil {
		return Declaration{}, err
	}
	d := Declaration{Organisation: p.Organisation, Date: s.today(p), CatalogueVersion: CatalogueVersion, CatalogueDate: CatalogueDate, at: s.clk.Now()}
	for _, e := range entries {
		if e.Measure.Checklist {
			d.Items = append(d.Items, e)
		}
	}
	return d, nil
}

// checkLang refuses a language the declaration is not written in.
func checkLang(lang string) error {
	if lang != "ja" && lang != "en" {
		return apperr.Invalid("lang", "validation.lang")
	}
	return nil
}

// DeclarationPDF prints the declaration in lang ("ja" or "en") and records
// that it was made (audited as an export).
func (s *Service) DeclarationPDF(ctx context.Context, p *auth.Principal, lang string) ([]byte, error) {
	if err := checkLang(lang); err != nil {
		return nil, err
	}
	d, err := s.declaration(ctx, p)
	if err != nil {
		return nil, err
	}
	if s.renderer == nil {
		return nil, errors.New("security: no PDF renderer configured")
	}
	msgs, err := messages()
	if err != nil {
		return nil, err
	}
	doc, err := pdf.Parse(d.Source(msgs, lang))
	if err != nil {
		return nil, err
	}
	out, err := s.renderer.Render(ctx, doc, pdf.Meta{Title: msgs.T(lang, "security.decl.title"), Organisation: orgName(d.Organisation),
		Reference: d.CatalogueVersion, Lang: lang, GeneratedAt: d.at})
	if err != nil {
		return nil, err
	}
	return out, s.recordDeclaration(ctx, p, FormatPDF, lang)
}

// DeclarationCSV writes the same content as the PDF as CSV: one row per
// checklist item, each carrying the organisation's identity and the date.
func (s *Service) DeclarationCSV(ctx context.Context, p *auth.Principal, lang string) ([]byte, error) {
	if err := checkLang(lang); err != nil {
		return nil, err
	}
	d, err := s.declaration(ctx, p)
	if err != nil {
		return nil, err
	}
	msgs, err := messages()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	head := []string{"organisation", "corporate_number", "address", "representative", "acquirer", "psp", "declared_on", "catalogue_version",
		"measure_id", "measure", "status", "reason_or_alternative", "evidence", "last_checked", "next_review"}
	labels := make([]string, len(head))
	for i, h := range head {
		labels[i] = msgs.T(lang, "security.csv."+h)
	}
	if err := cw.Write(labels); err != nil {
		return nil, err
	}
	o := d.Organisation
	for _, e := range d.Items {
		row := []string{orgName(o), o.CorporateNumber, o.Address, o.Representative, o.AcquirerName, o.PSPName, d.Date, d.CatalogueVersion,
			e.MeasureID, e.Measure.Title.In(lang), msgs.T(lang, "security.status."+e.Status), e.Reason, evidenceList(e.Evidence),
			e.LastChecked, e.NextReview}
		for i := range row {
			row[i] = inertCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, err
	}
	return buf.Bytes(), s.recordDeclaration(ctx, p, FormatCSV, lang)
}

// recordDeclaration keeps the declaration's date for the operator's table
// and audits the export.
func (s *Service) recordDeclaration(ctx context.Context, p *auth.Principal, format, lang string) error {
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Exec(`INSERT INTO security_declarations (organisation_id, catalogue_version, format, lang, made_by, made_at)
			VALUES (?, ?, ?, ?, ?, ?)`, p.OrgID(), CatalogueVersion, format, lang, p.User.ID, tx.Now()).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "security.declaration.export", TargetType: "security_declaration",
			TargetID: CatalogueVersion, Details: map[string]any{"format": format, "lang": lang}})
	})
}

// Source writes the declaration in the PDF block grammar, in lang.
func (d Declaration) Source(msgs i18n.Catalogue, lang string) string {
	var b strings.Builder
	t := func(key string, args ...any) string { return pdf.Escape(msgs.T(lang, key, args...)) }
	orDash := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "—"
		}
		return pdf.Escape(strings.Join(strings.Fields(s), " "))
	}
	o := d.Organisation
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", t("security.decl.title"), t("security.decl.intro"))
	rows := [][2]string{
		{"security.decl.organisation", orgName(o)}, {"security.decl.corporate_number", o.CorporateNumber},
		{"security.decl.address", o.Address}, {"security.decl.representative", o.Representative},
		{"security.decl.contact", strings.TrimSpace(o.ContactDesk + " " + o.ContactPhone + " " + o.ContactEmail)},
		{"security.decl.acquirer", o.AcquirerName}, {"security.decl.psp", o.PSPName},
		{"security.decl.brands", strings.Join(o.CardBrands, ", ")},
		{"security.decl.date", d.Date}, {"security.decl.catalogue", d.CatalogueVersion + " (" + d.CatalogueDate + ")"},
	}
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s\n", t(r[0]), orDash(r[1]))
	}
	fmt.Fprintf(&b, "\n## %s\n\n", t("security.decl.items"))
	for i, e := range d.Items {
		fmt.Fprintf(&b, "### %d. %s\n\n", i+1, pdf.Escape(e.Measure.Title.In(lang)))
		fmt.Fprintf(&b, "| %s | %s\n", t("security.field.status"), t("security.status."+e.Status))
		fmt.Fprintf(&b, "| %s | %s\n", t("security.field.reason"), orDash(e.Reason))
		fmt.Fprintf(&b, "| %s | %s\n", t("security.field.evidence"), orDash(evidenceList(e.Evidence)))
		fmt.Fprintf(&b, "| %s | %s\n", t("security.field.last_checked"), orDash(e.LastChecked))
		fmt.Fprintf(&b, "| %s | %s\n\n", t("security.field.next_review"), orDash(e.NextReview))
		for _, sub := range e.Measure.SubItems {
			fmt.Fprintf(&b, "- %s\n", pdf.Escape(sub.Text.In(lang)))
		}
		if len(e.Measure.SubItems) > 0 {
			b.WriteString("\n")
		}
	}
	fmt.Fprintf(&b, "%s\n\n", t("security.decl.footer"))
	fmt.Fprintf(&b, "@sign %s | %s | %s\n", pdf.Escape(d.Date), orDash(orgName(o)), orDash(o.Representative))
	return b.String()
}

// orgName is the organisation's legal name, else its display name.
func orgName(o auth.Organisation) string {
	if strings.TrimSpace(o.LegalName) != "" {
		return o.LegalName
	}
	return o.Name
}

// evidenceList names a measure's evidence items on one line.
func evidenceList(refs []EvidenceRef) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = r.String()
	}
	return strings.Join(parts, "; ")
}

// inertCell keeps a cell from being read as a formula by a spreadsheet: a
// text starting with =, +, - or @ (or a tab or CR) gets an apostrophe
// first, the usual defence against CSV injection.
func inertCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
