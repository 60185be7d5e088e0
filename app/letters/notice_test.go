package letters_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
)

const noticeRule = "jp.appi.individual_notice"

// assessNotice saves facts under which the case owes notice to the
// affected persons and returns that obligation, open.
func (e *env) assessNotice() assessment.Obligation {
	e.t.Helper()
	ctx := context.Background()
	f, err := assessment.ParseFacts([]byte(`{"data_items":["card_number","card_expiry","security_code","name"],"persons_affected":40,
		"residents":{"JP":40},"sensitive":false,"high_level_encryption":false,"entrusted_processor":false,"card_brands":["visa"],
		"data_being_entered":false,"unauthorized_purpose":true}`))
	if err != nil {
		e.t.Fatal(err)
	}
	if _, _, err := e.as.Save(ctx, &e.owner, e.caseID, f, "skimming confirmed"); err != nil {
		e.t.Fatal(err)
	}
	o := e.notice()
	if !o.Open() {
		e.t.Fatalf("the individual notice is not open after the assessment: %+v", o)
	}
	return o
}

// notice reads the case's individual-notice obligation as it is now.
func (e *env) notice() assessment.Obligation {
	e.t.Helper()
	obs, err := e.as.Obligations(context.Background(), &e.owner, e.caseID)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, o := range obs {
		if o.RuleID == noticeRule {
			return o
		}
	}
	e.t.Fatalf("the case has no %s obligation", noticeRule)
	return assessment.Obligation{}
}

// lastNotified is when the last person of the case was first notified.
func (e *env) lastNotified() time.Time {
	e.t.Helper()
	var at *time.Time
	if err := e.st.DB.Raw(`SELECT max(LEAST(notified_email_at, notified_letter_at)) FROM people WHERE case_id = ?`, e.caseID).Scan(&at).Error; err != nil || at == nil {
		e.t.Fatalf("no person notified: %v", err)
	}
	return *at
}

// While the SMTP server refuses temporarily, the batch says why it stands
// still: how many e-mails wait, the server's reason, the attempts so far
// and, once River has scheduled the retry, when it is due. Nothing is
// made up: a chunk run outside River has no retry scheduled.
func TestRetryStateWhileTheServerRefuses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addPeople(6, 0)
	srv := mailtest.New(t)
	srv.FailTemporarilyFor(time.Hour)
	svc := e.service(srv, letters.Options{EmailChunk: 3})
	ctx := context.Background()
	b, err := svc.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := svc.RetryState(ctx, &e.owner, b.ID); err != nil || r != (letters.Retry{}) {
		t.Fatalf("before any attempt: %+v %v, want nothing waiting", r, err)
	}
	if err := svc.RunChunk(ctx, b.ID, 0, false); err == nil {
		t.Fatal("a refused chunk returned no error")
	}
	r, err := svc.RetryState(ctx, &e.owner, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Waiting != 3 || r.Attempts != 1 || !strings.HasPrefix(r.LastError, "temporary: ") || !strings.Contains(r.LastError, "451") ||
		r.MaxAttempts != 25 || r.NextAttemptAt != nil {
		t.Fatalf("after one refused attempt outside River: %+v, want 3 waiting, 1 attempt of 25, the 451, no next attempt", r)
	}
	if _, err := svc.RetryState(ctx, &e.other, b.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("another organisation's batch: %v", err)
	}

	// River works both chunks and schedules their retries.
	e.work(svc)
	waited := clock.Start()
	for {
		if r, err = svc.RetryState(ctx, &e.owner, b.ID); err != nil {
			t.Fatal(err)
		}
		if r.Waiting == 6 && r.Attempts >= 2 && r.NextAttemptAt != nil {
			break
		}
		if waited.Elapsed() > 30*time.Second {
			t.Fatalf("no retry scheduled by River: %+v", r)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if now := e.clk.Now(); r.NextAttemptAt.Before(now.Add(-time.Minute)) || r.NextAttemptAt.After(now.Add(time.Hour)) {
		t.Errorf("next attempt at %s, now %s", r.NextAttemptAt, now)
	}
	if !strings.Contains(r.LastError, "451") || r.MaxAttempts != 25 {
		t.Errorf("retry state %+v", r)
	}
	if _, c, _ := svc.Progress(ctx, &e.owner, b.ID); c.Pending != 6 || c.Failed != 0 || c.Fallback != 0 {
		t.Fatalf("while refused: %+v", c)
	}
}

// An e-mail batch that reaches every person of the case submits the
// individual notice as of the last e-mail, in the transaction that
// finishes the batch, with the system as the decider: reminders stop,
// and the timeline and audit log say so.
func TestEmailingEveryoneSubmitsTheNotice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addPeople(8, 0)
	before := e.assessNotice()
	srv := mailtest.New(t)
	svc := e.service(srv, letters.Options{EmailChunk: 3})
	e.work(svc)
	ctx := context.Background()
	b, err := svc.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail})
	if err != nil {
		t.Fatal(err)
	}
	if c := e.waitDone(svc, b.ID, time.Minute); c.Sent != 8 {
		t.Fatalf("counts %+v", c)
	}
	o := e.notice()
	if o.Status != assessment.StatusSubmitted || o.SubmittedAt == nil || !strings.HasPrefix(o.RecipientReference, "letters") || o.DecidedBy != nil {
		t.Fatalf("after e-mailing everyone: %s at %v, reference %q, decided by %v", o.Status, o.SubmittedAt, o.RecipientReference, o.DecidedBy)
	}
	if last := e.lastNotified(); !o.SubmittedAt.Equal(last) {
		t.Errorf("submitted at %s, the last e-mail was accepted at %s", o.SubmittedAt, last)
	}
	if n := e.count(`SELECT count(*) FROM reminders WHERE obligation_id = ? AND state = 'scheduled'`, before.ID); n != 0 {
		t.Errorf("%d reminders still scheduled for the submitted notice", n)
	}
	if n := e.count(`SELECT count(*) FROM timeline_entries WHERE case_id = ? AND action = 'obligation.submit'`, e.caseID); n != 1 {
		t.Errorf("%d timeline entries for the submission, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'obligation.submit' AND target_id = ?`, fmt.Sprint(before.ID)); n != 1 {
		t.Errorf("%d audit rows for the submission, want 1", n)
	}
}

// Letters to some of the persons leave the notice open; the print file
// whose posting notifies the last of them submits it, as of the posting.
// Two files posted at once still see each other's persons.
func TestPostingTheLastLettersSubmitsTheNotice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addPeople(12, 0)
	e.assessNotice()
	ctx := context.Background()
	srv := mailtest.New(t)
	svc := e.service(srv, letters.Options{PrintChunk: 4})
	first, err := svc.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail,
		Selection: letters.SelectSearch, Search: "太郎1"}) // 太郎1, 太郎10, 太郎11, 太郎12
	if err != nil || first.Total != 4 {
		t.Fatalf("e-mail batch: %+v %v", first, err)
	}
	if err := svc.RunChunk(ctx, first.ID, 0, false); err != nil {
		t.Fatal(err)
	}
	if b, _ := svc.Get(ctx, &e.owner, first.ID); b.Status != "done" {
		t.Fatalf("e-mail batch %s", b.Status)
	}
	if o := e.notice(); !o.Open() {
		t.Fatalf("the notice is %s with 8 of 12 persons not notified", o.Status)
	}

	second, err := svc.Create(ctx, &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelPrint})
	if err != nil || second.Total != 8 || second.Chunks != 2 {
		t.Fatalf("print batch of the rest: %+v %v", second, err)
	}
	for chunk := range second.Chunks {
		if err := svc.RunChunk(ctx, second.ID, chunk, false); err != nil {
			t.Fatal(err)
		}
	}
	if o := e.notice(); !o.Open() {
		t.Fatalf("the notice is %s with letters printed but not posted", o.Status)
	}
	files, err := svc.Files(ctx, &e.owner, second.ID)
	if err != nil || len(files) != 2 {
		t.Fatalf("files %+v %v", files, err)
	}
	e.clk.Advance(time.Hour) // posted later than the e-mails went out
	var wg sync.WaitGroup
	errs := make([]error, len(files))
	for i, f := range files {
		wg.Go(func() { _, errs[i] = svc.MarkPosted(ctx, &e.owner, f.ID) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	o := e.notice()
	if o.Status != assessment.StatusSubmitted || o.SubmittedAt == nil {
		t.Fatalf("after posting the last letters: %s", o.Status)
	}
	if last := e.lastNotified(); !o.SubmittedAt.Equal(last) {
		t.Errorf("submitted at %s, the last letter was posted at %s", o.SubmittedAt, last)
	}
	var emailed time.Time
	e.st.DB.Raw(`SELECT max(notified_email_at) FROM people WHERE case_id = ?`, e.caseID).Scan(&emailed)
	if !o.SubmittedAt.After(emailed) {
		t.Errorf("submitted at %s, not after the e-mails (%s)", o.SubmittedAt, emailed)
	}
	// Posting again, or another batch finishing, changes nothing.
	at := *o.SubmittedAt
	if _, err := svc.MarkPosted(ctx, &e.owner, files[0].ID); err != nil {
		t.Fatal(err)
	}
	if o := e.notice(); !o.SubmittedAt.Equal(at) {
		t.Errorf("submission moved from %s to %s", at, o.SubmittedAt)
	}
}
