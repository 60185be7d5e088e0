package letters_test

import (
	"context"
	"net"
	"os"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
)

// The SMTP server is down when the batch starts (nothing listens): letters
// stay pending, none is counted failed, and once the server is up the
// retries deliver every letter exactly once. `make faulttest` repeats it
// with the server down for minutes (FAULT_SMTP_DOWN, a duration); by
// default it stays down for two retries.
func TestFaultSMTPDownThenUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addPeople(120, 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // down: connections are refused
	d, err := mail.NewSMTP("smtp://"+addr, "notice@shop.example")
	if err != nil {
		t.Fatal(err)
	}
	svc := letters.NewService(e.st, e.clk, e.cases, e.as, letters.Options{Renderer: e.renderer, Dialer: d, EmailChunk: 40})
	e.work(svc)
	b, err := svc.Create(context.Background(), &e.owner, e.caseID, letters.NewBatch{DocumentID: e.letterID, Channel: letters.ChannelEmail})
	if err != nil {
		t.Fatal(err)
	}
	began := clock.Start()
	waited := clock.Start()
	for e.count(`SELECT count(*) FROM letters WHERE batch_id = ? AND attempts >= 2`, b.ID) < 120 {
		if waited.Elapsed() > 10*time.Second {
			t.Fatal("the worker did not retry against the down server")
		}
		time.Sleep(50 * time.Millisecond)
	}
	downFor, _ := time.ParseDuration(os.Getenv("FAULT_SMTP_DOWN"))
	for start := clock.Start(); ; time.Sleep(time.Second) {
		if n := e.count(`SELECT count(*) FROM letters WHERE batch_id = ? AND state <> 'pending'`, b.ID); n != 0 {
			t.Fatalf("%d letters left the pending state while the server was down", n)
		}
		if start.Elapsed() >= downFor {
			break
		}
	}
	t.Logf("SMTP server down for %s; letters retried up to %d times", began.Elapsed().Round(time.Second),
		e.count(`SELECT max(attempts) FROM letters WHERE batch_id = ?`, b.ID))
	srv := mailtest.NewAt(t, addr) // up again
	c := e.waitDone(svc, b.ID, 2*time.Minute)
	if c.Sent != 120 || c.Failed != 0 || c.Fallback != 0 {
		t.Fatalf("counts: %+v", c)
	}
	if got := len(srv.Messages()); got != 120 {
		t.Fatalf("server accepted %d, want 120", got)
	}
	for id, n := range srv.CountByMessageID() {
		if n != 1 {
			t.Errorf("%s accepted %d times", id, n)
		}
	}
}
