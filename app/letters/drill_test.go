package letters_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
)

// A drill writes to nobody: a batch to its persons, by e-mail or on
// paper, is refused with a conflict that says why, no letter or job is
// made, and the SMTP server receives nothing, though workers run and a
// real case's batch from the same service does arrive. The database
// refuses a drill's batch even from a path that forgets to ask.
func TestDrillSendsNoLettersToPersons(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := mailtest.New(t)
	svc := e.service(srv, letters.Options{})
	ctx := context.Background()
	d, err := e.cases.Create(ctx, &e.owner, cases.NewCase{Title: "訓練: 決済画面の改ざん", AwareAt: e.clk.Now().Add(-24 * time.Hour), IncidentType: "card_skimming",
		Drill: true, DrillSpeed: 60})
	if err != nil {
		t.Fatal(err)
	}
	realCase := e.caseID
	e.caseID = d.Case.ID
	drillLetter := e.approvedLetter("ja", map[string]string{"summary": "訓練用の文面です。"})
	e.addPeople(3, 0)
	e.work(svc) // after the letter's render, which the workers would race

	for _, channel := range []string{letters.ChannelEmail, letters.ChannelPrint} {
		_, err := svc.Create(ctx, &e.owner, d.Case.ID, letters.NewBatch{DocumentID: drillLetter, Channel: channel})
		var ae *apperr.Error
		if !errors.As(err, &ae) || !errors.Is(err, apperr.ErrConflict) || ae.Code != "conflict.drill_no_letters" {
			t.Fatalf("%s batch in a drill: %v, want conflict.drill_no_letters", channel, err)
		}
	}
	if n := e.count(`SELECT count(*) FROM letters l JOIN letter_batches b ON b.id = l.batch_id WHERE b.case_id = ?`, d.Case.ID); n != 0 {
		t.Fatalf("the drill has %d letters", n)
	}
	if err := e.st.DB.Exec(`INSERT INTO letter_batches (organisation_id, case_id, document_id, lang, channel, selection, chunk_size, status)
		VALUES (?, ?, ?, 'ja', 'email', 'all', 10, 'running')`, e.owner.OrgID(), d.Case.ID, drillLetter).Error; err == nil || !strings.Contains(err.Error(), "drill") {
		t.Fatalf("the database took a letter batch of a drill: %v", err)
	}

	// The control: the real case's persons get their e-mail from the same
	// service and workers, so the drill's silence is not a broken sender.
	e.caseID = realCase
	e.addPeople(1, 0)
	b, err := svc.Create(ctx, &e.owner, realCase, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail})
	if err != nil {
		t.Fatal(err)
	}
	e.waitDone(svc, b.ID, 20*time.Second)
	got := srv.WaitFor(1, 10*time.Second)
	if len(got) != 1 {
		t.Fatalf("SMTP server received %d messages, want only the real case's one", len(got))
	}
	for _, m := range got {
		for _, to := range m.To {
			if to != "user1@example.jp" {
				t.Errorf("mail to %s", to)
			}
		}
	}
	if e.count(`SELECT count(*) FROM letters l JOIN people p ON p.id = l.person_id WHERE p.case_id = ?`, d.Case.ID) != 0 {
		t.Error("a drill person has a letter")
	}
}
