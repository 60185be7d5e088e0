package mail_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/config"
	"github.com/breachdesk/breachdesk/app/mail"
	"github.com/breachdesk/breachdesk/app/mail/mailtest"
)

// Message-IDs are on the sender's domain, differ between messages and
// between installations, and stay the same on every attempt of one
// message (what the letters' exactly-once design relies on).
func TestMessageIDsUniqueOnSenderDomainAndStableAcrossRetries(t *testing.T) {
	t.Parallel()
	srv := mailtest.New(t)
	secret := bytes.Repeat([]byte{7}, 32)
	s, err := mail.NewSMTP(srv.URL, "Shop <noreply@Shop.Example>", mail.WithIDKey(secret))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := mail.NewSMTP(srv.URL, "Shop <noreply@shop.example>", mail.WithIDKey(bytes.Repeat([]byte{8}, 32)))
	ctx := context.Background()
	send := func(s *mail.SMTP, key string) string {
		t.Helper()
		before := len(srv.Messages())
		if err := s.Send(ctx, mail.Message{To: "a@example.com", Subject: "x", Text: "x", Key: key}); err != nil {
			t.Fatal(err)
		}
		got := srv.WaitFor(before+1, 5*time.Second)
		if len(got) != before+1 {
			t.Fatalf("message %q did not arrive", key)
		}
		return got[before].Header.Get("Message-Id")
	}
	first := send(s, "letter/1/45")
	// The retry: a temporary refusal, then the same message again.
	srv.FailTemporarily(1)
	if err := s.Send(ctx, mail.Message{To: "a@example.com", Subject: "x", Text: "x", Key: "letter/1/45"}); !mail.IsTemporary(err) {
		t.Fatalf("want a temporary refusal, got %v", err)
	}
	retry := send(s, "letter/1/45")
	next := send(s, "letter/1/46")
	notification := send(s, "notification/45")
	elsewhere := send(other, "letter/1/45")
	random1, random2 := send(s, ""), send(s, "")

	if first != retry {
		t.Errorf("a retry changed the id: %s then %s", first, retry)
	}
	all := []string{first, next, notification, elsewhere, random1, random2}
	seen := map[string]bool{}
	for _, id := range all {
		if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@shop.example>") || strings.Count(id, "@") != 1 {
			t.Errorf("id %q is not <…@shop.example>", id)
		}
		if strings.Contains(id, "/") {
			t.Errorf("id %q shows the key it came from", id)
		}
		if seen[id] {
			t.Errorf("id %q given to two different messages", id)
		}
		seen[id] = true
	}
	if !strings.HasPrefix(first, "<letter.") || !strings.HasPrefix(notification, "<notification.") {
		t.Errorf("kind prefix missing: %s, %s", first, notification)
	}
	if got := s.MessageID("letter/1/45"); "<"+got+">" != first {
		t.Errorf("MessageID(%q) = %s, the header said %s", "letter/1/45", got, first)
	}
	if _, err := mail.NewSMTP(srv.URL, "no address here"); err == nil {
		t.Error("a From without a domain must be refused at start")
	}
}

// With a DKIM key configured (through config.Load, as at start), every
// message is signed, and an independent verifier (go-msgauth) accepts
// the signature against the published key: RSA and Ed25519.
func TestDKIMSignatureVerifies(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaPub, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	for _, c := range []struct {
		name   string
		key    any
		record string
	}{
		{"rsa", rsaKey, "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(rsaPub)},
		{"ed25519", edKey, "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(edKey.Public().(ed25519.PublicKey))},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			der, err := x509.MarshalPKCS8PrivateKey(c.key)
			if err != nil {
				t.Fatal(err)
			}
			keyFile := filepath.Join(t.TempDir(), "dkim.pem")
			if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"BREACHDESK_MAIL_FROM": "個人情報窓口 <privacy@shop.example>", "BREACHDESK_DKIM_SELECTOR": "bd2026", "BREACHDESK_DKIM_KEY_FILE": keyFile}
			cfg, err := config.Load(func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if cfg.DKIM.Domain != "shop.example" || !cfg.DKIM.Enabled() {
				t.Fatalf("DKIM config: %+v", cfg.DKIM)
			}
			srv := mailtest.New(t)
			clk := clocktest.New(t)
			s, err := mail.NewSMTP(srv.URL, cfg.MailFrom, mail.WithDKIM(cfg.DKIM.Domain, cfg.DKIM.Selector, cfg.DKIM.Key, clk.Now))
			if err != nil {
				t.Fatal(err)
			}
			err = s.Send(context.Background(), mail.Message{To: "person@example.jp", Subject: "【重要】個人情報漏えいに関するお詫び", Text: "お客様各位\n\n本文です。\n",
				Key: "letter/3/9", Date: clk.Now(), Attachments: []mail.Attachment{{Name: "お詫び.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 test")}}})
			if err != nil {
				t.Fatal(err)
			}
			got := srv.WaitFor(1, 5*time.Second)
			if len(got) != 1 {
				t.Fatal("no message arrived")
			}
			var looked []string
			verify := func(raw []byte) []*dkim.Verification {
				vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: func(domain string) ([]string, error) {
					looked = append(looked, domain)
					return []string{c.record}, nil
				}})
				if err != nil {
					t.Fatal(err)
				}
				return vs
			}
			vs := verify(got[0].Raw)
			if len(vs) != 1 || vs[0].Err != nil || vs[0].Domain != "shop.example" {
				t.Fatalf("verifications %+v (err %v)", vs, vs[0].Err)
			}
			if looked[0] != "bd2026._domainkey.shop.example" {
				t.Errorf("looked up %v", looked)
			}
			signed := strings.ToLower(strings.Join(vs[0].HeaderKeys, ","))
			for _, h := range []string{"from", "subject", "message-id", "date"} {
				if !strings.Contains(signed, h) {
					t.Errorf("%s not signed (%s)", h, signed)
				}
			}
			// The check can fail: a changed subject or body breaks the signature.
			for what, tampered := range map[string][]byte{
				"subject": bytes.Replace(got[0].Raw, []byte("\nSubject:"), []byte("\nSubject: Re:"), 1),
				"body":    bytes.Replace(got[0].Raw, []byte("=E6=9C=AC"), []byte("=E6=9C=AD"), 1),
			} {
				if bytes.Equal(tampered, got[0].Raw) {
					t.Fatalf("%s: nothing tampered", what)
				}
				if vs := verify(tampered); len(vs) != 1 || vs[0].Err == nil {
					t.Errorf("a message with a changed %s still verifies", what)
				}
			}
		})
	}
}

// A DKIM key that cannot be read or is not a key stops the start,
// naming the variable.
func TestDKIMConfigErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.pem")
	os.WriteFile(junk, []byte("not a key"), 0o600)
	for name, env := range map[string]map[string]string{
		"BREACHDESK_DKIM_KEY_FILE":  {"BREACHDESK_DKIM_SELECTOR": "s1", "BREACHDESK_DKIM_KEY_FILE": filepath.Join(dir, "missing.pem")},
		"BREACHDESK_DKIM_KEY_FILE ": {"BREACHDESK_DKIM_SELECTOR": "s1", "BREACHDESK_DKIM_KEY_FILE": junk},
		"BREACHDESK_DKIM_SELECTOR":  {"BREACHDESK_DKIM_KEY_FILE": junk},
	} {
		_, err := config.Load(func(k string) string { return env[k] })
		if err == nil || !strings.Contains(err.Error(), strings.TrimSpace(name)) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if cfg, err := config.Load(func(string) string { return "" }); err != nil || cfg.DKIM.Enabled() {
		t.Errorf("default: no signing, got %+v %v", cfg.DKIM, err)
	}
}
