package letters

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/pdf"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// LetterKind is the document kind a batch sends: the customer letter,
// approved by legal.
const LetterKind = string(documents.CustomerLetterSample)

// Default chunk sizes: a print chunk is one PDF file (a few hundred
// letters is what a print shop takes in one go); an e-mail chunk is what
// one job sends over one SMTP connection.
const (
	DefaultPrintChunk = 500
	DefaultEmailChunk = 200
)

// NoticeCompleter marks an obligation submitted for the system, in the
// transaction of the change that met it (assessment.Service does). The
// letters worker has no signed-in user, and the letters that notify the
// last person are what meets the individual-notice obligation.
type NoticeCompleter interface {
	// CompleteBySystem marks the obligation of rule in the case submitted
	// as in says, in tx; one not applicable or no longer open is left
	// as it is.
	CompleteBySystem(ctx context.Context, tx *store.Tx, orgID, caseID int64, rule string, in assessment.Submission) error
}

// Service creates letter batches and works their chunks.
type Service struct {
	st       *store.Store
	cases    *cases.Service
	notice   NoticeCompleter
	renderer *pdf.Renderer
	dialer   mail.Dialer
	// emailOn is false when no SMTP server is configured: an e-mail batch
	// would wait for hours and fall back to print, so it is refused.
	emailOn bool
	pacer   *pacer // nil: no rate limit
	now     func() time.Time

	printSize, emailSize int
	// beforeMark, when set, runs between the server's acceptance of an
	// e-mail and the statement marking it sent (tests of the window).
	beforeMark func(letterID int64)
}

// Options configure a Service.
type Options struct {
	// Renderer prints letters; it is required.
	Renderer *pdf.Renderer
	// Dialer connects to the SMTP server. Without one (no server is
	// configured), e-mail letters wait: every attempt is a temporary
	// failure, so they are retried and in the end fall back to print.
	Dialer mail.Dialer
	// Rate is the most messages per second sent to the SMTP server by all
	// processes sharing the database together; 0 means no limit.
	Rate float64
	// PrintChunk and EmailChunk override the chunk sizes (tests).
	PrintChunk, EmailChunk int
}

// NewService returns the service. The store, clock, case service, the
// completer of the individual-notice obligation (the assessment service)
// and o.Renderer are required.
func NewService(st *store.Store, clk clock.Clock, cs *cases.Service, nc NoticeCompleter, o Options) *Service {
	if st == nil || clk == nil || cs == nil || nc == nil || o.Renderer == nil {
		panic("letters.NewService: the store, clock, case service, notice completer and renderer are required")
	}
	emailOn := o.Dialer != nil
	if !emailOn {
		o.Dialer = noServer{}
	}
	s := &Service{st: st, cases: cs, notice: nc, renderer: o.Renderer, dialer: o.Dialer, emailOn: emailOn,
		now: clk.Now, printSize: DefaultPrintChunk, emailSize: DefaultEmailChunk}
	if o.Rate > 0 {
		s.pacer = newPacer(st.DB, pacingName, o.Rate)
	}
	if o.PrintChunk > 0 {
		s.printSize = o.PrintChunk
	}
	if o.EmailChunk > 0 {
		s.emailSize = o.EmailChunk
	}
	return s
}

// noServer is the dialer without an SMTP server: e-mail letters wait, as
// on a temporary failure.
type noServer struct{}

func (noServer) Dial(context.Context) (mail.Conn, error) {
	return nil, &mail.Error{Temporary: true, Err: errors.New("no SMTP server configured in this worker")}
}

// EmailOn reports whether this server can send e-mail letters (an SMTP
// server is configured).
func (s *Service) EmailOn() bool { return s.emailOn }

// NewBatch is what a user chooses for a batch.
type NewBatch struct {
	// DocumentID is an approved customer letter of the case; its text and
	// language are what every letter carries.
	DocumentID int64  `json:"document_id" required:"true" doc:"an approved customer letter of the case"`
	Channel    string `json:"channel" required:"true" enum:"letter_channel" doc:"email: one message each; print: PDFs, many letters per file, address for window envelopes"`
	AttachPDF  bool   `json:"attach_pdf" doc:"e-mail: attach the approved letter as PDF"`
	Selection  string `json:"selection" enum:"letter_selection" doc:"which persons (default not_notified)"`
	Search     string `json:"search" doc:"name, e-mail or customer id, for selection=search"`
	// SameLanguage keeps only persons whose language is the letter's.
	SameLanguage bool `json:"same_language" doc:"only persons whose language is the letter's"`
}

// Create starts a batch: the batch, one letter row per selected person
// and one job per chunk, in one transaction.
func (s *Service) Create(ctx context.Context, p *auth.Principal, caseID int64, in NewBatch) (Batch, error) {
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return Batch{}, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return Batch{}, err
	}
	// A drill writes to nobody: its persons may be real customers.
	if err := c.RefuseInDrill("conflict.drill_no_letters"); err != nil {
		return Batch{}, err
	}
	doc, err := s.validate(ctx, c, &in)
	if err != nil {
		return Batch{}, err
	}
	size := s.printSize
	if in.Channel == ChannelEmail {
		size = s.emailSize
	}
	b := Batch{OrganisationID: c.OrganisationID, CaseID: c.ID, DocumentID: doc.ID, Lang: doc.Lang, Channel: in.Channel,
		AttachPDF: in.AttachPDF && in.Channel == ChannelEmail, Selection: in.Selection, Search: in.Search, SameLanguage: in.SameLanguage,
		ChunkSize: size, Status: "running", CreatedBy: &p.User.ID}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Omit("finished_at").Create(&b).Error; err != nil {
			return err
		}
		n, err := s.insertLetters(tx, b)
		if store.IsUniqueViolation(err) {
			// Another batch took some of these persons meanwhile.
			return apperr.Conflict("conflict.letters_in_flight")
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return apperr.Invalid("selection", "validation.selection_empty")
		}
		b.Total, b.Chunks = n, (n+size-1)/size
		if err := tx.DB.Model(&b).Updates(map[string]any{"total": b.Total, "chunks": b.Chunks}).Error; err != nil {
			return err
		}
		params := make([]river.InsertManyParams, b.Chunks)
		for i := range params {
			params[i] = river.InsertManyParams{Args: jobs.LetterChunk{BatchID: b.ID, Chunk: i}}
		}
		if err := tx.EnqueueMany(ctx, params); err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, b.OrganisationID, b.CaseID, "letters.batch", "timeline.letters_batch_started",
			b.ID, b.Total, apperr.Msg("letters.channel."+b.Channel), apperr.Msg("timeline.lang."+b.Lang)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: b.OrganisationID, Action: "letters.batch_created", TargetType: "letter_batch",
			TargetID: fmt.Sprint(b.ID), Details: map[string]any{"case_id": b.CaseID, "document_id": b.DocumentID, "channel": b.Channel,
				"lang": b.Lang, "selection": b.Selection, "letters": b.Total}})
	})
	if err != nil {
		return Batch{}, err
	}
	return b, nil
}

// validate checks the choices and returns the letter document.
func (s *Service) validate(ctx context.Context, c cases.Case, in *NewBatch) (drafts.Document, error) {
	v := &apperr.ValidationError{}
	var doc drafts.Document
	err := s.st.DB.WithContext(ctx).Omit("pdf").Where("id = ? AND organisation_id = ? AND case_id = ?", in.DocumentID, c.OrganisationID, c.ID).Take(&doc).Error
	switch {
	case store.IsNotFound(err):
		v.Add("document_id", "validation.not_case_document")
	case err != nil:
		return doc, err
	case doc.Kind != LetterKind:
		v.Add("document_id", "validation.letter_kind", LetterKind, doc.Kind)
	case doc.Status != drafts.StatusApproved && doc.Status != drafts.StatusSubmitted:
		v.Add("document_id", "validation.letter_not_approved", doc.Status)
	}
	if !slices.Contains(Channels, in.Channel) {
		v.Add("channel", "validation.either", ChannelEmail, ChannelPrint)
	} else if in.Channel == ChannelEmail && !s.emailOn {
		v.Add("channel", "validation.email_off")
	}
	if in.Selection == "" {
		in.Selection = SelectNotNotified
	}
	in.Search = strings.TrimSpace(in.Search)
	switch in.Selection {
	case SelectAll, SelectNotNotified:
		in.Search = ""
	case SelectSearch:
		if in.Search == "" {
			v.Add("search", "validation.search_required")
		}
	default:
		v.Add("selection", "validation.one_of", strings.Join(Selections, ", "))
	}
	return doc, v.OrNil()
}

// insertLetters creates the letters of a new batch in one statement,
// numbering chunks in person order. A person e-mail cannot reach (no
// address, or one refused or bounced before) gets a print letter when a
// postal address is known; a person with neither gets no_address.
func (s *Service) insertLetters(tx *store.Tx, b Batch) (int, error) {
	// A person with a letter still pending in another batch is left out:
	// one notification in flight per person, whatever the channel.
	where := []string{"p.case_id = @case", "p.organisation_id = @org",
		"NOT EXISTS (SELECT 1 FROM letters l WHERE l.person_id = p.id AND l.state = 'pending')"}
	args := map[string]any{"case": b.CaseID, "org": b.OrganisationID, "batch": b.ID, "size": b.ChunkSize, "lang": b.Lang}
	switch b.Selection {
	case SelectNotNotified:
		where = append(where, "p.notified_email_at IS NULL AND p.notified_letter_at IS NULL")
	case SelectSearch:
		where = append(where, `(p.name ILIKE @like OR p.email ILIKE @like OR p.customer_id ILIKE @like)`)
		args["like"] = "%" + store.EscapeLike(b.Search) + "%"
	}
	if b.SameLanguage {
		where = append(where, "p.language = @lang")
	}
	email := `p.email <> '' AND p.email_status NOT IN ('failed', 'bounced')`
	postal := `p.address <> ''`
	var channel, fallback, state, reason string
	if b.Channel == ChannelEmail {
		channel = fmt.Sprintf(`CASE WHEN %s THEN 'email' WHEN %s THEN 'print' ELSE 'email' END`, email, postal)
		fallback = fmt.Sprintf(`NOT (%s) AND %s`, email, postal)
		state = fmt.Sprintf(`CASE WHEN (%s) OR %s THEN 'pending' ELSE 'no_address' END`, email, postal)
		reason = fmt.Sprintf(`CASE WHEN %s THEN '' WHEN p.email = '' THEN 'no e-mail address' ELSE 'e-mail ' || p.email_status || ': ' || p.bounce_reason END`, email)
	} else {
		channel, fallback = `'print'`, `false`
		state = fmt.Sprintf(`CASE WHEN %s THEN 'pending' ELSE 'no_address' END`, postal)
		reason = fmt.Sprintf(`CASE WHEN %s THEN '' ELSE 'no postal address' END`, postal)
	}
	q := fmt.Sprintf(`INSERT INTO letters (organisation_id, batch_id, person_id, chunk, channel, fallback, state, last_error)
		SELECT @org, @batch, p.id, ((row_number() OVER (ORDER BY p.id)) - 1) / @size, %s, %s, %s, %s
		FROM people p WHERE %s`, channel, fallback, state, reason, strings.Join(where, " AND "))
	res := tx.DB.Exec(q, args)
	return int(res.RowsAffected), res.Error
}

// Get returns one batch of the principal's organisation.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Batch, error) {
	var b Batch
	if p.OrgID() == 0 {
		return b, apperr.ErrNotFound
	}
	err := s.st.DB.WithContext(ctx).Where("id = ? AND organisation_id = ?", id, p.OrgID()).Take(&b).Error
	if store.IsNotFound(err) {
		return b, apperr.ErrNotFound
	}
	return b, err
}

// List returns a case's batches, newest first.
func (s *Service) List(ctx context.Context, p *auth.Principal, caseID int64) ([]Batch, error) {
	if _, err := s.cases.Get(ctx, p, caseID); err != nil {
		return nil, err
	}
	out := []Batch{}
	err := s.st.DB.WithContext(ctx).Where("case_id = ? AND organisation_id = ?", caseID, p.OrgID()).Order("id DESC").Find(&out).Error
	return out, err
}

// Progress returns a batch with its letters counted by state.
func (s *Service) Progress(ctx context.Context, p *auth.Principal, id int64) (Batch, Counts, error) {
	b, err := s.Get(ctx, p, id)
	if err != nil {
		return b, Counts{}, err
	}
	c, err := counts(s.st.DB.WithContext(ctx), id)
	return b, c, err
}

func (s *Service) countsTx(tx *store.Tx, batchID int64) (Counts, error) {
	return counts(tx.DB, batchID)
}

// counts returns the letters of a batch by state.
func counts(db *gorm.DB, batchID int64) (Counts, error) {
	var rows []struct {
		State    string
		Fallback bool
		Bounced  bool
		N        int
	}
	err := db.Raw(`SELECT state, fallback, bounced_at IS NOT NULL AS bounced, count(*) AS n
		FROM letters WHERE batch_id = ? GROUP BY 1, 2, 3`, batchID).Scan(&rows).Error
	var c Counts
	for _, r := range rows {
		c.Total += r.N
		switch r.State {
		case StatePending:
			c.Pending += r.N
		case StateSent:
			c.Sent += r.N
		case StatePrinted:
			c.Printed += r.N
		case StateFailed:
			c.Failed += r.N
		case StateNoAddress:
			c.NoAddress += r.N
		}
		if r.Fallback {
			c.Fallback += r.N
		}
		if r.Bounced {
			c.Bounced += r.N
		}
	}
	return c, err
}

// RetryState returns the batch's e-mails waiting for a retry after a
// temporary failure: how many, the last reason, the attempts so far and,
// from the job queue, the limit and when the next attempt is due. It is
// the zero Retry when none waits.
func (s *Service) RetryState(ctx context.Context, p *auth.Principal, batchID int64) (Retry, error) {
	var r Retry
	if _, err := s.Get(ctx, p, batchID); err != nil {
		return r, err
	}
	// The letters say which wait and why; River's job of each chunk says
	// when it runs again (it alone schedules retries) and when it last
	// ran, which orders the reasons of several chunks. A chunk has one
	// job (unique by its arguments); the newest is taken all the same.
	err := s.st.DB.WithContext(ctx).Raw(`WITH w AS (
			SELECT id, chunk, attempts, last_error FROM letters
			WHERE batch_id = @batch AND state = 'pending' AND channel = 'email' AND starts_with(last_error, @prefix)),
		j AS (
			SELECT DISTINCT ON (chunk) chunk, state, max_attempts, attempted_at, scheduled_at
			FROM (SELECT id, (args->>'chunk')::int AS chunk, state, max_attempts, attempted_at, scheduled_at
				FROM river_job WHERE kind = @kind AND args @> jsonb_build_object('batch_id', CAST(@batch AS bigint))) x
			WHERE chunk IN (SELECT chunk FROM w)
			ORDER BY chunk, id DESC)
		SELECT (SELECT count(*) FROM w) AS waiting,
			COALESCE((SELECT max(attempts) FROM w), 0) AS attempts,
			COALESCE((SELECT w.last_error FROM w LEFT JOIN j USING (chunk)
				ORDER BY j.attempted_at DESC NULLS LAST, w.attempts DESC, w.id DESC LIMIT 1), '') AS last_error,
			COALESCE((SELECT max(max_attempts) FROM j), 0) AS max_attempts,
			(SELECT min(scheduled_at) FROM j WHERE state IN ('retryable', 'scheduled')) AS next_attempt_at`,
		map[string]any{"batch": batchID, "prefix": temporaryPrefix, "kind": jobs.LetterChunk{}.Kind()}).Scan(&r).Error
	return r, err
}

// LetterRow is a letter with the person it goes to, for the batch page.
type LetterRow struct {
	Letter
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Problems lists a batch's letters that did not go out as planned (failed,
// no address, fallback to print), at most limit of them.
func (s *Service) Problems(ctx context.Context, p *auth.Principal, batchID int64, limit int) ([]LetterRow, error) {
	if _, err := s.Get(ctx, p, batchID); err != nil {
		return nil, err
	}
	out := []LetterRow{}
	err := s.st.DB.WithContext(ctx).Raw(`SELECT l.*, p.name, p.email FROM letters l JOIN people p ON p.id = l.person_id
		WHERE l.batch_id = ? AND (l.state IN ('failed', 'no_address') OR l.fallback) ORDER BY l.id LIMIT ?`, batchID, limit).Scan(&out).Error
	return out, err
}

// Files lists a batch's print files without their content.
func (s *Service) Files(ctx context.Context, p *auth.Principal, batchID int64) ([]File, error) {
	if _, err := s.Get(ctx, p, batchID); err != nil {
		return nil, err
	}
	out := []File{}
	err := s.st.DB.WithContext(ctx).Omit("pdf").Where("batch_id = ?", batchID).Order("chunk, id").Find(&out).Error
	return out, err
}

// FilePDF returns one print file with its PDF, checked against its
// SHA-256, and audits the download (the file holds personal data).
func (s *Service) FilePDF(ctx context.Context, p *auth.Principal, fileID int64) (File, error) {
	var f File
	if p.OrgID() == 0 {
		return f, apperr.ErrNotFound
	}
	err := s.st.DB.WithContext(ctx).Where("id = ? AND organisation_id = ?", fileID, p.OrgID()).Take(&f).Error
	if store.IsNotFound(err) {
		return f, apperr.ErrNotFound
	}
	if err != nil {
		return f, err
	}
	if sum := sha256.Sum256(f.PDF); !bytes.Equal(sum[:], f.SHA256) {
		return File{}, fmt.Errorf("letters: file %d does not match its SHA-256; refusing to serve it", f.ID)
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: f.OrganisationID, Action: "letters.file_downloaded", TargetType: "letter_file",
			TargetID: fmt.Sprint(f.ID), Details: map[string]any{"batch_id": f.BatchID, "letters": f.Letters, "sha256": fmt.Sprintf("%x", f.SHA256)}})
	})
	return f, err
}

// MarkPosted records that a print file's letters went into the post: the
// persons count as notified by letter from then. It returns the file
// (without its PDF), whose batch the caller goes back to.
func (s *Service) MarkPosted(ctx context.Context, p *auth.Principal, fileID int64) (File, error) {
	if err := p.Require(auth.WriteDocuments); err != nil {
		return File{}, err
	}
	var f File
	err := s.st.DB.WithContext(ctx).Omit("pdf").Where("id = ? AND organisation_id = ?", fileID, p.OrgID()).Take(&f).Error
	if store.IsNotFound(err) {
		return f, apperr.ErrNotFound
	}
	if err != nil {
		return f, err
	}
	if f.PostedAt != nil {
		return f, nil
	}
	now := s.now()
	return f, s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Model(&File{}).Where("id = ?", f.ID).Update("posted_at", now).Error; err != nil {
			return err
		}
		if err := tx.DB.Exec(`UPDATE people SET notified_letter_at = COALESCE(notified_letter_at, ?), updated_at = ?
			WHERE id IN (SELECT person_id FROM letters WHERE file_id = ?)`, now, now, f.ID).Error; err != nil {
			return err
		}
		var caseID int64
		if err := tx.DB.Raw(`SELECT case_id FROM letter_batches WHERE id = ?`, f.BatchID).Scan(&caseID).Error; err != nil {
			return err
		}
		if err := timeline.Record(ctx, tx, f.OrganisationID, caseID, "letters.posted", "timeline.letters_posted", f.Letters, f.BatchID, f.ID); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{OrganisationID: f.OrganisationID, Action: "letters.posted", TargetType: "letter_file",
			TargetID: fmt.Sprint(f.ID), Details: map[string]any{"batch_id": f.BatchID, "letters": f.Letters}}); err != nil {
			return err
		}
		return s.completeNotice(ctx, tx, f.OrganisationID, caseID, f.BatchID)
	})
}

// noticeRule is the obligation the customer letter answers: the notice
// to the affected persons.
var noticeRule = func() string {
	ki, _ := documents.Info(documents.CustomerLetterSample)
	return ki.Obligation
}()

// completeNotice marks the case's individual-notice obligation submitted
// in tx once every person of the case has been notified, by e-mail or by
// post, as of the time the last of them was: their letters are the
// notice, and nobody would otherwise think to record it. The changes that
// notify persons (a batch finishing, a print file posted) call it after
// they wrote; the obligation is left alone while anyone is not notified,
// and once it is no longer open.
func (s *Service) completeNotice(ctx context.Context, tx *store.Tx, orgID, caseID, batchID int64) error {
	// One check at a time per case. Two print files posted at once would
	// otherwise each miss the persons the other marks (neither sees the
	// other's uncommitted rows) and leave the obligation open with
	// everyone notified; after the lock, the check sees what the other
	// committed.
	if err := tx.DB.Exec(`SELECT pg_advisory_xact_lock(hashtextextended('breachdesk.letters.notice.' || ?::bigint::text, 0))`, caseID).Error; err != nil {
		return err
	}
	var r struct {
		Persons    int
		Unnotified int
		// Last is when the last person was first notified, by either
		// channel: the notice was complete then.
		Last *time.Time
	}
	if err := tx.DB.Raw(`SELECT count(*) AS persons,
			count(*) FILTER (WHERE notified_email_at IS NULL AND notified_letter_at IS NULL) AS unnotified,
			max(LEAST(notified_email_at, notified_letter_at)) AS last
		FROM people WHERE case_id = ? AND organisation_id = ?`, caseID, orgID).Scan(&r).Error; err != nil {
		return err
	}
	if r.Persons == 0 || r.Unnotified > 0 || r.Last == nil {
		return nil
	}
	at := *r.Last
	if now := tx.Now(); at.After(now) {
		// Written by another process whose clock runs a little ahead of
		// this one's: a submission is never in the future.
		at = now
	}
	return s.notice.CompleteBySystem(ctx, tx, orgID, caseID, noticeRule,
		assessment.Submission{SubmittedAt: at, RecipientReference: fmt.Sprintf("letters: batch #%d", batchID)})
}
