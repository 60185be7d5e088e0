package notices

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/breachdesk/breachdesk/app/i18n"

	"gorm.io/gorm/clause"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
	"github.com/breachdesk/breachdesk/app/webhooks"
)

// Service manages notices and measures.
type Service struct {
	st       *store.Store
	cases    *cases.Service
	as       *assessment.Service
	renderer *pdf.Renderer
	now      func() time.Time
}

// NewService returns the service; the renderer makes each published
// version's PDF. Every argument is required.
func NewService(st *store.Store, clk clock.Clock, cs *cases.Service, as *assessment.Service, r *pdf.Renderer) *Service {
	if st == nil || clk == nil || cs == nil || as == nil || r == nil {
		panic("notices.NewService: the store, clock, case and assessment services and the renderer are required")
	}
	return &Service{st: st, cases: cs, as: as, renderer: r, now: clk.Now}
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{2,80}$`)

// Input is the editable text of a version. It replaces the whole text,
// so the title and the sections are required (an empty section is kept
// empty; publishing needs all but the optional ones).
type Input struct {
	TitleJA      string       `json:"title_ja" required:"true" maxLength:"300"`
	TitleEN      string       `json:"title_en" maxLength:"300"`
	Sections     SectionTexts `json:"sections" required:"true"`
	UpdateLineJA string       `json:"update_line_ja" maxLength:"300" doc:"the dated line of a later report (第N報); left empty, a new report's line says today's date"`
	UpdateLineEN string       `json:"update_line_en" maxLength:"300"`
}

func (in *Input) clean() error {
	v := &apperr.ValidationError{}
	in.TitleJA, in.TitleEN = strings.TrimSpace(in.TitleJA), strings.TrimSpace(in.TitleEN)
	for _, f := range []struct{ name, val string }{{"title_ja", in.TitleJA}, {"title_en", in.TitleEN}, {"update_line_ja", in.UpdateLineJA}, {"update_line_en", in.UpdateLineEN}} {
		if utf8.RuneCountInString(f.val) > 300 {
			v.Add(f.name, "validation.max_chars", 300)
		}
		if pan.Contains(f.val) {
			v.Add(f.name, "validation.full_pan")
		}
	}
	if in.TitleJA == "" {
		v.Add("title_ja", "validation.required")
	}
	// Sections left out (or null) would store none, which the table
	// refuses: say which field is missing before anything is written.
	if in.Sections == nil {
		v.Add("sections", "validation.required")
	}
	known := map[string]bool{}
	for _, k := range Sections {
		known[k] = true
	}
	for k, b := range in.Sections {
		if !known[k] {
			v.Add("sections."+k, "validation.notice_section")
			continue
		}
		if utf8.RuneCountInString(b.JA)+utf8.RuneCountInString(b.EN) > 40000 {
			v.Add("sections."+k, "validation.max_chars", 40000)
		}
		// A public page must never show a card number, whoever typed it.
		b.JA, _ = pan.Mask(b.JA)
		b.EN, _ = pan.Mask(b.EN)
		in.Sections[k] = b
	}
	return v.OrNil()
}

// Create starts a case's notice with a first version prefilled from the
// case. The slug is the public address: /notices/{slug}.
func (s *Service) Create(ctx context.Context, p *auth.Principal, caseID int64, slug string) (Notice, Version, error) {
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return Notice{}, Version{}, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return Notice{}, Version{}, err
	}
	slug = strings.ToLower(strings.TrimSpace(slug))
	if slug == "" {
		slug = fmt.Sprintf("%s-%s", p.Organisation.Slug, strings.ToLower(c.Reference))
	}
	if !slugPattern.MatchString(slug) {
		return Notice{}, Version{}, apperr.Invalid("slug", "validation.notice_slug")
	}
	n := Notice{OrganisationID: c.OrganisationID, CaseID: c.ID, Slug: slug, Status: StatusDraft}
	var v Version
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Create(&n).Error; err != nil {
			if store.IsUniqueViolation(err) {
				return apperr.Invalid("slug", "validation.notice_slug_taken")
			}
			return err
		}
		in, err := s.prefill(ctx, tx, p, c)
		if err != nil {
			return err
		}
		v = Version{OrganisationID: n.OrganisationID, NoticeID: n.ID, Version: 1, TitleJA: in.TitleJA, TitleEN: in.TitleEN, Sections: in.Sections, CreatedBy: &p.User.ID}
		if err := tx.DB.Create(&v).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "notice.create", "timeline.notice_drafted", "/notices/"+slug); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "notice.create", TargetType: "notice", TargetID: fmt.Sprint(n.ID), Details: map[string]any{"slug": slug}})
	})
	return n, v, err
}

// Get returns a notice of the principal's organisation.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Notice, error) {
	var n Notice
	err := s.st.DB.WithContext(ctx).Where("id = ? AND organisation_id = ?", id, p.OrgID()).Take(&n).Error
	if store.IsNotFound(err) || p.OrgID() == 0 {
		return n, apperr.ErrNotFound
	}
	return n, err
}

// ForCase lists a case's notices.
func (s *Service) ForCase(ctx context.Context, p *auth.Principal, caseID int64) ([]Notice, error) {
	var out []Notice
	err := s.st.DB.WithContext(ctx).Where("case_id = ? AND organisation_id = ?", caseID, p.OrgID()).Order("id").Find(&out).Error
	return out, err
}

// Versions lists a notice's versions, newest first (without PDFs).
func (s *Service) Versions(ctx context.Context, p *auth.Principal, id int64) ([]Version, error) {
	n, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	var out []Version
	err = s.st.DB.WithContext(ctx).Omit("pdf_ja", "pdf_en").Where("notice_id = ?", n.ID).Order("version DESC").Find(&out).Error
	return out, err
}

// Save stores edited text. A draft version is edited in place (and its
// approvals cleared: they were for other words); once the latest version
// is published, saving starts the next version (第N報) with a dated
// update line.
func (s *Service) Save(ctx context.Context, p *auth.Principal, id int64, in Input) (Version, error) {
	n, err := s.Get(ctx, p, id)
	if err != nil {
		return Version{}, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return Version{}, err
	}
	if _, err := s.cases.GetWritable(ctx, p, n.CaseID); err != nil {
		return Version{}, err
	}
	if err := in.clean(); err != nil {
		return Version{}, err
	}
	var v Version
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := latest(tx, n.ID, &v); err != nil {
			return err
		}
		if v.PublishedAt != nil {
			next := Version{OrganisationID: n.OrganisationID, NoticeID: n.ID, Version: v.Version + 1}
			if in.UpdateLineJA == "" {
				in.UpdateLineJA = fmt.Sprintf("%s 第%d報", jaDate(s.now()), next.Version)
			}
			if in.UpdateLineEN == "" {
				in.UpdateLineEN = fmt.Sprintf("%s: update %d", s.now().Format("2 January 2006"), next.Version)
			}
			v = next
		}
		v.TitleJA, v.TitleEN, v.Sections, v.UpdateLineJA, v.UpdateLineEN = in.TitleJA, in.TitleEN, in.Sections, in.UpdateLineJA, in.UpdateLineEN
		v.CreatedBy = &p.User.ID
		v.LegalApprovedBy, v.LegalApprovedAt, v.OwnerApprovedBy, v.OwnerApprovedAt = nil, nil, nil, nil
		v.LegalApprovedSHA256, v.OwnerApprovedSHA256 = nil, nil
		if err := tx.DB.Omit("pdf_ja", "pdf_en", "sha256_ja", "sha256_en", "measures", "content_sha256").Save(&v).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: n.OrganisationID, Action: "notice.save", TargetType: "notice", TargetID: fmt.Sprint(n.ID), Details: map[string]any{"version": v.Version}})
	})
	return v, err
}

// Review returns the latest version as approvers see it: its text, the
// measures it shows and the content hash an approval must name.
func (s *Service) Review(ctx context.Context, p *auth.Principal, id int64) (Review, error) {
	n, err := s.Get(ctx, p, id)
	if err != nil {
		return Review{}, err
	}
	var r Review
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		var v Version
		if err := tx.DB.Omit("pdf_ja", "pdf_en").Where("notice_id = ?", n.ID).Order("version DESC").Limit(1).Take(&v).Error; err != nil {
			return err
		}
		live, err := s.measures(tx, n.OrganisationID, n.CaseID)
		if err != nil {
			return err
		}
		shown, plan, err := s.shown(ctx, tx.DB, n.OrganisationID, n.CaseID, live)
		if err != nil {
			return err
		}
		r = review(v, live, shown)
		r.PlanVersion = plan
		pub := v
		if v.PublishedAt == nil {
			pub = Version{}
			if err := tx.DB.Omit("pdf_ja", "pdf_en").Where("notice_id = ? AND published_at IS NOT NULL", n.ID).Order("version DESC").Limit(1).Find(&pub).Error; err != nil {
				return err
			}
		}
		if pub.ID != 0 {
			r.PublishedVersion, r.MeasuresChanged = pub.Version, measuresDiffer(shown, pub.Measures)
		}
		return nil
	})
	return r, err
}

// latest loads a notice's latest version (without PDFs), locked until the
// transaction ends.
func latest(tx *store.Tx, noticeID int64, v *Version) error {
	return tx.DB.Clauses(clause.Locking{Strength: "UPDATE"}).Omit("pdf_ja", "pdf_en").Where("notice_id = ?", noticeID).Order("version DESC").Limit(1).Take(v).Error
}

// Approve records the principal's approval of the latest draft version:
// one by legal and one by the owner are needed to publish. The approval
// names the content it approves: sum is the content hash of the version
// the approver reviewed (Review), and anything else is refused with
// ErrChanged. The role is the membership's own, so an operator cannot
// stand in for both.
func (s *Service) Approve(ctx context.Context, p *auth.Principal, id int64, sum string) (Version, error) {
	n, err := s.Get(ctx, p, id)
	if err != nil {
		return Version{}, err
	}
	var field string
	switch p.Role {
	case auth.RoleLegal:
		field = "legal"
	case auth.RoleOwner:
		field = "owner"
	default:
		return Version{}, apperr.Forbidden("forbidden.notice_approvers")
	}
	sum = strings.ToLower(strings.TrimSpace(sum))
	if sum == "" {
		return Version{}, apperr.Invalid("content_sha256", "validation.reviewed_sha256")
	}
	var v Version
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := latest(tx, n.ID, &v); err != nil {
			return err
		}
		if v.PublishedAt != nil {
			return apperr.Conflict("conflict.notice_published_edit", v.Version)
		}
		live, err := s.measures(tx, n.OrganisationID, n.CaseID)
		if err != nil {
			return err
		}
		shown, _, err := s.shown(ctx, tx.DB, n.OrganisationID, n.CaseID, live)
		if err != nil {
			return err
		}
		current := ContentHash(v, shown)
		if sum != current {
			return &apperr.Error{Kind: ErrChanged, Code: "conflict.notice_changed", Details: map[string]any{"version": v.Version, "content_sha256": current}}
		}
		now := s.now()
		if err := tx.DB.Model(&Version{}).Where("id = ?", v.ID).Updates(map[string]any{field + "_approved_by": p.User.ID, field + "_approved_at": now, field + "_approved_sha256": current}).Error; err != nil {
			return err
		}
		if field == "legal" {
			v.LegalApprovedBy, v.LegalApprovedAt, v.LegalApprovedSHA256 = &p.User.ID, &now, &current
		} else {
			v.OwnerApprovedBy, v.OwnerApprovedAt, v.OwnerApprovedSHA256 = &p.User.ID, &now, &current
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: n.OrganisationID, Action: "notice.approve", TargetType: "notice", TargetID: fmt.Sprint(n.ID),
			Details: map[string]any{"version": v.Version, "as": field, "content_sha256": current}})
	})
	return v, err
}

// Publish makes the latest version public once legal and the owner have
// both approved its current content (their approvals name its content
// hash: an edit of the text or of a measure since makes them stale) and
// every required section is written. The version is frozen as approved:
// its measures are kept with it, and its PDFs are made from it and kept
// with their SHA-256.
func (s *Service) Publish(ctx context.Context, p *auth.Principal, id int64) (Version, error) {
	n, err := s.Get(ctx, p, id)
	if err != nil {
		return Version{}, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return Version{}, err
	}
	// A drill rehearses the notice up to its approval; it never goes online.
	c, err := s.cases.Get(ctx, p, n.CaseID)
	if err != nil {
		return Version{}, err
	}
	if err := c.RefuseInDrill("conflict.drill_no_publish"); err != nil {
		return Version{}, err
	}
	var v Version
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := latest(tx, n.ID, &v); err != nil {
			return err
		}
		if v.PublishedAt != nil {
			return apperr.Conflict("conflict.notice_published", v.Version)
		}
		// A voided case publishes nothing; the lock makes a void wait.
		if err := cases.LockWritable(ctx, tx, n.CaseID); err != nil {
			return err
		}
		live, err := s.measures(tx, n.OrganisationID, n.CaseID)
		if err != nil {
			return err
		}
		// The measures frozen with the version: the approved plan's, when
		// a plan was approved (see shown).
		shown, _, err := s.shown(ctx, tx.DB, n.OrganisationID, n.CaseID, live)
		if err != nil {
			return err
		}
		r := review(v, live, shown)
		var missing apperr.List
		switch {
		case r.LegalStale:
			missing = append(missing, apperr.Msg("conflict.needs_legal_current"))
		case !r.LegalApproved:
			missing = append(missing, apperr.Msg("conflict.needs_legal"))
		}
		switch {
		case r.OwnerStale:
			missing = append(missing, apperr.Msg("conflict.needs_owner_current"))
		case !r.OwnerApproved:
			missing = append(missing, apperr.Msg("conflict.needs_owner"))
		}
		for _, k := range Sections {
			if !Optional[k] && strings.TrimSpace(v.Sections[k].JA) == "" {
				missing = append(missing, apperr.Msg("conflict.needs_section", SectionTitles[k]))
			}
		}
		if len(missing) > 0 {
			return apperr.Conflict("conflict.publish_needs", missing)
		}
		var org auth.Organisation
		if err := tx.DB.Take(&org, n.OrganisationID).Error; err != nil {
			return err
		}
		frozen, err := json.Marshal(r.Measures)
		if err != nil {
			return err
		}
		now := s.now()
		v.PublishedAt, v.Measures, v.ContentSHA256 = &now, r.Measures, &r.ContentSHA256
		fields := map[string]any{"published_at": now, "measures": string(frozen), "content_sha256": r.ContentSHA256}
		for _, lang := range []string{"ja", "en"} {
			if lang == "en" && v.TitleEN == "" {
				continue
			}
			pdf, err := s.pdf(ctx, org, n, v, v.Measures, lang, now)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(pdf)
			fields["pdf_"+lang], fields["sha256_"+lang] = pdf, sum[:]
		}
		if err := tx.DB.Model(&Version{}).Where("id = ?", v.ID).Updates(fields).Error; err != nil {
			return err
		}
		// What is stored is what was approved, or nothing is published.
		var stored Version
		if err := tx.DB.Omit("pdf_ja", "pdf_en").Where("id = ?", v.ID).Take(&stored).Error; err != nil {
			return err
		}
		if err := checkFrozen(stored); err != nil {
			return err
		}
		if err := tx.DB.Model(&Notice{}).Where("id = ?", n.ID).Updates(map[string]any{"status": StatusPublished, "published_version": v.Version, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, n.OrganisationID, n.CaseID, "notice.publish", "timeline.notice_published", v.Version, "/notices/"+n.Slug); err != nil {
			return err
		}
		if err := webhooks.Emit(ctx, tx, n.OrganisationID, webhooks.EventNoticePublished, webhooks.Payload{"case_id": n.CaseID, "notice_id": n.ID,
			"version": v.Version, "path": "/notices/" + n.Slug}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: n.OrganisationID, Action: "notice.publish", TargetType: "notice", TargetID: fmt.Sprint(n.ID),
			Details: map[string]any{"version": v.Version, "content_sha256": r.ContentSHA256}})
	})
	return v, err
}

// Unpublish takes a notice off the public site; every version is kept.
func (s *Service) Unpublish(ctx context.Context, p *auth.Principal, id int64) error {
	n, err := s.Get(ctx, p, id)
	if err != nil {
		return err
	}
	if err := p.Require(auth.Unpublish); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Model(&Notice{}).Where("id = ?", n.ID).Updates(map[string]any{"status": StatusUnpublished, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, n.OrganisationID, n.CaseID, "notice.unpublish", "timeline.notice_unpublished", "/notices/"+n.Slug); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: n.OrganisationID, Action: "notice.unpublish", TargetType: "notice", TargetID: fmt.Sprint(n.ID)})
	})
}

// prefill proposes the first text from the case: what the team already
// wrote, the assessment, the submitted reports and the contact desk.
func (s *Service) prefill(ctx context.Context, tx *store.Tx, p *auth.Principal, c cases.Case) (Input, error) {
	in := Input{TitleJA: "弊社が運営するサイトへの不正アクセスによる個人情報漏えいに関するお詫びとお知らせ",
		TitleEN: "Notice and apology concerning a personal data breach at our site", Sections: map[string]i18n.Text{}}
	var org auth.Organisation
	if err := tx.DB.Take(&org, c.OrganisationID).Error; err != nil {
		return in, err
	}
	loc := org.Location()
	// Only neutral wording is proposed: the case's summary and notes are
	// internal, and a public text must be written for the public.
	aware := c.AwareAt.In(loc)
	in.Sections["background"] = i18n.Text{
		JA: fmt.Sprintf("%s、弊社が運営するサイトにおいて、お客様の個人情報が漏えいした可能性があることが判明いたしました。直ちに第三者調査機関による調査を開始し、関係機関と連携して対応してまいりました。", jaDate(aware)),
		EN: fmt.Sprintf("On %s we learned that personal information of our customers may have leaked from our website. We immediately engaged an independent forensic investigator and have been working with the authorities and card companies.", aware.Format("2 January 2006")),
	}
	var cause string
	_ = tx.DB.Raw(`SELECT fields->>'cause' FROM documents WHERE case_id = ? AND kind IN ('ppc_final','ppc_preliminary','customer_letter_sample')
		AND COALESCE(fields->>'cause','') <> '' ORDER BY created_at DESC LIMIT 1`, c.ID).Scan(&cause).Error
	in.Sections["cause"] = i18n.Text{JA: cause}
	var ver assessment.Version
	if err := tx.DB.Where("case_id = ?", c.ID).Order("version DESC").Limit(1).Find(&ver).Error; err != nil {
		return in, err
	}
	var scopeJA, scopeEN []string
	if c.OccurredFrom != nil || c.OccurredTo != nil {
		scopeJA = append(scopeJA, "対象期間："+optDate(c.OccurredFrom, loc)+" ～ "+optDate(c.OccurredTo, loc))
		scopeEN = append(scopeEN, "Period: "+optDateEN(c.OccurredFrom, loc)+" to "+optDateEN(c.OccurredTo, loc))
	}
	if ver.ID != 0 {
		if f, err := obligations.ParseFacts(bytes.NewReader(ver.Facts)); err == nil {
			if n := f.PersonsAffected; n != nil {
				scopeJA = append(scopeJA, "対象となるお客様："+documents.Thousands(*n)+"名")
				scopeEN = append(scopeEN, "Customers affected: "+documents.Thousands(*n))
			} else if n := f.PersonsUpperBound; n != nil {
				scopeJA = append(scopeJA, "対象となるお客様：最大"+documents.Thousands(*n)+"名")
				scopeEN = append(scopeEN, "Customers affected: up to "+documents.Thousands(*n))
			}
			var ja, en []string
			for _, it := range obligations.KnownDataItems {
				if f.Has(it.Item) {
					ja, en = append(ja, it.Label.JA), append(en, it.Label.EN)
				}
			}
			if len(ja) > 0 {
				scopeJA = append(scopeJA, "漏えいした可能性のある情報："+strings.Join(ja, "、"))
				scopeEN = append(scopeEN, "Information possibly leaked: "+strings.Join(en, ", "))
			}
		}
	}
	in.Sections["scope"] = i18n.Text{JA: strings.Join(scopeJA, "\n"), EN: strings.Join(scopeEN, "\n")}
	in.Sections["request"] = i18n.Text{
		JA: "クレジットカードのご利用明細に身に覚えのない請求がないか、お手数ですがご確認ください。不審な請求がございましたら、カード裏面に記載のカード会社へお問い合わせください。カードの再発行をご希望の場合、手数料はかかりません。弊社やカード会社を装った不審なメールや電話にご注意ください。",
		EN: "Please check your card statements for charges you do not recognise and, if you find any, call the number on the back of your card. Reissuing your card is free of charge. Beware of e-mails or calls pretending to come from us or your card company."}
	in.Sections["prevention"] = i18n.Text{JA: "第三者調査機関の調査結果を踏まえ、システムのセキュリティ対策および監視体制の強化を行い、再発防止に努めてまいります。", EN: "Based on the independent investigation, we are strengthening the security of our systems and our monitoring."}
	reportsJA, reportsEN, err := s.reports(ctx, p, c.ID, loc)
	if err != nil {
		return in, err
	}
	in.Sections["reports"] = i18n.Text{JA: reportsJA, EN: reportsEN}
	in.Sections["contact"] = org.Contact()
	return in, nil
}

// reports describes, for the 届出状況 section, which bodies were told
// (with the date) and which are still to be told.
func (s *Service) reports(ctx context.Context, p *auth.Principal, caseID int64, loc *time.Location) (string, string, error) {
	obs, err := s.as.Obligations(ctx, p, caseID)
	if err != nil {
		return "", "", err
	}
	var ja, en []string
	seen := map[string]bool{}
	for _, o := range obs {
		// Individual notices and internal targets are not reports to a body.
		if o.RuleID == "jp.appi.individual_notice" || o.Status == assessment.StatusWaived {
			continue
		}
		d := o.Detail()
		if d.Internal {
			continue // a duty to act owed to no one (the ISA's measures)
		}
		if seen[d.Recipient.JA] {
			continue // several brand rules share one recipient line
		}
		seen[d.Recipient.JA] = true
		if o.Status == assessment.StatusSubmitted && o.SubmittedAt != nil {
			ja = append(ja, fmt.Sprintf("%s：%s 報告済み", d.Recipient.JA, jaDate(o.SubmittedAt.In(loc))))
			en = append(en, fmt.Sprintf("%s: reported on %s", d.Recipient.EN, o.SubmittedAt.In(loc).Format("2 January 2006")))
		} else {
			ja = append(ja, d.Recipient.JA+"：報告予定")
			en = append(en, d.Recipient.EN+": to be reported")
		}
	}
	return strings.Join(ja, "\n"), strings.Join(en, "\n"), nil
}

func jaDate(t time.Time) string { return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day()) }

func optDate(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "—"
	}
	return jaDate(t.In(loc))
}

func optDateEN(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "—"
	}
	return t.In(loc).Format("2 January 2006")
}
