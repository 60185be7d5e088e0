package letters_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
	"github.com/breachdesk/breachdesk/app/store"
)

// A batch of 1,000 e-mails through a real SMTP server arrives once each;
// persons without an e-mail address get a printed letter instead.
func TestEmailBatchOfAThousandArrivesOnceEach(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addPeople(1040, 26) // 40 of them have no e-mail address
	srv := mailtest.New(t)
	svc := e.service(srv, letters.Options{})
	e.work(svc)
	b, err := svc.Create(context.Background(), &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail, Selection: letters.SelectAll})
	if err != nil {
		t.Fatal(err)
	}
	if b.Total != 1040 || b.Chunks != 6 {
		t.Fatalf("batch: %d letters in %d chunks", b.Total, b.Chunks)
	}
	c := e.waitDone(svc, b.ID, 2*time.Minute)
	if c.Sent != 1000 || c.Printed != 40 || c.Fallback != 40 || c.Failed != 0 || c.Pending != 0 || c.Total != 1040 {
		t.Fatalf("counts: %+v", c)
	}
	msgs := srv.Messages()
	if len(msgs) != 1000 {
		t.Fatalf("server received %d messages, want 1000", len(msgs))
	}
	perRecipient := map[string]int{}
	for _, m := range msgs {
		for _, to := range m.To {
			perRecipient[to]++
		}
	}
	for to, n := range perRecipient {
		if n != 1 {
			t.Errorf("%s received %d messages", to, n)
		}
	}
	if len(perRecipient) != 1000 {
		t.Fatalf("%d distinct recipients", len(perRecipient))
	}
	for id, n := range srv.CountByMessageID() {
		if n != 1 {
			t.Errorf("Message-ID %s accepted %d times", id, n)
		}
	}
	// The message is the approved letter, addressed to the person.
	m := msgs[0]
	if !strings.Contains(m.Subject, "お詫びとお知らせ") {
		t.Errorf("subject %q", m.Subject)
	}
	body := decodeBody(t, m.Raw)
	for _, want := range []string{"様", "決済画面が改ざんされ", "お問い合わせ番号", "お客様窓口 0120-000-000"} {
		if !strings.Contains(body, want) {
			t.Errorf("e-mail body lacks %q:\n%s", want, body)
		}
	}
	// The customer e-mail template's frame: the person by name, the
	// letter from its title, the letter's reference last.
	name, ref := e.letterOf(t, m.To[0])
	if text := strings.ReplaceAll(body, "\r\n", "\n"); !strings.HasPrefix(text, name+" 様\n\n個人情報漏えいに関するお詫びとお知らせ\n") ||
		!strings.HasSuffix(text, "\nお問い合わせ番号: "+ref+"\n") {
		t.Errorf("e-mail to %s (%s) is not framed by the template:\n%s", name, ref, body)
	}
	if n := e.count(`SELECT count(*) FROM people WHERE case_id = ? AND notified_email_at IS NOT NULL AND email_status = 'sent'`, e.caseID); n != 1000 {
		t.Errorf("%d persons marked e-mailed", n)
	}
	// The 40 without e-mail are in print files, each by name.
	files, err := svc.Files(context.Background(), &e.owner, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	printed := 0
	for _, f := range files {
		full, err := svc.FilePDF(context.Background(), &e.owner, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		printed += f.Letters
		text.WriteString(apptest.PDFText(t, full.PDF))
	}
	if printed != 40 {
		t.Fatalf("%d letters in print files", printed)
	}
	for i := 26; i <= 1040; i += 26 {
		if !strings.Contains(text.String(), fmt.Sprintf("山田 太郎%d 様", i)) {
			t.Errorf("print files lack person %d", i)
		}
	}
}

// Two worker processes (two services, each with its own River client)
// sending one batch keep to the rate together: 40 e-mails at 50/s are
// spread over at least 39 × 20 ms. A limit per process would let each
// send its share at once.
func TestTwoWorkersKeepTheSMTPRateTogether(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addPeople(40, 0)
	srv := mailtest.New(t)
	opts := letters.Options{Rate: 50, EmailChunk: 10}
	first, second := e.service(srv, opts), e.service(srv, opts)
	e.work(first)
	e.work(second)
	b, err := first.Create(context.Background(), &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail})
	if err != nil {
		t.Fatal(err)
	}
	if c := e.waitDone(first, b.ID, time.Minute); c.Sent != 40 {
		t.Fatalf("counts: %+v", c)
	}
	var spread float64
	if err := e.st.DB.Raw(`SELECT extract(epoch FROM max(sent_at) - min(sent_at)) FROM letters WHERE batch_id = ?`, b.ID).Scan(&spread).Error; err != nil {
		t.Fatal(err)
	}
	// Send times are reserved exactly 20 ms apart; sent_at is taken after
	// the server's answer, so it can only add to the spread, bar the
	// first message's own round trip.
	if want := 39 * 0.020 * 0.9; spread < want {
		t.Errorf("40 e-mails at 50/s sent within %.3f s, want at least %.3f s", spread, want)
	}
	if got := len(srv.Messages()); got != 40 {
		t.Fatalf("server accepted %d, want 40", got)
	}
}

// A server that answers 451 for a while gets every letter after River's
// retries; nothing is counted as failed meanwhile.
func TestThrottlingServerGetsEverythingAfterRetries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addPeople(60, 0)
	srv := mailtest.New(t)
	srv.FailTemporarilyFor(1500 * time.Millisecond)
	svc := e.service(srv, letters.Options{EmailChunk: 20})
	e.work(svc)
	b, err := svc.Create(context.Background(), &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail})
	if err != nil {
		t.Fatal(err)
	}
	// While throttled, letters stay pending with the reason; none failed.
	waited := clock.Start()
	for e.count(`SELECT count(*) FROM letters WHERE batch_id = ? AND last_error LIKE 'temporary:%'`, b.ID) == 0 {
		if waited.Elapsed() > 30*time.Second {
			t.Fatal("no temporary failure recorded")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := e.count(`SELECT count(*) FROM letters WHERE batch_id = ? AND state <> 'pending' AND state <> 'sent'`, b.ID); n != 0 {
		t.Fatalf("%d letters left pending/sent while throttled", n)
	}
	c := e.waitDone(svc, b.ID, time.Minute)
	if c.Sent != 60 || c.Failed != 0 || c.Fallback != 0 {
		t.Fatalf("counts: %+v", c)
	}
	if got := len(srv.Messages()); got != 60 {
		t.Fatalf("server accepted %d, want 60", got)
	}
	if n := e.count(`SELECT count(*) FROM letters WHERE batch_id = ? AND attempts > 1`, b.ID); n == 0 {
		t.Error("no letter needed a second attempt; the throttle was not exercised")
	}
}

// A 5xx refusal marks the person failed with the reason and the letter
// goes to print; without a postal address it is failed.
func TestPermanentRefusalFallsBackToPrint(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addPeople(5, 0)
	e.st.DB.Exec(`UPDATE people SET address = '' WHERE email = 'user5@example.jp'`)
	srv := mailtest.New(t)
	srv.RejectRecipient("user2@example.jp")
	srv.RejectRecipient("user5@example.jp")
	svc := e.service(srv, letters.Options{})
	e.work(svc)
	b, err := svc.Create(context.Background(), &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail})
	if err != nil {
		t.Fatal(err)
	}
	c := e.waitDone(svc, b.ID, time.Minute)
	if c.Sent != 3 || c.Printed != 1 || c.Fallback != 1 || c.Failed != 1 {
		t.Fatalf("counts: %+v", c)
	}
	var status, why string
	e.st.DB.Raw(`SELECT email_status, bounce_reason FROM people WHERE email = 'user2@example.jp'`).Row().Scan(&status, &why)
	if status != letters.EmailFailed || !strings.Contains(why, "550") {
		t.Errorf("person 2: status %q reason %q", status, why)
	}
	probs, err := svc.Problems(context.Background(), &e.owner, b.ID, 10)
	if err != nil || len(probs) != 2 {
		t.Fatalf("problems %v %v", probs, err)
	}
	files, _ := svc.Files(context.Background(), &e.owner, b.ID)
	if len(files) != 1 || files[0].Letters != 1 {
		t.Fatalf("files %+v", files)
	}
	f, _ := svc.FilePDF(context.Background(), &e.owner, files[0].ID)
	if text := apptest.PDFText(t, f.PDF); !strings.Contains(text, "山田 太郎2 様") {
		t.Errorf("fallback letter lacks the person:\n%s", text)
	}
}

// An English letter goes out as an English e-mail: the English customer
// e-mail template addresses the person and quotes the reference.
func TestEnglishLetterGoesOutAsAnEnglishEmail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addPeople(3, 0)
	letter := e.approvedLetter("en", map[string]string{"summary": "Our checkout page was tampered with."})
	srv := mailtest.New(t)
	svc := e.service(srv, letters.Options{})
	e.work(svc)
	b, err := svc.Create(context.Background(), &e.owner, e.caseID, letters.NewBatch{DocumentID: letter, Channel: letters.ChannelEmail})
	if err != nil {
		t.Fatal(err)
	}
	if c := e.waitDone(svc, b.ID, time.Minute); c.Sent != 3 {
		t.Fatalf("counts: %+v", c)
	}
	msgs := srv.Messages()
	if len(msgs) != 3 {
		t.Fatalf("server received %d messages, want 3", len(msgs))
	}
	for _, m := range msgs {
		if m.Subject != "Notice of a Data Breach" {
			t.Errorf("subject %q", m.Subject)
		}
		name, ref := e.letterOf(t, m.To[0])
		body := strings.ReplaceAll(decodeBody(t, m.Raw), "\r\n", "\n")
		if !strings.HasPrefix(body, "Dear "+name+",\n\nNotice of a Data Breach\n") || !strings.HasSuffix(body, "\nReference: "+ref+"\n") ||
			!strings.Contains(body, "Our checkout page was tampered with.") || strings.Contains(body, name+" 様") || strings.Contains(body, "お問い合わせ番号") {
			t.Errorf("e-mail to %s (%s):\n%s", name, ref, body)
		}
	}
}

// letterOf returns the name of the person with this e-mail address and
// the reference of the letter sent to them (a single batch).
func (e *env) letterOf(t *testing.T, email string) (name, ref string) {
	t.Helper()
	var r struct {
		Name      string
		Reference string
	}
	if err := e.st.DB.Raw(`SELECT p.name, c.reference || '-L' || l.id AS reference FROM letters l JOIN people p ON p.id = l.person_id
		JOIN cases c ON c.id = p.case_id WHERE p.email = ? AND p.case_id = ?`, email, e.caseID).Scan(&r).Error; err != nil || r.Name == "" {
		t.Fatalf("letter to %s: %+v %v", email, r, err)
	}
	return r.Name, r.Reference
}

// Print batches: many letters per file, each starting on its own page
// with the address block and page numbers counted per letter.
func TestPrintBatchMakesFilesOfLetters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addPeople(25, 0)
	e.st.DB.Exec(`UPDATE people SET address = '' WHERE name = '山田 太郎25'`)
	svc := e.service(nil, letters.Options{PrintChunk: 10})
	e.work(svc)
	b, err := svc.Create(context.Background(), &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelPrint, Selection: letters.SelectAll})
	if err != nil {
		t.Fatal(err)
	}
	c := e.waitDone(svc, b.ID, time.Minute)
	if c.Printed != 24 || c.NoAddress != 1 || c.Sent != 0 {
		t.Fatalf("counts %+v", c)
	}
	files, _ := svc.Files(context.Background(), &e.owner, b.ID)
	if len(files) != 3 || files[0].Letters != 10 || files[2].Letters != 4 {
		t.Fatalf("files %+v", files)
	}
	f, err := svc.FilePDF(context.Background(), &e.owner, files[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	text := apptest.PDFText(t, f.PDF)
	pages := strings.Split(text, "\f")
	starts := 0
	for _, pg := range pages {
		if strings.Contains(pg, "〒100-0005") {
			starts++
			if !strings.Contains(pg, "1 / ") {
				t.Errorf("a letter's first page is not numbered 1:\n%s", pg)
			}
		}
	}
	if starts != 10 {
		t.Errorf("%d letters start in the first file, want 10", starts)
	}
	if !strings.Contains(text, "お問い合わせ番号") || strings.Contains(text, "下書き") {
		t.Error("letters lack their reference or carry the draft mark")
	}
	// Posting marks the persons notified by letter.
	if f, err := svc.MarkPosted(context.Background(), &e.owner, files[0].ID); err != nil || f.BatchID != files[0].BatchID {
		t.Fatalf("mark posted: file %+v, %v", f, err)
	}
	if n := e.count(`SELECT count(*) FROM people WHERE case_id = ? AND notified_letter_at IS NOT NULL`, e.caseID); n != 10 {
		t.Errorf("%d persons notified by letter after posting one file", n)
	}
	// A second batch of the not-yet-notified leaves those ten out.
	b2, err := svc.Create(context.Background(), &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelPrint})
	if err != nil {
		t.Fatal(err)
	}
	if b2.Total != 15 {
		t.Errorf("not-notified batch has %d letters, want 15", b2.Total)
	}
}

// Bounced e-mails move their letters to a new print chunk.
func TestBouncesMoveLettersToPrint(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addPeople(6, 0)
	e.st.DB.Exec(`UPDATE people SET address = '' WHERE email = 'user6@example.jp'`)
	srv := mailtest.New(t)
	svc := e.service(srv, letters.Options{})
	e.work(svc)
	ctx := context.Background()
	b, err := svc.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail})
	if err != nil {
		t.Fatal(err)
	}
	e.waitDone(svc, b.ID, time.Minute)
	list, err := letters.ParseBounces(strings.NewReader("Recipient,Diagnostic-Code\nUSER3@example.jp,550 5.1.1 mailbox unknown 4111 1111 1111 1111\nuser6@example.jp,552 full\nnobody@example.jp,550\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := svc.RecordBounces(ctx, &e.owner, e.caseID, list)
	if err != nil {
		t.Fatal(err)
	}
	if res.Matched != 2 || res.Unknown != 1 || res.Reprinted != 1 || res.Unreachable != 1 {
		t.Fatalf("result %+v", res)
	}
	c := e.waitDone(svc, b.ID, time.Minute)
	if c.Sent != 4 || c.Printed != 1 || c.Failed != 1 || c.Bounced != 2 {
		t.Fatalf("counts %+v", c)
	}
	var reason string
	e.st.DB.Raw(`SELECT bounce_reason FROM people WHERE email = 'user3@example.jp'`).Scan(&reason)
	if strings.Contains(reason, "4111 1111 1111 1111") || !strings.Contains(reason, "1111") {
		t.Errorf("bounce reason not masked: %q", reason)
	}
	// Bad bounce lists name the line.
	_, err = letters.ParseBounces(strings.NewReader("email\nok@example.jp\nnot-an-address\n"))
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) || ve.For("file") != "validation.bounces_line_email" || ve.Fields[0].Args[0] != 3 {
		t.Errorf("bad line not named: %v", err)
	}
}

// On the last attempt, letters still refused temporarily are given up to
// print instead of staying pending forever.
func TestLastAttemptGivesUpToPrint(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addPeople(3, 0)
	srv := mailtest.New(t)
	srv.FailTemporarilyFor(time.Hour)
	svc := e.service(srv, letters.Options{})
	ctx := context.Background()
	b, err := svc.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.RunChunk(ctx, b.ID, 0, false); err == nil {
		t.Fatal("a throttled chunk returned no error: River would not retry it")
	}
	if _, c, _ := svc.Progress(ctx, &e.owner, b.ID); c.Pending != 3 {
		t.Fatalf("after a temporary failure: %+v", c)
	}
	if err := svc.RunChunk(ctx, b.ID, 0, true); err != nil {
		t.Fatal(err)
	}
	_, c, _ := svc.Progress(ctx, &e.owner, b.ID)
	if c.Printed != 3 || c.Fallback != 3 || c.Pending != 0 {
		t.Fatalf("after the last attempt: %+v", c)
	}
}

func TestCreateValidatesAndKeepsTenants(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	svc := e.service(mailtest.New(t), letters.Options{})
	ctx := context.Background()
	field := func(err error, name string) {
		t.Helper()
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) || ve.For(name) == "" {
			t.Errorf("want an error on %s, got %v", name, err)
		}
	}
	_, err := svc.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail})
	field(err, "selection") // no persons yet
	e.addPeople(3, 0)
	draft, err := e.drafts.Generate(ctx, &e.owner, e.caseID, "customer_letter_sample", "en", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: draft.ID, Channel: letters.ChannelEmail})
	field(err, "document_id")
	_, err = svc.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: "fax", Selection: "search"})
	field(err, "channel")
	field(err, "search")
	if _, err := svc.Create(ctx, &e.other, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail}); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation's case: %v", err)
	}
	b, err := svc.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelPrint, Selection: letters.SelectSearch, Search: "太郎2"})
	if err != nil || b.Total != 1 {
		t.Fatalf("search batch: %+v %v", b, err)
	}
	if _, err := svc.Get(ctx, &e.other, b.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation's batch: %v", err)
	}
	// One letter per (batch, person), whatever happens.
	if err := e.st.DB.Exec(`INSERT INTO letters (organisation_id, batch_id, person_id, chunk, channel) SELECT organisation_id, batch_id, person_id, 0, 'print' FROM letters WHERE batch_id = ?`, b.ID).Error; err == nil {
		t.Error("a second letter for the same person and batch was accepted")
	}
}

// A person has one letter in flight across batches and channels: a
// "not notified" print batch started while an e-mail batch still holds
// some persons pending leaves them out (they got both before), and the
// database refuses a second pending letter for a person whatever the
// code does. An e-mail batch on a server without SMTP is refused before
// it starts instead of waiting for hours.
func TestOneLetterInFlightPerPerson(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.addPeople(12, 0)
	withMail := e.service(mailtest.New(t), letters.Options{}) // no workers: its letters stay pending
	first, err := withMail.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail,
		Selection: letters.SelectSearch, Search: "太郎1"}) // 太郎1, 太郎10, 太郎11, 太郎12
	if err != nil || first.Total != 4 {
		t.Fatalf("e-mail batch: %+v %v", first, err)
	}
	second, err := withMail.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelPrint, Selection: letters.SelectNotNotified})
	if err != nil || second.Total != 8 {
		t.Fatalf("print batch of the not notified: %+v %v, want the 8 persons without a letter in flight", second, err)
	}
	if n := e.count(`SELECT count(*) FROM (SELECT person_id FROM letters WHERE state = 'pending' GROUP BY person_id HAVING count(*) > 1) x`); n != 0 {
		t.Fatalf("%d persons have two letters in flight", n)
	}
	if _, err := withMail.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelPrint, Selection: letters.SelectAll}); err == nil {
		t.Fatal("a batch of persons who all have a letter in flight was started")
	}
	err = e.st.DB.Exec(`INSERT INTO letters (organisation_id, batch_id, person_id, chunk, channel, state)
		SELECT organisation_id, ?, person_id, 0, 'print', 'pending' FROM letters WHERE batch_id = ? LIMIT 1`, second.ID, first.ID).Error
	if !store.IsUniqueViolation(err) {
		t.Fatalf("a second pending letter for a person: %v, want a unique violation", err)
	}

	noMail := e.service(nil, letters.Options{})
	if noMail.EmailOn() {
		t.Fatal("a service without a dialer says e-mail is on")
	}
	_, err = noMail.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail, Selection: letters.SelectAll})
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) || ve.For("channel") != "validation.email_off" {
		t.Fatalf("an e-mail batch without SMTP: %v, want refused on channel", err)
	}
}
