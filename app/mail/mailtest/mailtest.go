// Package mailtest runs a real SMTP server in-process for tests: it
// records every accepted message and can refuse with temporary (451) or
// permanent (550) errors on demand.
package mailtest

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/breachdesk/breachdesk/app/clock"
)

// Received is one accepted message.
type Received struct {
	From    string
	To      []string
	Raw     []byte
	Header  mail.Header
	Subject string
}

// Server is the test SMTP server.
type Server struct {
	URL  string // smtp://127.0.0.1:port
	Addr string

	mu        sync.Mutex
	received  []Received
	tempFails int             // refuse this many next messages with 451
	tempSince clock.Stopwatch // refuse every message with 451 for tempFor
	tempFor   time.Duration   // from tempSince
	tempArmed bool            // tempSince starts at the next message
	onData    func(n int) bool
	dataSeen  int
	permFail  map[string]bool // recipients refused with 550
	arrived   chan struct{}
}

// New starts a server that stops when the test ends.
func New(t testing.TB) *Server { return NewAt(t, "127.0.0.1:0") }

// NewAt starts a server on addr: a test can point a sender at an address
// where nothing listens yet (a server that is down) and bring it up later.
func NewAt(t testing.TB, addr string) *Server {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: l.Addr().String(), URL: "smtp://" + l.Addr().String(), permFail: map[string]bool{}, arrived: make(chan struct{}, 1<<16)}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	go srv.Serve(l) //nolint:errcheck
	t.Cleanup(func() { srv.Close() })
	return s
}

// FailTemporarily makes the next n messages get a 451 reply.
func (s *Server) FailTemporarily(n int) {
	s.mu.Lock()
	s.tempFails = n
	s.mu.Unlock()
}

// FailTemporarilyFor makes every message get a 451 reply for d from the
// next message on (a server throttling a sender for a while). Counted from
// the first message, not from the call, so that a slow machine, which may
// start sending later, still meets the throttle.
func (s *Server) FailTemporarilyFor(d time.Duration) {
	s.mu.Lock()
	s.tempFor, s.tempArmed = d, true
	s.mu.Unlock()
}

// OnData installs a hook called with the running count of DATA commands
// (1, 2, …) after a message's content arrived and before the server
// answers; returning false drops the message without accepting it, as a
// server does when the connection dies before its reply (crash tests).
func (s *Server) OnData(f func(n int) bool) {
	s.mu.Lock()
	s.onData = f
	s.mu.Unlock()
}

// CountByMessageID counts accepted messages per Message-ID header.
func (s *Server) CountByMessageID() map[string]int {
	out := map[string]int{}
	for _, m := range s.Messages() {
		out[m.Header.Get("Message-Id")]++
	}
	return out
}

// RejectRecipient makes every message to addr get a 550 reply.
func (s *Server) RejectRecipient(addr string) {
	s.mu.Lock()
	s.permFail[strings.ToLower(addr)] = true
	s.mu.Unlock()
}

// Messages returns a copy of what was accepted so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// WaitFor waits until at least n messages arrived or the timeout passes.
func (s *Server) WaitFor(n int, timeout time.Duration) []Received {
	deadline := time.After(timeout)
	for {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		select {
		case <-s.arrived:
		case <-deadline:
			return s.Messages()
		}
	}
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	bad := x.s.permFail[strings.ToLower(to)]
	x.s.mu.Unlock()
	if bad {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.dataSeen++
	n, hook := x.s.dataSeen, x.s.onData
	x.s.mu.Unlock()
	if hook != nil && !hook(n) {
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "connection lost"}
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.tempArmed {
		x.s.tempSince, x.s.tempArmed = clock.Start(), false
	}
	if x.s.tempSince.Elapsed() < x.s.tempFor {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "throttled, try again later"}
	}
	if x.s.tempFails > 0 {
		x.s.tempFails--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "try again later"}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return errors.New("unparsable message")
	}
	subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	x.s.received = append(x.s.received, Received{From: x.from, To: x.to, Raw: raw, Header: msg.Header, Subject: subj})
	select {
	case x.s.arrived <- struct{}{}:
	default:
	}
	return nil
}
