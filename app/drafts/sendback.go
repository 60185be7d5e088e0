package drafts

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm/clause"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// maxReturnComment bounds legal's comment on a draft sent back.
const maxReturnComment = 4000

// SendBack is legal declining to approve a draft as it stands: the comment
// says what to change. The version leaves legal's queue (it can still be
// approved from its page), the comment shows on it, and whoever generated
// it is notified. Only the newest version of a rendered draft can be sent
// back, as only it can be approved.
func (s *Service) SendBack(ctx context.Context, p *auth.Principal, id int64, comment string) (Document, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return d, err
	}
	if err := p.Require(auth.Approve); err != nil {
		return d, err
	}
	comment = strings.TrimSpace(comment)
	if comment == "" || utf8.RuneCountInString(comment) > maxReturnComment {
		return d, apperr.Invalid("comment", "validation.required_max_chars", maxReturnComment)
	}
	comment, _ = pan.Mask(comment)
	now := s.now()
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := cases.LockWritable(ctx, tx, d.CaseID); err != nil {
			return err
		}
		if err := tx.DB.Clauses(clause.Locking{Strength: "UPDATE"}).Omit("pdf").Where("id = ?", d.ID).Take(&d).Error; err != nil {
			return err
		}
		if err := approvable(d); err != nil {
			return err
		}
		if err := latestVersion(tx.DB, d); err != nil {
			return err
		}
		if err := tx.DB.Model(&Document{}).Where("id = ?", d.ID).
			Updates(map[string]any{"returned_at": now, "returned_by": p.User.ID, "return_comment": comment, "updated_at": now}).Error; err != nil {
			return err
		}
		title := documents.KindTitle(d.Kind)
		if err := timeline.Record(ctx, tx, d.OrganisationID, d.CaseID, "document.send_back", "timeline.document_sent_back",
			title, apperr.Msg("timeline.lang."+d.Lang), d.Version, comment); err != nil {
			return err
		}
		if err := s.notifyReturned(ctx, tx, d, title, comment); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: d.OrganisationID, Action: "document.send_back", TargetType: "document",
			TargetID: fmt.Sprint(d.ID), Details: map[string]any{"version": d.Version, "comment": comment}})
	})
	if err != nil {
		return d, err
	}
	d.ReturnedAt, d.ReturnedBy, d.ReturnComment = &now, &p.User.ID, comment
	return d, nil
}

// notifyReturned tells the person who generated d, if still a member, in
// their language, with the comment, by notification and e-mail.
func (s *Service) notifyReturned(ctx context.Context, tx *store.Tx, d Document, title i18n.Text, comment string) error {
	if d.GeneratedBy == nil {
		return nil
	}
	var to struct {
		ID       int64
		Language string
	}
	if err := tx.DB.Raw(`SELECT u.id, u.language FROM users u JOIN memberships m ON m.user_id = u.id AND m.organisation_id = ? WHERE u.id = ?`,
		d.OrganisationID, *d.GeneratedBy).Scan(&to).Error; err != nil || to.ID == 0 {
		return err
	}
	subject := fmt.Sprintf("差し戻し: %s 第%d版", title.JA, d.Version)
	body := "法務担当者からのコメント:\n" + comment
	if to.Language == "en" {
		subject = fmt.Sprintf("Sent back: %s version %d", title.EN, d.Version)
		body = "Legal's comment:\n" + comment
	}
	var id int64
	if err := tx.DB.Raw(`INSERT INTO notifications (organisation_id, user_id, case_id, title, body, link, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.OrganisationID, to.ID, d.CaseID, subject, body, fmt.Sprintf("/documents/%d", d.ID), tx.Now()).Scan(&id).Error; err != nil {
		return err
	}
	_, err := tx.Enqueue(ctx, jobs.SendNotificationEmail{NotificationID: id}, nil)
	return err
}
