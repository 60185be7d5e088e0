package drafts

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/inquiries"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/pdf"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
	"github.com/breachdesk/breachdesk/app/webhooks"
	"github.com/breachdesk/breachdesk/templates"
)

// Service manages generated documents.
type Service struct {
	st       *store.Store
	cases    *cases.Service
	as       *assessment.Service
	renderer *pdf.Renderer
	now      func() time.Time
}

// NewService returns the service. Every argument is required: the
// renderer makes drafts in the worker, approved PDFs and previews in the
// web server.
func NewService(st *store.Store, clk clock.Clock, cs *cases.Service, as *assessment.Service, r *pdf.Renderer) *Service {
	if st == nil || clk == nil || cs == nil || as == nil || r == nil {
		panic("drafts.NewService: the store, clock, case and assessment services and the renderer are required")
	}
	return &Service{st: st, cases: cs, as: as, renderer: r, now: clk.Now}
}

func validKindLang(kind, lang string) (documents.KindInfo, error) {
	v := &apperr.ValidationError{}
	ki, ok := documents.Info(documents.DocKind(kind))
	if !ok {
		names := make([]string, len(documents.Kinds))
		for i, k := range documents.Kinds {
			names[i] = string(k.Kind)
		}
		v.Add("kind", "validation.one_of", strings.Join(names, ", "))
	}
	if lang != "ja" && lang != "en" {
		v.Add("lang", "validation.lang")
	}
	return ki, v.OrNil()
}

// cleanFields keeps only the kind's fields, masks card numbers and bounds
// the length; an unknown key is an error naming it.
func cleanFields(ki documents.KindInfo, in map[string]string) (map[string]string, error) {
	out := map[string]string{}
	v := &apperr.ValidationError{}
	known := map[string]bool{}
	for _, f := range ki.Fields {
		known[f.Key] = true
	}
	for k, s := range in {
		if !known[k] {
			v.Add("fields."+k, "validation.not_kind_field", string(ki.Kind))
			continue
		}
		if utf8.RuneCountInString(s) > 20000 {
			v.Add("fields."+k, "validation.max_chars", 20000)
		}
		out[k], _ = pan.Mask(s)
	}
	return out, v.OrNil()
}

// Generate queues a new version of a document for the case. Fields not
// given are prefilled from the case when the job renders, then stored.
func (s *Service) Generate(ctx context.Context, p *auth.Principal, caseID int64, kind, lang string, fields map[string]string) (Document, error) {
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return Document{}, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return Document{}, err
	}
	ki, err := validKindLang(kind, lang)
	if err != nil {
		return Document{}, err
	}
	fields, err = cleanFields(ki, fields)
	if err != nil {
		return Document{}, err
	}
	raw, _ := json.Marshal(fields)
	d := Document{OrganisationID: c.OrganisationID, CaseID: c.ID, Kind: kind, Lang: lang, Status: StatusQueued, Fields: raw, GeneratedBy: &p.User.ID}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := cases.LockWritable(ctx, tx, c.ID); err != nil {
			return err
		}
		if err := tx.DB.Raw(`SELECT COALESCE(max(version), 0) + 1 FROM documents WHERE case_id = ? AND kind = ? AND lang = ?`, c.ID, kind, lang).Scan(&d.Version).Error; err != nil {
			return err
		}
		if d.Version == 1 && len(fields) == 0 && ki.Kind == documents.PPCFinal {
			from, err := preliminaryFields(tx, c.ID, lang)
			if err != nil {
				return err
			}
			if from, err = withPlan(ctx, tx, c.OrganisationID, c.ID, from); err != nil {
				return err
			}
			d.Fields, _ = json.Marshal(from)
		}
		if err := tx.DB.Create(&d).Error; err != nil {
			return err
		}
		if _, err := tx.Enqueue(ctx, jobs.RenderDocument{DocumentID: d.ID}, nil); err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "document.generate", "timeline.document_generated", ki.Title, apperr.Msg("timeline.lang."+lang), d.Version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "document.generate", TargetType: "document", TargetID: fmt.Sprint(d.ID),
			Details: map[string]any{"kind": kind, "lang": lang, "version": d.Version}})
	})
	return d, err
}

// Regenerate makes a new version of a document with edited fields.
func (s *Service) Regenerate(ctx context.Context, p *auth.Principal, id int64, fields map[string]string) (Document, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return d, err
	}
	merged := d.FieldMap()
	for k, v := range fields {
		merged[k] = v
	}
	return s.Generate(ctx, p, d.CaseID, d.Kind, d.Lang, merged)
}

// Get returns a document of the principal's organisation (without PDF).
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Document, error) {
	var d Document
	if p.OrgID() == 0 {
		return d, apperr.ErrNotFound
	}
	err := s.st.DB.WithContext(ctx).Omit("pdf").Where("id = ? AND organisation_id = ?", id, p.OrgID()).Take(&d).Error
	if store.IsNotFound(err) {
		return d, apperr.ErrNotFound
	}
	return d, err
}

// List returns the case's documents, newest version first per kind.
func (s *Service) List(ctx context.Context, p *auth.Principal, caseID int64) ([]Document, error) {
	c, err := s.cases.Get(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	return s.ListOf(ctx, p, c)
}

// ListOf is List for a case the caller has loaded with cases.Service.Get.
func (s *Service) ListOf(ctx context.Context, p *auth.Principal, c cases.Case) ([]Document, error) {
	if !c.BelongsTo(p) {
		return nil, apperr.ErrNotFound
	}
	var out []Document
	err := s.st.DB.WithContext(ctx).Omit("pdf").Where("case_id = ? AND organisation_id = ?", c.ID, c.OrganisationID).
		Order("kind, lang, version DESC").Find(&out).Error
	return out, err
}

// PDF returns a rendered document's bytes after checking its SHA-256, and
// records the export in the audit log.
func (s *Service) PDF(ctx context.Context, p *auth.Principal, id int64) (Document, error) {
	var d Document
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		err := tx.DB.Where("id = ? AND organisation_id = ?", id, p.OrgID()).Take(&d).Error
		if store.IsNotFound(err) || p.OrgID() == 0 {
			return apperr.ErrNotFound
		}
		if err != nil {
			return err
		}
		if len(d.PDF) == 0 {
			return apperr.Conflict("conflict.document_not_rendered", d.Status)
		}
		if sum := sha256.Sum256(d.PDF); !bytes.Equal(sum[:], d.SHA256) {
			return fmt.Errorf("document %d: stored PDF does not match its SHA-256", d.ID)
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: d.OrganisationID, Action: "document.export", TargetType: "document", TargetID: fmt.Sprint(d.ID),
			Details: map[string]any{"sha256": fmt.Sprintf("%x", d.SHA256)}})
	})
	return d, err
}

// Approve is legal's sign-off on a rendered draft; it marks the drafted
// obligation approved too. The approval names the content it approves:
// contentSum is the ContentHash of the document legal reviewed, and
// anything else is refused with ErrChanged. The approved PDF is rendered
// from exactly that content, before the transaction; the transaction
// then checks, under the row's lock, that the content is still that, and
// moves the document and its obligation together.
func (s *Service) Approve(ctx context.Context, p *auth.Principal, id int64, contentSum string) (Document, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return d, err
	}
	if err := p.Require(auth.Approve); err != nil {
		return d, err
	}
	if err := approvable(d); err != nil {
		return d, err
	}
	contentSum = strings.ToLower(strings.TrimSpace(contentSum))
	if contentSum == "" {
		return d, apperr.Invalid("content_sha256", "validation.reviewed_document_sha256")
	}
	if err := sameContent(d, contentSum); err != nil {
		return d, err
	}
	if err := latestVersion(s.st.DB.WithContext(ctx), d); err != nil {
		return d, err
	}
	ki, _ := documents.Info(documents.DocKind(d.Kind))
	c, err := s.cases.Get(ctx, p, d.CaseID)
	if err != nil {
		return d, err
	}
	org, ref := d.PDFOrganisation, d.PDFReference
	if org == "" && ref == "" { // rendered before the header was kept
		org, ref = cmp.Or(p.Organisation.LegalName, p.Organisation.Name), c.Reference
	}
	// The approved PDF is the same composed text legal read, rendered
	// without the DRAFT mark (a drill's keeps its DRILL label); its own
	// SHA-256 is what gets exported.
	pdf, err := s.renderComposed(ctx, d.Composed, d, ki.Title.In(d.Lang), org, ref, *d.RenderedAt, false, c.Drill)
	if err != nil {
		return d, err
	}
	sum := sha256.Sum256(pdf)
	draftSum := fmt.Sprintf("%x", d.SHA256)
	now := s.now()
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		// Nothing of a voided case is approved or sent.
		if err := cases.LockWritable(ctx, tx, d.CaseID); err != nil {
			return err
		}
		var locked Document
		if err := tx.DB.Clauses(clause.Locking{Strength: "UPDATE"}).Omit("pdf").Where("id = ?", d.ID).Take(&locked).Error; err != nil {
			return err
		}
		if err := approvable(locked); err != nil {
			return err
		}
		if err := sameContent(locked, contentSum); err != nil {
			return err
		}
		if err := latestVersion(tx.DB, locked); err != nil {
			return err
		}
		res := tx.DB.Model(&Document{}).Where("id = ? AND status = ?", d.ID, StatusDraft).
			Updates(map[string]any{"status": StatusApproved, "approved_by": p.User.ID, "approved_at": now, "updated_at": now, "pdf": pdf, "sha256": sum[:],
				"approved_content_sha256": contentSum})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return apperr.Conflict("conflict.document_changed_meanwhile")
		}
		if err := timeline.Record(ctx, tx, d.OrganisationID, d.CaseID, "document.approve", "timeline.document_approved", documents.KindTitle(d.Kind), apperr.Msg("timeline.lang."+d.Lang), d.Version); err != nil {
			return err
		}
		if err := webhooks.Emit(ctx, tx, d.OrganisationID, webhooks.EventDocumentApproved, webhooks.Payload{"case_id": d.CaseID, "document_id": d.ID,
			"kind": d.Kind, "kind_title": documents.KindTitle(d.Kind), "lang": d.Lang, "version": d.Version, "approved_at": now}); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{OrganisationID: d.OrganisationID, Action: "document.approve", TargetType: "document", TargetID: fmt.Sprint(d.ID),
			Details: map[string]any{"sha256": fmt.Sprintf("%x", sum[:]), "draft_sha256": draftSum, "content_sha256": contentSum}}); err != nil {
			return err
		}
		if ki.Obligation == "" {
			return nil
		}
		return s.as.FollowDocument(ctx, tx, p, d.CaseID, ki.Obligation, assessment.StatusApproved)
	})
	if err != nil {
		return d, err
	}
	d.Status, d.ApprovedBy, d.ApprovedAt, d.ApprovedContentSHA256, d.SHA256 = StatusApproved, &p.User.ID, &now, &contentSum, sum[:]
	return d, nil
}

// approvable refuses a document that is not a rendered draft.
func approvable(d Document) error {
	if d.Status != StatusDraft {
		return apperr.Conflict("conflict.document_not_draft", d.Status)
	}
	return nil
}

// latestVersion refuses an approval of a version that a newer one of the
// same document (case, kind, language) has replaced: what legal approves
// is what would be sent.
func latestVersion(db *gorm.DB, d Document) error {
	var newest int
	if err := db.Model(&Document{}).Where("case_id = ? AND kind = ? AND lang = ?", d.CaseID, d.Kind, d.Lang).
		Select("COALESCE(max(version), 0)").Scan(&newest).Error; err != nil {
		return err
	}
	if newest > d.Version {
		return apperr.Conflict("conflict.document_superseded", d.Version, newest)
	}
	return nil
}

// Awaiting is a document that waits for legal's approval, with its case.
type Awaiting struct {
	ID            int64     `json:"id"`
	CaseID        int64     `json:"case_id"`
	CaseReference string    `json:"case_reference"`
	CaseTitle     string    `json:"case_title"`
	Kind          string    `json:"kind"`
	Lang          string    `json:"lang"`
	Version       int       `json:"version"`
	RenderedAt    time.Time `json:"rendered_at"`
	// Unfilled names the items the draft still prints as not known.
	Unfilled []string `json:"unfilled" gorm:"-"`
	Composed string   `json:"-"`
}

// AwaitingApproval lists the organisation's documents that wait for
// legal: the newest version of each, rendered, neither approved nor sent
// back, the one waiting longest first.
func (s *Service) AwaitingApproval(ctx context.Context, p *auth.Principal) ([]Awaiting, error) {
	if p.OrgID() == 0 {
		return nil, apperr.ErrNotFound
	}
	out := []Awaiting{}
	err := s.st.DB.WithContext(ctx).Table("documents d").
		Select("d.id, d.case_id, c.reference AS case_reference, c.title AS case_title, d.kind, d.lang, d.version, d.rendered_at, d.composed").
		Joins("JOIN cases c ON c.id = d.case_id").
		Where(`d.organisation_id = ? AND d.status = ? AND d.returned_at IS NULL AND c.voided_at IS NULL AND NOT EXISTS (
			SELECT 1 FROM documents n WHERE n.case_id = d.case_id AND n.kind = d.kind AND n.lang = d.lang AND n.version > d.version)`,
			p.OrgID(), StatusDraft).Order("d.rendered_at, d.id").Limit(200).Scan(&out).Error
	for i := range out {
		out[i].Unfilled = documents.ReviewOf(out[i].Composed).Unfilled
		if out[i].Unfilled == nil {
			out[i].Unfilled = []string{}
		}
		out[i].Composed = ""
	}
	return out, err
}

// sameContent refuses an approval of contentSum unless d, as stored,
// is that content.
func sameContent(d Document, contentSum string) error {
	if err := d.checkContent(); err != nil {
		return err
	}
	if current := d.ContentHash(); contentSum != current {
		return &apperr.Error{Kind: ErrChanged, Code: "conflict.document_changed", Details: map[string]any{"version": d.Version, "content_sha256": current}}
	}
	return nil
}

// MarkSubmitted records that an approved document was sent, and the
// obligation it answers as submitted, in one transaction.
func (s *Service) MarkSubmitted(ctx context.Context, p *auth.Principal, id int64, in assessment.Submission) (Document, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return d, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return d, err
	}
	if d.Status != StatusApproved {
		return d, apperr.Conflict("conflict.document_not_approved", d.Status)
	}
	// Validated before anything is written: the document and its
	// obligation are marked sent together, or neither is.
	c, err := s.cases.Get(ctx, p, d.CaseID)
	if err != nil {
		return d, err
	}
	if in, err = s.as.CheckSubmission(c, in); err != nil {
		return d, err
	}
	at := in.SubmittedAt
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := cases.LockWritable(ctx, tx, d.CaseID); err != nil {
			return err
		}
		if err := tx.DB.Model(&Document{}).Where("id = ?", d.ID).Updates(map[string]any{"status": StatusSubmitted, "submitted_at": at, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{OrganisationID: d.OrganisationID, Action: "document.submit", TargetType: "document", TargetID: fmt.Sprint(d.ID)}); err != nil {
			return err
		}
		if ki, _ := documents.Info(documents.DocKind(d.Kind)); ki.Obligation != "" {
			return s.as.SubmitDocument(ctx, tx, p, d.CaseID, ki.Obligation, in)
		}
		return nil
	})
	if err != nil {
		return d, err
	}
	d.Status, d.SubmittedAt = StatusSubmitted, &at
	return d, nil
}

// source loads everything a document of case c is built from.
func (s *Service) source(ctx context.Context, tx *store.Tx, orgID, caseID int64) (documents.Source, error) {
	var src documents.Source
	if err := tx.DB.Where("id = ?", orgID).Take(&src.Org).Error; err != nil {
		return src, err
	}
	if err := tx.DB.Where("id = ? AND organisation_id = ?", caseID, orgID).Take(&src.Case).Error; err != nil {
		return src, err
	}
	var v assessment.Version
	if err := tx.DB.Where("case_id = ?", caseID).Order("version DESC").Limit(1).Find(&v).Error; err != nil {
		return src, err
	}
	if v.ID != 0 {
		f, err := obligations.ParseFacts(bytes.NewReader(v.Facts))
		if err != nil {
			return src, err
		}
		src.Facts, src.HasFacts = f, true
	}
	if err := tx.DB.Where("case_id = ? AND applicable", caseID).Order("COALESCE(due_at, target_at) NULLS LAST, rule_id").Find(&src.Obligations).Error; err != nil {
		return src, err
	}
	if err := tx.DB.Where("case_id = ?", caseID).Order("occurred_at, id").Find(&src.Timeline).Error; err != nil {
		return src, err
	}
	if err := tx.DB.Where("case_id = ?", caseID).Order("phase, position").Find(&src.Tasks).Error; err != nil {
		return src, err
	}
	if err := tx.DB.Omit("data").Where("case_id = ?", caseID).Order("id").Find(&src.Evidence).Error; err != nil {
		return src, err
	}
	faq, err := inquiries.DocumentFAQ(ctx, tx, orgID, caseID)
	if err != nil {
		return src, err
	}
	src.FAQ = faq
	if err := planSource(ctx, tx, orgID, caseID, &src); err != nil {
		return src, err
	}
	// A drill's report is dated in drill time, like everything it records.
	src.Now = s.cases.ClockOf(src.Case).Now()
	return src, nil
}

// template returns the organisation's newest override, else the built-in.
func (s *Service) template(tx *store.Tx, orgID int64, ki documents.KindInfo, lang string) (body, version string, err error) {
	var o Override
	if err := tx.DB.Where("organisation_id = ? AND kind = ? AND lang = ?", orgID, ki.Kind, lang).Order("version DESC").Limit(1).Find(&o).Error; err != nil {
		return "", "", err
	}
	if o.ID != 0 {
		return o.Body, fmt.Sprintf("org-%d-v%d", orgID, o.Version), nil
	}
	body, err = documents.BuiltinTemplate(ki, lang)
	return body, templates.Version, err
}

// RenderInTx renders a queued document inside the job's transaction: on
// success the PDF, its SHA-256 and the prefilled fields are stored; a
// template or data problem marks the document failed with the reason.
func (s *Service) RenderInTx(ctx context.Context, tx *store.Tx, id int64) error {
	var d Document
	if err := tx.DB.Omit("pdf").Where("id = ?", id).Take(&d).Error; err != nil {
		if store.IsNotFound(err) {
			return nil // deleted with its case
		}
		return err
	}
	if d.Status != StatusQueued {
		return nil // rendered by an earlier attempt that committed
	}
	ki, _ := documents.Info(documents.DocKind(d.Kind))
	src, err := s.source(ctx, tx, d.OrganisationID, d.CaseID)
	if err != nil {
		return err
	}
	view := documents.Build(src, ki, d.Lang, d.FieldMap())
	body, tver, err := s.template(tx, d.OrganisationID, ki, d.Lang)
	if err != nil {
		return err
	}
	composed, pdf, err := s.renderView(ctx, body, view, src, d)
	now := s.now()
	if err != nil {
		return tx.DB.Model(&Document{}).Where("id = ?", d.ID).Updates(map[string]any{"status": StatusFailed, "error": err.Error(), "template_version": tver, "updated_at": now}).Error
	}
	fields, _ := json.Marshal(view.Fields)
	sum := sha256.Sum256(pdf)
	if err := tx.DB.Model(&Document{}).Where("id = ?", d.ID).Updates(map[string]any{"status": StatusDraft, "pdf": pdf, "sha256": sum[:], "fields": fields, "composed": composed,
		"template_version": tver, "rendered_at": src.Now, "updated_at": now, "error": "", "pdf_organisation": view.Org.LegalName, "pdf_reference": src.Case.Reference}).Error; err != nil {
		return err
	}
	// The content hash is computed from the row as stored (as every later
	// check reads it), and kept with it.
	var stored Document
	if err := tx.DB.Omit("pdf").Where("id = ?", d.ID).Take(&stored).Error; err != nil {
		return err
	}
	content := stored.ContentHash()
	if err := tx.DB.Model(&Document{}).Where("id = ?", d.ID).Update("content_sha256", content).Error; err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{OrganisationID: d.OrganisationID, Action: "document.rendered", TargetType: "document", TargetID: fmt.Sprint(d.ID),
		Details: map[string]any{"sha256": fmt.Sprintf("%x", sum[:]), "template_version": tver, "content_sha256": content}})
}

func (s *Service) renderView(ctx context.Context, body string, view *documents.CaseView, src documents.Source, d Document) (string, []byte, error) {
	composed, err := documents.ExecuteTemplate(body, view)
	if err != nil {
		return "", nil, err
	}
	pdf, err := s.renderComposed(ctx, composed, d, view.Title, view.Org.LegalName, src.Case.Reference, src.Now, true, src.Case.Drill)
	return composed, pdf, err
}

// renderComposed renders a document's composed text; drill labels every
// page of a drill case's document (see cases.DrillClock).
func (s *Service) renderComposed(ctx context.Context, composed string, d Document, title, org, ref string, at time.Time, draft, drill bool) ([]byte, error) {
	doc, err := pdf.Parse(composed)
	if err != nil {
		return nil, err
	}
	return s.renderer.Render(ctx, doc, pdf.Meta{Title: title, Organisation: org, Reference: ref, Lang: d.Lang, Draft: draft, Drill: drill, GeneratedAt: at})
}

// preliminaryFields are the written fields of the case's PPC preliminary
// report in lang, which the final report starts from (what was reported
// first is what the final report completes): the version sent if any,
// else the one approved, else the newest draft. Empty when there is none.
func preliminaryFields(tx *store.Tx, caseID int64, lang string) (map[string]string, error) {
	var prior Document
	err := tx.DB.Omit("pdf").Where("case_id = ? AND kind = ? AND lang = ? AND status IN ?", caseID, documents.PPCPreliminary, lang,
		[]string{StatusSubmitted, StatusApproved, StatusDraft}).
		Order("CASE status WHEN 'submitted' THEN 0 WHEN 'approved' THEN 1 ELSE 2 END, version DESC").Limit(1).Find(&prior).Error
	if err != nil || prior.ID == 0 {
		return map[string]string{}, err
	}
	return prior.FieldMap(), nil
}
