package letters

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"

	"github.com/lib/pq"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/jobs"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/timeline"
)

// Bounce is one e-mail reported back as undeliverable.
type Bounce struct {
	Email  string `json:"email" required:"true"`
	Reason string `json:"reason" doc:"the mail server's diagnostic; kept cut to 300 characters, card numbers masked"`
}

// BounceResult says what recording bounces did.
type BounceResult struct {
	Received int `json:"received"`
	// Matched persons of the case (several bounces of one address count once).
	Matched int `json:"matched"`
	// Unknown addresses belong to no person of the case.
	Unknown int `json:"unknown"`
	// Reprinted letters were sent by e-mail and now go to print instead.
	Reprinted int `json:"reprinted"`
	// Unreachable letters bounced and have no postal address either.
	Unreachable int `json:"unreachable"`
}

// MaxBounces bounds one call; a bounce list is far smaller than a batch.
const MaxBounces = 100_000

// ParseBounces reads a bounce list: a CSV with a header naming the e-mail
// column (email, e-mail, address, recipient, メールアドレス) and optionally
// a reason column (reason, diagnostic, status, 理由). Errors name the line.
func ParseBounces(r io.Reader) ([]Bounce, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, apperr.Invalid("file", "validation.empty")
	}
	if err != nil {
		return nil, apperr.Invalid("file", "validation.csv_line", 1, err.Error())
	}
	emailCol, reasonCol := -1, -1
	for i, h := range head {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "email", "e-mail", "mail", "address", "recipient", "メールアドレス", "メール":
			emailCol = i
		case "reason", "diagnostic", "diagnostic-code", "status", "理由", "エラー":
			reasonCol = i
		}
	}
	if emailCol < 0 {
		return nil, apperr.Invalid("file", "validation.bounces_no_email_column")
	}
	v := &apperr.ValidationError{}
	var out []Bounce
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, apperr.Invalid("file", "validation.csv_line", line, err.Error())
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if emailCol >= len(rec) {
			v.Add("file", "validation.bounces_line_no_email", line)
			continue
		}
		b := Bounce{Email: strings.TrimSpace(rec[emailCol])}
		if reasonCol >= 0 && reasonCol < len(rec) {
			b.Reason = rec[reasonCol]
		}
		if _, err := mail.ParseAddress(b.Email); err != nil {
			v.Add("file", "validation.bounces_line_email", line)
			continue
		}
		out = append(out, b)
		if len(out) > MaxBounces {
			return nil, apperr.Invalid("file", "validation.bounces_too_many", MaxBounces)
		}
	}
	if err := v.OrNil(); err != nil {
		return nil, err
	}
	return out, nil
}

// RecordBounces marks the case's persons with these addresses bounced.
// Their e-mail letters that had been sent go to print instead (a new
// chunk of their batch, with its job), or become failed when no postal
// address is known. All in one transaction. A voided case takes none:
// its letters are kept as they were when it was withdrawn.
func (s *Service) RecordBounces(ctx context.Context, p *auth.Principal, caseID int64, bounces []Bounce) (BounceResult, error) {
	c, err := s.cases.GetWritable(ctx, p, caseID)
	if err != nil {
		return BounceResult{}, err
	}
	if err := p.Require(auth.WriteDocuments); err != nil {
		return BounceResult{}, err
	}
	if len(bounces) == 0 {
		return BounceResult{}, apperr.Invalid("bounces", "validation.empty")
	}
	if len(bounces) > MaxBounces {
		return BounceResult{}, apperr.Invalid("bounces", "validation.bounces_too_many", MaxBounces)
	}
	emails, reasons := make([]string, len(bounces)), make([]string, len(bounces))
	v := &apperr.ValidationError{}
	for i, b := range bounces {
		a, err := mail.ParseAddress(strings.TrimSpace(b.Email))
		if err != nil {
			v.Add(fmt.Sprintf("bounces[%d].email", i), "validation.email")
			continue
		}
		emails[i] = strings.ToLower(a.Address)
		why := strings.Join(strings.Fields(b.Reason), " ")
		if r := []rune(why); len(r) > 300 {
			why = string(r[:300])
		}
		why, _ = pan.Mask(why)
		reasons[i] = "bounced: " + why
	}
	if err := v.OrNil(); err != nil {
		return BounceResult{}, err
	}
	res := BounceResult{Received: len(bounces)}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		var matched []struct {
			ID    int64
			Email string
		}
		if err := tx.DB.Raw(`WITH b AS (SELECT DISTINCT ON (email) email, reason FROM unnest(?::text[], ?::text[]) AS t(email, reason))
			UPDATE people SET email_status = 'bounced', bounce_reason = b.reason, notified_email_at = NULL, updated_at = ?
			FROM b WHERE people.case_id = ? AND people.organisation_id = ? AND lower(people.email) = b.email
			RETURNING people.id, people.email`, pq.Array(emails), pq.Array(reasons), tx.Now(), c.ID, c.OrganisationID).Scan(&matched).Error; err != nil {
			return err
		}
		res.Matched = len(matched)
		seen := map[string]bool{}
		for _, e := range emails {
			seen[e] = true
		}
		res.Unknown = len(seen) - res.Matched
		ids := make([]int64, len(matched))
		for i, m := range matched {
			ids[i] = m.ID
		}
		// Each batch with sent e-mails to these persons gets one new chunk
		// for their print letters.
		var batches []struct {
			BatchID int64
			Chunks  int
		}
		if err := tx.DB.Raw(`SELECT id AS batch_id, chunks FROM letter_batches
			WHERE id IN (SELECT batch_id FROM letters WHERE person_id = ANY(?) AND channel = 'email' AND state = 'sent') ORDER BY id FOR UPDATE`, pq.Array(ids)).Scan(&batches).Error; err != nil {
			return err
		}
		for _, b := range batches {
			var moved []struct{ Printable bool }
			if err := tx.DB.Raw(`UPDATE letters SET bounced_at = ?, last_error = p.bounce_reason, fallback = p.address <> '',
					channel = CASE WHEN p.address <> '' THEN 'print' ELSE 'email' END,
					state = CASE WHEN p.address <> '' THEN 'pending' ELSE 'failed' END,
					chunk = CASE WHEN p.address <> '' THEN ? ELSE letters.chunk END
				FROM people p WHERE letters.batch_id = ? AND letters.person_id = ANY(?) AND p.id = letters.person_id
					AND letters.channel = 'email' AND letters.state = 'sent'
				RETURNING p.address <> '' AS printable`, tx.Now(), b.Chunks, b.BatchID, pq.Array(ids)).Scan(&moved).Error; err != nil {
				return err
			}
			printable := 0
			for _, m := range moved {
				if m.Printable {
					printable++
				}
			}
			res.Reprinted += printable
			res.Unreachable += len(moved) - printable
			if printable == 0 {
				continue
			}
			if err := tx.DB.Exec(`UPDATE letter_batches SET chunks = chunks + 1, status = 'running', finished_at = NULL WHERE id = ?`, b.BatchID).Error; err != nil {
				return err
			}
			if _, err := tx.Enqueue(ctx, jobs.LetterChunk{BatchID: b.BatchID, Chunk: b.Chunks}, nil); err != nil {
				return err
			}
		}
		if err := timeline.Record(ctx, tx, c.OrganisationID, c.ID, "letters.bounces", "timeline.letters_bounces",
			res.Received, res.Matched, res.Reprinted, res.Unreachable); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: c.OrganisationID, Action: "letters.bounces", TargetType: "case",
			TargetID: fmt.Sprint(c.ID), Details: map[string]any{"received": res.Received, "matched": res.Matched, "reprinted": res.Reprinted, "unreachable": res.Unreachable}})
	})
	return res, err
}
