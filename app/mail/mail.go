// Package mail sends e-mail over SMTP. It distinguishes temporary refusals
// (4xx: retry later) from permanent ones (5xx: give up), which the job
// workers need to decide between retrying and marking a failure.
package mail

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one e-mail.
type Message struct {
	To      string
	Subject string
	Text    string
	// Key names the message stably within this installation, kind first
	// ("letter/45/123", "notification/7"): the sender derives the
	// Message-ID from it (see MessageID), so every attempt of the same
	// message carries the same id and a receiver recognises a repeat.
	// Empty: a random id.
	Key         string
	Date        time.Time // the Date header: the sender's clock (the library would read the wall clock)
	Attachments []Attachment
}

// Attachment is a file attached to a message.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrNotConfigured is returned when no SMTP server is configured.
var ErrNotConfigured = errors.New("mail: BREACHDESK_SMTP_URL is not set")

// Error is a delivery failure with the server's verdict.
type Error struct {
	Temporary bool // 4xx or a connection problem: try again later
	Code      int  // SMTP reply code, 0 when there was none
	Err       error
}

func (e *Error) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	return fmt.Sprintf("mail: %s failure (code %d): %v", kind, e.Code, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// IsTemporary reports whether err is worth retrying.
func IsTemporary(err error) bool {
	var me *Error
	return errors.As(err, &me) && me.Temporary
}

// SMTP sends through one server given as smtp://, smtp+starttls:// or
// smtps:// URL with optional user:password.
type SMTP struct {
	from   string
	domain string // of from: Message-IDs are on it
	idKey  []byte // keys the Message-ID hash: see MessageID
	dkim   *gomail.DKIMSigner
	opts   []gomail.Option
	host   string
}

// Option configures an SMTP sender.
type Option func(*SMTP)

// WithIDKey keys the Message-ID hash with the installation's secret key,
// so two installations sending the same kind of message from the same
// domain never produce the same id. Without it the hash is unkeyed
// (tests); cmd/breachdesk always passes the key.
func WithIDKey(key []byte) Option {
	return func(s *SMTP) { s.idKey = append([]byte(nil), key...) }
}

// WithDKIM signs every message with key for domain, the public key being
// published at selector._domainkey.domain. now stamps the signature
// (t=) from the application's clock. Signing is go-mail's own RFC 6376
// implementation (relaxed/relaxed; From, To, Subject, Date, Message-ID,
// Content-Type and MIME-Version signed), RSA-SHA256 or Ed25519-SHA256 by
// the key's type.
func WithDKIM(domain, selector string, key crypto.Signer, now func() time.Time) Option {
	return func(s *SMTP) {
		d := gomail.NewDKIMSigner(domain, selector, key)
		d.NowFunc = now
		s.dkim = d
	}
}

// NewSMTP parses the server URL. An empty URL gives a sender that always
// fails with ErrNotConfigured, so callers can record why nothing was sent.
func NewSMTP(rawURL, from string, options ...Option) (*SMTP, error) {
	addr, err := netmail.ParseAddress(from)
	if err != nil || !strings.Contains(addr.Address, "@") {
		return nil, fmt.Errorf("mail: sender address %q (BREACHDESK_MAIL_FROM): want name <user@domain>", from)
	}
	s := &SMTP{from: from, domain: strings.ToLower(addr.Address[strings.LastIndexByte(addr.Address, '@')+1:])}
	for _, o := range options {
		o(s)
	}
	if rawURL == "" {
		return s, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("mail: bad SMTP URL: %w", err)
	}
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	port, _ := strconv.Atoi(u.Port())
	switch u.Scheme {
	case "smtp":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		if port == 0 {
			port = 25
		}
	case "smtp+starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		if port == 0 {
			port = 587
		}
	case "smtps":
		opts = append(opts, gomail.WithSSL())
		if port == 0 {
			port = 465
		}
	default:
		return nil, fmt.Errorf("mail: unsupported scheme %q", u.Scheme)
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pw))
	}
	if s.dkim != nil {
		opts = append(opts, gomail.WithAlwaysDKIMSign(s.dkim))
	}
	s.opts, s.host = opts, u.Hostname()
	return s, nil
}

// MessageID is the Message-ID (without angle brackets) of a message with
// the given Key: "<kind>.<hash>@<domain>", the hash an HMAC-SHA256 of
// domain and key under the installation's secret. Derived, not stored,
// so a retry after a crash between the server's 250 and the "sent" mark
// repeats the id (the letters' exactly-once design relies on it); keyed,
// so another installation's letter/45/123 gets a different id; on the
// sender's domain, as RFC 5322 asks, so ids are globally unique. An empty
// key gives a random id: nothing retries such a message under one id.
func (s *SMTP) MessageID(key string) string {
	if key == "" {
		var b [16]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail (Go 1.24+)
		return hex.EncodeToString(b[:]) + "@" + s.domain
	}
	mac := hmac.New(sha256.New, s.idKey)
	mac.Write([]byte("breachdesk message-id\x00" + s.domain + "\x00" + key))
	sum := hex.EncodeToString(mac.Sum(nil)[:16])
	kind, _, _ := strings.Cut(key, "/")
	if !messageKind(kind) {
		return sum + "@" + s.domain
	}
	return kind + "." + sum + "@" + s.domain
}

// messageKind admits the kind prefix of a key into the id only when it
// is a short lowercase word: ids must stay dot-atoms (RFC 5322 3.6.4)
// and say nothing a stranger should not read.
func messageKind(k string) bool {
	if k == "" || len(k) > 20 {
		return false
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && r != '-' {
			return false
		}
	}
	return true
}

// Send delivers one message on its own connection.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	c, err := s.Dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Send(ctx, m)
}

// Conn is an open connection to the server for sending many messages
// one after another (a letter batch): one handshake, TLS and login for
// all of them.
type Conn interface {
	// Send delivers one message; nil means the server accepted it.
	Send(ctx context.Context, m Message) error
	Close() error
}

// Dialer opens connections; *SMTP is one.
type Dialer interface {
	Dial(ctx context.Context) (Conn, error)
}

// Dial connects and logs in.
func (s *SMTP) Dial(ctx context.Context) (Conn, error) {
	if s.host == "" {
		return nil, &Error{Temporary: false, Err: ErrNotConfigured}
	}
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return nil, &Error{Err: err}
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, classify(err)
	}
	return &smtpConn{s: s, c: c}, nil
}

type smtpConn struct {
	s *SMTP
	c *gomail.Client
}

func (sc *smtpConn) Send(ctx context.Context, m Message) error {
	msg, err := sc.s.build(m)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return &Error{Temporary: true, Err: err}
	}
	if err := sc.c.Send(msg); err != nil {
		// Leave the session clean for the next message after a refusal.
		_ = sc.c.Reset()
		return classify(err)
	}
	return nil
}

func (sc *smtpConn) Close() error { return sc.c.Close() }

// build turns m into a go-mail message.
func (s *SMTP) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return nil, &Error{Err: fmt.Errorf("from address: %w", err)}
	}
	if err := msg.To(m.To); err != nil {
		return nil, &Error{Err: fmt.Errorf("recipient %q: %w", m.To, err)}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(s.MessageID(m.Key))
	if !m.Date.IsZero() {
		msg.SetDateWithValue(m.Date)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	for _, a := range m.Attachments {
		opts := []gomail.FileOption{}
		if a.ContentType != "" {
			opts = append(opts, gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
		}
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), opts...); err != nil {
			return nil, &Error{Err: err}
		}
	}
	return msg, nil
}

func classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		temp := se.IsTemp() || (code >= 400 && code < 500)
		if code == 0 && !temp {
			// No reply code: the connection failed; the server may be back later.
			temp = true
		}
		return &Error{Temporary: temp, Code: code, Err: err}
	}
	return &Error{Temporary: true, Err: err}
}
