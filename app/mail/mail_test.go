package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
)

func TestSendJapaneseWithAttachment(t *testing.T) {
	t.Parallel()
	srv := mailtest.New(t)
	s, err := mail.NewSMTP(srv.URL, "BreachDesk <noreply@shop.example>")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), mail.Message{To: "customer@example.com", Subject: "【重要】個人情報漏えいに関するお詫び", Text: "お客様各位\n本文です。",
		Key: "letter/1/1", Attachments: []mail.Attachment{{Name: "letter.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 test")}}})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(1, 5*time.Second)
	if len(got) != 1 || got[0].Subject != "【重要】個人情報漏えいに関するお詫び" || got[0].To[0] != "customer@example.com" {
		t.Fatalf("received %+v", got)
	}
	if !strings.HasPrefix(got[0].Header.Get("Message-Id"), "<letter.") || !strings.Contains(string(got[0].Raw), "letter.pdf") {
		t.Fatal("message id or attachment missing")
	}
}

func TestTemporaryAndPermanentFailures(t *testing.T) {
	t.Parallel()
	srv := mailtest.New(t)
	s, _ := mail.NewSMTP(srv.URL, "noreply@shop.example")
	srv.FailTemporarily(1)
	err := s.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "x", Text: "x"})
	if !mail.IsTemporary(err) {
		t.Fatalf("451 should be temporary: %v", err)
	}
	srv.RejectRecipient("gone@example.com")
	err = s.Send(context.Background(), mail.Message{To: "gone@example.com", Subject: "x", Text: "x"})
	if err == nil || mail.IsTemporary(err) {
		t.Fatalf("550 should be permanent: %v", err)
	}
	if err := s.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "x", Text: "x"}); err != nil {
		t.Fatalf("after the temporary failure: %v", err)
	}
	unconfigured, _ := mail.NewSMTP("", "x@y")
	if err := unconfigured.Send(context.Background(), mail.Message{To: "a@example.com"}); err == nil {
		t.Fatal("unconfigured sender must fail")
	}
}
