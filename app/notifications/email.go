package notifications

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/store"
)

// ErrUndeliverable marks a refusal that sending again will not change:
// the mail server refused the message outright, or none is configured.
// Anything else (a temporary SMTP failure, a database error) is worth
// another try.
var ErrUndeliverable = errors.New("notifications: undeliverable")

// Emailer e-mails notifications to their users.
type Emailer struct {
	st      *store.Store
	sender  mail.Sender
	baseURL string
	now     func() time.Time
}

// NewEmailer returns the emailer. The sender is required: without an SMTP
// server, give mail.NewSMTP's sender for an empty URL, which refuses every
// message with mail.ErrNotConfigured. baseURL starts the links in the
// e-mails.
func NewEmailer(st *store.Store, clk clock.Clock, sender mail.Sender, baseURL string) *Emailer {
	if st == nil || clk == nil || sender == nil {
		panic("notifications.NewEmailer: the store, clock and sender are required")
	}
	return &Emailer{st: st, sender: sender, baseURL: strings.TrimRight(baseURL, "/"), now: clk.Now}
}

// Email sends notification id to its user's address and records when,
// once: a notification already e-mailed, or gone, is left alone. It sends
// at most once, except in the short window between the SMTP server's
// acceptance and the commit of emailed_at: a crash exactly there sends
// again on retry. The Message-ID is derived from the notification, so a
// receiving system can drop such a duplicate. A refusal that retrying
// will not change is wrapped in ErrUndeliverable.
func (e *Emailer) Email(ctx context.Context, id int64) error {
	var n struct {
		ID        int64
		Title     string
		Body      string
		Link      string
		EmailedAt *string
		Email     string
	}
	err := e.st.DB.WithContext(ctx).Raw(`SELECT n.id, n.title, n.body, n.link, n.emailed_at::text, u.email
		FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.id = ?`, id).Scan(&n).Error
	if err != nil {
		return err
	}
	if n.ID == 0 || n.EmailedAt != nil {
		return nil
	}
	text := n.Body + "\n\n" + e.baseURL + n.Link + "\n"
	err = e.sender.Send(ctx, mail.Message{To: n.Email, Subject: n.Title, Text: text,
		Key: fmt.Sprintf("notification/%d", n.ID), Date: e.now()})
	if err != nil {
		if mail.IsTemporary(err) {
			return err
		}
		return fmt.Errorf("%w: %w", ErrUndeliverable, err)
	}
	return e.st.DB.WithContext(ctx).Exec(`UPDATE notifications SET emailed_at = ? WHERE id = ?`, e.now(), n.ID).Error
}
