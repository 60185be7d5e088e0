package letters

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/lib/pq"

	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
	"github.com/breachdesk/breachdesk/app/webhooks"
)

// chunkWork is what one chunk's job needs to know about its batch.
type chunkWork struct {
	batch   Batch
	title   string
	org     string
	ref     string
	doc     pdf.Document
	text    string // the approved letter as plain text, for e-mails
	pdf     []byte // the approved letter, for attachments
	attempt struct{ final bool }
}

// RunChunk delivers one chunk of a batch: its pending e-mails, then its
// pending print letters (including e-mails that fell back to print) as
// one PDF. It is safe to run again after a crash or an error: only
// letters still pending are touched. final says this is the job's last
// attempt: e-mails still refused temporarily are then given up (and fall
// back to print) instead of returning an error for a retry.
func (s *Service) RunChunk(ctx context.Context, batchID int64, chunk int, final bool) error {
	w, err := s.load(ctx, batchID)
	if errors.Is(err, errGone) {
		return nil
	}
	if err != nil {
		return err
	}
	w.attempt.final = final
	if w.batch.Channel == ChannelEmail {
		if err := s.sendChunk(ctx, w, chunk); err != nil {
			return err
		}
	}
	if err := s.printChunk(ctx, w, chunk); err != nil {
		return err
	}
	return s.finishIfDone(ctx, w.batch)
}

var errGone = errors.New("letters: batch deleted")

func (s *Service) load(ctx context.Context, batchID int64) (*chunkWork, error) {
	w := &chunkWork{}
	db := s.st.DB.WithContext(ctx)
	if err := db.Where("id = ?", batchID).Take(&w.batch).Error; err != nil {
		if store.IsNotFound(err) {
			return nil, errGone // deleted with its case
		}
		return nil, err
	}
	var d drafts.Document
	q := db.Where("id = ?", w.batch.DocumentID)
	if !w.batch.AttachPDF {
		q = q.Omit("pdf")
	}
	if err := q.Take(&d).Error; err != nil {
		return nil, err
	}
	// What is sent is the content legal approved, nothing else.
	if d.Status != drafts.StatusApproved && d.Status != drafts.StatusSubmitted {
		return nil, fmt.Errorf("letters: batch %d: letter document %d is %s, not approved", batchID, d.ID, d.Status)
	}
	if d.ApprovedContentSHA256 != nil && d.ContentHash() != *d.ApprovedContentSHA256 {
		return nil, fmt.Errorf("letters: batch %d: letter document %d is not the content legal approved", batchID, d.ID)
	}
	doc, err := pdf.Parse(d.Composed)
	if err != nil {
		return nil, fmt.Errorf("letters: batch %d: the approved letter does not parse: %w", batchID, err)
	}
	w.doc, w.text, w.pdf = doc, pdf.PlainText(doc), d.PDF
	for _, b := range doc.Blocks {
		if b.Kind == pdf.KindTitle {
			w.title = strings.Join(strings.Fields(b.Text), " ")
			break
		}
	}
	var meta struct{ Org, Ref string }
	if err := db.Raw(`SELECT o.legal_name AS org, c.reference AS ref FROM cases c JOIN organisations o ON o.id = c.organisation_id WHERE c.id = ?`,
		w.batch.CaseID).Scan(&meta).Error; err != nil {
		return nil, err
	}
	w.org, w.ref = meta.Org, meta.Ref
	return w, nil
}

// recipient is a pending letter with what is needed to send it.
type recipient struct {
	ID         int64
	PersonID   int64
	Name       string
	Email      string
	PostalCode string
	Address    string
}

func (s *Service) pending(ctx context.Context, batchID int64, chunk int, channel string) ([]recipient, error) {
	var out []recipient
	err := s.st.DB.WithContext(ctx).Raw(`SELECT l.id, l.person_id, p.name, p.email, p.postal_code, p.address
		FROM letters l JOIN people p ON p.id = l.person_id
		WHERE l.batch_id = ? AND l.chunk = ? AND l.channel = ? AND l.state = 'pending' ORDER BY l.id`, batchID, chunk, channel).Scan(&out).Error
	return out, err
}

// reference is the letter's number printed on it and quoted to the call
// centre: the case reference and the letter id.
func (w *chunkWork) reference(letterID int64) string {
	return fmt.Sprintf("%s-L%d", w.ref, letterID)
}

// sendChunk sends the chunk's pending e-mails over one connection, each
// marked sent right after the server accepted it.
func (s *Service) sendChunk(ctx context.Context, w *chunkWork, chunk int) error {
	rs, err := s.pending(ctx, w.batch.ID, chunk, ChannelEmail)
	if err != nil || len(rs) == 0 {
		return err
	}
	conn, err := s.dialer.Dial(ctx)
	if err != nil {
		if !mail.IsTemporary(err) {
			// The server or our credentials are refused outright: no letter
			// can go by e-mail, so all fall back.
			return s.giveUp(ctx, w, rs, "SMTP: "+err.Error())
		}
		return s.temporary(ctx, w, rs, err)
	}
	defer conn.Close()
	for i, r := range rs {
		if s.pacer != nil {
			if err := s.pacer.Wait(ctx); err != nil {
				return err
			}
		}
		m, err := s.message(w, r)
		if err != nil {
			return err
		}
		err = conn.Send(ctx, m)
		switch {
		case err == nil:
			if s.beforeMark != nil {
				s.beforeMark(r.ID)
			}
			if err := s.markSent(context.WithoutCancel(ctx), r.ID); err != nil {
				return err
			}
		case mail.IsTemporary(err):
			return s.temporary(ctx, w, rs[i:], err)
		default:
			if err := s.fallBack(ctx, r.ID, EmailFailed, reason(err)); err != nil {
				return err
			}
		}
	}
	return nil
}

// markSent records the server's acceptance in one autocommitted
// statement: the letter and its person together. This statement is the
// whole window in which a crash could send the e-mail twice.
func (s *Service) markSent(ctx context.Context, letterID int64) error {
	now := s.now()
	return s.st.DB.WithContext(ctx).Exec(`WITH l AS (
			UPDATE letters SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = ''
			WHERE id = ? AND state = 'pending' RETURNING person_id)
		UPDATE people SET notified_email_at = COALESCE(notified_email_at, ?), email_status = 'sent', updated_at = ?
		FROM l WHERE people.id = l.person_id`, now, letterID, now, now).Error
}

// temporaryPrefix starts the last error of a letter left pending by a
// temporary failure: such a letter waits for a retry (see RetryState).
const temporaryPrefix = "temporary: "

// temporary handles a 4xx or a connection problem: the letters stay
// pending and the job is retried with backoff, unless this was the last
// attempt, when they are given up.
func (s *Service) temporary(ctx context.Context, w *chunkWork, rs []recipient, err error) error {
	if w.attempt.final {
		return s.giveUp(ctx, w, rs, "gave up after repeated temporary failures: "+reason(err))
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	if uerr := s.st.DB.WithContext(context.WithoutCancel(ctx)).Exec(`UPDATE letters SET attempts = attempts + 1, last_error = ?
		WHERE id = ANY(?) AND state = 'pending'`, temporaryPrefix+reason(err), pq.Array(ids)).Error; uerr != nil {
		return errors.Join(err, uerr)
	}
	slog.Info("letters: temporary e-mail failure, will retry", "batch", w.batch.ID, "pending", len(rs), "err", err)
	return err
}

// giveUp makes e-mail letters that cannot be sent fall back to print.
func (s *Service) giveUp(ctx context.Context, w *chunkWork, rs []recipient, why string) error {
	for _, r := range rs {
		if err := s.fallBack(ctx, r.ID, EmailFailed, why); err != nil {
			return err
		}
	}
	return nil
}

// fallBack turns a pending e-mail letter into a print letter (or failed,
// when there is no postal address) and records the reason on the person.
func (s *Service) fallBack(ctx context.Context, letterID int64, status, why string) error {
	return s.st.DB.WithContext(context.WithoutCancel(ctx)).Exec(`WITH l AS (
			UPDATE letters SET attempts = attempts + 1, last_error = @why,
				channel = CASE WHEN p.address <> '' THEN 'print' ELSE letters.channel END,
				fallback = p.address <> '',
				state = CASE WHEN p.address <> '' THEN 'pending' ELSE 'failed' END
			FROM people p WHERE letters.id = @id AND p.id = letters.person_id AND letters.state = 'pending'
			RETURNING letters.person_id)
		UPDATE people SET email_status = @status, bounce_reason = @why, updated_at = @now FROM l WHERE people.id = l.person_id`,
		map[string]any{"id": letterID, "why": why, "status": status, "now": s.now()}).Error
}

// reason is an error as kept on a letter: one line, bounded, no card
// number (a server may echo the message back).
func reason(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	s, _ = pan.Mask(s)
	return s
}

// message is the personal e-mail: the approved letter as plain text,
// addressed to the person by the customer e-mail template of the
// letter's language, with a stable Message-ID per letter.
func (s *Service) message(w *chunkWork, r recipient) (mail.Message, error) {
	subject, text, err := documents.Email{Lang: w.batch.Lang, Title: w.title, Name: r.Name, Text: w.text, Reference: w.reference(r.ID)}.Render()
	if err != nil {
		return mail.Message{}, fmt.Errorf("letters: batch %d: %w", w.batch.ID, err)
	}
	m := mail.Message{To: r.Email, Subject: subject, Text: text, Key: fmt.Sprintf("letter/%d/%d", w.batch.ID, r.ID), Date: s.now()}
	if w.batch.AttachPDF && len(w.pdf) > 0 {
		name := "letter.pdf"
		if w.batch.Lang == "ja" {
			name = "お知らせ.pdf"
		}
		m.Attachments = []mail.Attachment{{Name: name, ContentType: "application/pdf", Data: w.pdf}}
	}
	return m, nil
}

// printChunk renders the chunk's pending print letters into one PDF and
// stores it with the letters marked printed, in one transaction.
func (s *Service) printChunk(ctx context.Context, w *chunkWork, chunk int) error {
	rs, err := s.pending(ctx, w.batch.ID, chunk, ChannelPrint)
	if err != nil || len(rs) == 0 {
		return err
	}
	letters := make([]pdf.Letter, len(rs))
	ids := make([]int64, len(rs))
	for i, r := range rs {
		letters[i] = pdf.Letter{PostalCode: r.PostalCode, Address: r.Address, Name: r.Name, Reference: w.reference(r.ID), Doc: w.doc}
		ids[i] = r.ID
	}
	render := clock.Start()
	pdf, err := s.renderer.RenderLetters(ctx, letters, pdf.Meta{Title: w.title, Organisation: w.org, Lang: w.batch.Lang, GeneratedAt: s.now()})
	if err != nil {
		return fmt.Errorf("letters: batch %d chunk %d: %w", w.batch.ID, chunk, err)
	}
	rendered := render.Elapsed()
	storing := clock.Start()
	defer func() {
		slog.Debug("letters: chunk printed", "batch", w.batch.ID, "chunk", chunk, "letters", len(rs), "pdf_bytes", len(pdf),
			"render", rendered, "store", storing.Elapsed())
	}()
	sum := sha256.Sum256(pdf)
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		f := File{OrganisationID: w.batch.OrganisationID, BatchID: w.batch.ID, Chunk: chunk, Letters: len(rs), PDF: pdf, SHA256: sum[:]}
		if err := tx.DB.Omit("posted_at").Create(&f).Error; err != nil {
			return err
		}
		res := tx.DB.Exec(`UPDATE letters SET state = 'printed', sent_at = ?, file_id = ?, attempts = attempts + 1
			WHERE id = ANY(?) AND state = 'pending'`, tx.Now(), f.ID, pq.Array(ids))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != int64(len(ids)) {
			// Another attempt got there first: keep its file, drop ours.
			return fmt.Errorf("letters: batch %d chunk %d: %d of %d letters were no longer pending", w.batch.ID, chunk, res.RowsAffected, len(ids))
		}
		return nil
	})
}

// finishIfDone marks the batch done once no letter is pending.
func (s *Service) finishIfDone(ctx context.Context, b Batch) error {
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		res := tx.DB.Exec(`UPDATE letter_batches SET status = 'done', finished_at = ?
			WHERE id = ? AND status = 'running' AND NOT EXISTS (SELECT 1 FROM letters WHERE batch_id = ? AND state = 'pending')`, tx.Now(), b.ID, b.ID)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		c, err := s.countsTx(tx, b.ID)
		if err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, b.OrganisationID, b.CaseID, "letters.batch_done", "timeline.letters_batch_done",
			b.ID, c.Sent, c.Printed, c.Fallback, c.Failed, c.NoAddress); err != nil {
			return err
		}
		if err := webhooks.Emit(ctx, tx, b.OrganisationID, webhooks.EventLetterBatchFinished, webhooks.Payload{"case_id": b.CaseID, "batch_id": b.ID,
			"channel": b.Channel, "sent": c.Sent, "printed": c.Printed, "failed": c.Failed, "no_address": c.NoAddress}); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{OrganisationID: b.OrganisationID, Action: "letters.batch_done", TargetType: "letter_batch",
			TargetID: fmt.Sprint(b.ID), Details: map[string]any{"sent": c.Sent, "printed": c.Printed, "fallback": c.Fallback, "failed": c.Failed, "no_address": c.NoAddress}}); err != nil {
			return err
		}
		// Its e-mails may have notified the last persons of the case.
		return s.completeNotice(ctx, tx, b.OrganisationID, b.CaseID, b.ID)
	})
}
