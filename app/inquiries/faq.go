package inquiries

import (
	"context"
	"fmt"
	"strings"

	"github.com/breachdesk/breachdesk/app/i18n"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// FAQInput is the text of an FAQ entry. Japanese, English or both may be
// given; a language with a question needs its answer.
type FAQInput struct {
	QuestionJA string `json:"question_ja" maxLength:"1000" doc:"the question in Japanese; one of question_ja and question_en is required"`
	AnswerJA   string `json:"answer_ja" maxLength:"5000" doc:"required with question_ja"`
	QuestionEN string `json:"question_en" maxLength:"1000"`
	AnswerEN   string `json:"answer_en" maxLength:"5000" doc:"required with question_en"`
}

// clean masks card numbers and validates.
func (in *FAQInput) clean(m *masker) error {
	in.QuestionJA, in.AnswerJA = m.text(in.QuestionJA), m.text(in.AnswerJA)
	in.QuestionEN, in.AnswerEN = m.text(in.QuestionEN), m.text(in.AnswerEN)
	v := &apperr.ValidationError{}
	checkLen(v, "question_ja", in.QuestionJA, maxFAQQ, false)
	checkLen(v, "answer_ja", in.AnswerJA, maxAnswer, false)
	checkLen(v, "question_en", in.QuestionEN, maxFAQQ, false)
	checkLen(v, "answer_en", in.AnswerEN, maxAnswer, false)
	if in.QuestionJA == "" && in.QuestionEN == "" {
		v.Add("question_ja", "validation.faq_question_required")
	}
	for _, l := range []struct{ lang, q, a string }{{"ja", in.QuestionJA, in.AnswerJA}, {"en", in.QuestionEN, in.AnswerEN}} {
		if l.q != "" && l.a == "" {
			v.Add("answer_"+l.lang, "validation.faq_answer_required")
		}
		if l.q == "" && l.a != "" {
			v.Add("question_"+l.lang, "validation.faq_question_for_answer")
		}
	}
	return v.OrNil()
}

// FAQ returns a case's FAQ entries in their order.
func (s *Service) FAQ(ctx context.Context, p *auth.Principal, caseID int64) ([]FAQEntry, error) {
	if _, err := s.cases.Get(ctx, p, caseID); err != nil {
		return nil, err
	}
	out := []FAQEntry{}
	err := s.st.DB.WithContext(ctx).Where("case_id = ? AND organisation_id = ?", caseID, p.OrgID()).Order("position, id").Find(&out).Error
	return out, err
}

// GetFAQ returns one FAQ entry of the principal's organisation.
func (s *Service) GetFAQ(ctx context.Context, p *auth.Principal, id int64) (FAQEntry, error) {
	var e FAQEntry
	if p.OrgID() == 0 {
		return e, apperr.ErrNotFound
	}
	err := s.st.DB.WithContext(ctx).Where("id = ? AND organisation_id = ?", id, p.OrgID()).Take(&e).Error
	if store.IsNotFound(err) {
		return e, apperr.ErrNotFound
	}
	return e, err
}

// AddFAQ appends an entry to a case's FAQ.
func (s *Service) AddFAQ(ctx context.Context, p *auth.Principal, caseID int64, in FAQInput) (FAQEntry, error) {
	return s.addFAQ(ctx, p, caseID, in, nil)
}

func (s *Service) addFAQ(ctx context.Context, p *auth.Principal, caseID int64, in FAQInput, source *int64) (FAQEntry, error) {
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return FAQEntry{}, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return FAQEntry{}, err
	}
	m := &masker{}
	if err := in.clean(m); err != nil {
		return FAQEntry{}, err
	}
	e := FAQEntry{OrganisationID: c.OrganisationID, CaseID: c.ID, QuestionJA: in.QuestionJA, AnswerJA: in.AnswerJA,
		QuestionEN: in.QuestionEN, AnswerEN: in.AnswerEN, SourceInquiryID: source, CreatedBy: &p.User.ID}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		// The case row's lock serialises concurrent additions, so two
		// entries never take the same position.
		if err := tx.DB.Exec(`SELECT 1 FROM cases WHERE id = ? FOR UPDATE`, c.ID).Error; err != nil {
			return err
		}
		if err := tx.DB.Raw(`SELECT COALESCE(max(position), 0) + 1 FROM faq_entries WHERE case_id = ?`, c.ID).Scan(&e.Position).Error; err != nil {
			return err
		}
		if err := tx.DB.Create(&e).Error; err != nil {
			return err
		}
		return s.faqChanged(ctx, tx, e, "faq.add", "timeline.faq_added", map[string]any{"source_inquiry_id": source, "masked_card_numbers": m.n})
	})
	return e, err
}

// Promote starts an FAQ entry from an answered inquiry, its text in lang
// ("ja" or "en"). Staff then edit it: a caller's words may carry personal
// details that have no place on the sheet.
func (s *Service) Promote(ctx context.Context, p *auth.Principal, inquiryID int64, lang string) (FAQEntry, error) {
	it, err := s.Get(ctx, p, inquiryID)
	if err != nil {
		return FAQEntry{}, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return FAQEntry{}, err
	}
	if it.Answer == "" {
		return FAQEntry{}, apperr.Invalid("answer", "validation.faq_unanswered")
	}
	in := FAQInput{QuestionJA: it.Question, AnswerJA: it.Answer}
	switch lang {
	case "", "ja":
	case "en":
		in = FAQInput{QuestionEN: it.Question, AnswerEN: it.Answer}
	default:
		return FAQEntry{}, apperr.Invalid("lang", "validation.lang")
	}
	// An inquiry's question may be longer than an FAQ question may be.
	if len([]rune(it.Question)) > maxFAQQ {
		return FAQEntry{}, apperr.Invalid("question", "validation.faq_question_long", maxFAQQ)
	}
	return s.addFAQ(ctx, p, it.CaseID, in, &it.ID)
}

// UpdateFAQ replaces an entry's text.
func (s *Service) UpdateFAQ(ctx context.Context, p *auth.Principal, id int64, in FAQInput) (FAQEntry, error) {
	e, err := s.GetFAQ(ctx, p, id)
	if err != nil {
		return e, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return e, err
	}
	m := &masker{}
	if err := in.clean(m); err != nil {
		return e, err
	}
	e.QuestionJA, e.AnswerJA, e.QuestionEN, e.AnswerEN, e.UpdatedAt = in.QuestionJA, in.AnswerJA, in.QuestionEN, in.AnswerEN, s.now()
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Model(&FAQEntry{}).Where("id = ? AND organisation_id = ?", e.ID, e.OrganisationID).Updates(map[string]any{
			"question_ja": e.QuestionJA, "answer_ja": e.AnswerJA, "question_en": e.QuestionEN, "answer_en": e.AnswerEN, "updated_at": e.UpdatedAt}).Error; err != nil {
			return err
		}
		return s.faqChanged(ctx, tx, e, "faq.update", "timeline.faq_changed", map[string]any{"masked_card_numbers": m.n})
	})
	return e, err
}

// DeleteFAQ removes an entry from the sheet.
func (s *Service) DeleteFAQ(ctx context.Context, p *auth.Principal, id int64) (FAQEntry, error) {
	e, err := s.GetFAQ(ctx, p, id)
	if err != nil {
		return e, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return e, err
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Where("id = ? AND organisation_id = ?", e.ID, e.OrganisationID).Delete(&FAQEntry{}).Error; err != nil {
			return err
		}
		return s.faqChanged(ctx, tx, e, "faq.delete", "timeline.faq_removed", nil)
	})
	return e, err
}

// MoveFAQ moves an entry one place up (delta -1) or down (delta +1).
// Positions are renumbered 1..n on the way, so gaps left by deletions
// never make a move look like it did nothing.
func (s *Service) MoveFAQ(ctx context.Context, p *auth.Principal, id int64, delta int) (FAQEntry, error) {
	e, err := s.GetFAQ(ctx, p, id)
	if err != nil {
		return e, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return e, err
	}
	if delta != -1 && delta != 1 {
		return e, apperr.Invalid("direction", "validation.direction")
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Exec(`SELECT 1 FROM cases WHERE id = ? FOR UPDATE`, e.CaseID).Error; err != nil {
			return err
		}
		var ids []int64
		if err := tx.DB.Model(&FAQEntry{}).Where("case_id = ?", e.CaseID).Order("position, id").Pluck("id", &ids).Error; err != nil {
			return err
		}
		i := indexOf(ids, e.ID)
		j := i + delta
		if i < 0 || j < 0 || j >= len(ids) {
			return nil // already first or last
		}
		ids[i], ids[j] = ids[j], ids[i]
		for pos, eid := range ids {
			if err := tx.DB.Model(&FAQEntry{}).Where("id = ?", eid).Update("position", pos+1).Error; err != nil {
				return err
			}
		}
		e.Position = j + 1
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: e.OrganisationID, Action: "faq.move", TargetType: "faq_entry", TargetID: fmt.Sprint(e.ID),
			Details: map[string]any{"case_id": e.CaseID, "position": e.Position}})
	})
	return e, err
}

func indexOf(ids []int64, id int64) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return -1
}

// faqChanged writes the timeline entry and the audit row of an FAQ
// change. The sheet is what the public is told, so its changes belong on
// the case's timeline.
func (s *Service) faqChanged(ctx context.Context, tx *store.Tx, e FAQEntry, action, code string, details map[string]any) error {
	if err := timeline.Record(ctx, tx, e.OrganisationID, e.CaseID, action, code, e.title()); err != nil {
		return err
	}
	if details == nil {
		details = map[string]any{}
	}
	details["case_id"] = e.CaseID
	return audit.Record(ctx, tx, audit.Entry{OrganisationID: e.OrganisationID, Action: action, TargetType: "faq_entry", TargetID: fmt.Sprint(e.ID), Details: details})
}

// title is the entry's question for a timeline line, cut short.
func (e FAQEntry) title() string {
	q := e.QuestionJA
	if q == "" {
		q = e.QuestionEN
	}
	q = strings.Join(strings.Fields(q), " ")
	if r := []rune(q); len(r) > 60 {
		q = string(r[:60]) + "…"
	}
	return q
}

// DocumentFAQ loads a case's FAQ for a document, in its order. The drafts
// service calls it so the call-centre FAQ document carries the curated
// entries too; the caller has checked the case's organisation.
func DocumentFAQ(ctx context.Context, tx *store.Tx, orgID, caseID int64) ([]documents.QA, error) {
	var es []FAQEntry
	if err := tx.DB.WithContext(ctx).Where("case_id = ? AND organisation_id = ?", caseID, orgID).Order("position, id").Find(&es).Error; err != nil {
		return nil, err
	}
	return toQA(es), nil
}

func toQA(es []FAQEntry) []documents.QA {
	out := make([]documents.QA, len(es))
	for i, e := range es {
		out[i] = documents.QA{Question: i18n.Text{JA: e.QuestionJA, EN: e.QuestionEN}, Answer: i18n.Text{JA: e.AnswerJA, EN: e.AnswerEN}}
	}
	return out
}
