package webhooks

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/pan"
	"github.com/breachdesk/breachdesk/app/store"
)

// excerptBytes bounds what is kept of a receiver's answer: enough to see
// its error message, never a whole page.
const excerptBytes = 512

// ErrNotDelivered is returned (wrapped) when an attempt failed; the
// worker returns it so that River retries with backoff.
var ErrNotDelivered = errors.New("webhook not delivered")

// client is the HTTP client of deliveries: no proxy (a proxy would
// connect where the guard cannot see), no redirects (a redirect could
// point anywhere; a 3xx is a failed attempt), every connection checked
// by the guard, every request bounded by the timeout.
func (s *Service) client() *http.Client {
	dialer := &net.Dialer{Timeout: s.opts.Timeout, Control: s.guard.control}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		TLSClientConfig:        s.opts.TLS,
		TLSHandshakeTimeout:    s.opts.Timeout,
		ResponseHeaderTimeout:  s.opts.Timeout,
		MaxResponseHeaderBytes: 16 << 10,
		DisableKeepAlives:      true,
		ForceAttemptHTTP2:      true,
	}
	return &http.Client{Transport: tr, Timeout: s.opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Sign returns the Standard Webhooks signature header value of one
// message: "v1," and the base64 HMAC-SHA256, keyed with the secret's
// bytes, of "<id>.<timestamp>.<body>".
func Sign(secret []byte, id string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	fmt.Fprintf(mac, "%s.%d.", id, ts)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// MessageID is a delivery's webhook-id: the same on every attempt, so a
// receiver can drop a retry it already processed.
func MessageID(deliveryID int64) string { return "msg_" + strconv.FormatInt(deliveryID, 10) }

// Deliver makes attempt number attempt of delivery id: it signs and POSTs
// the event and logs the attempt. It returns an error wrapping
// ErrNotDelivered when the receiver did not answer 2xx, so that River
// tries again; on the last attempt the delivery is marked failed. A
// delivery already delivered, or gone with its endpoint, is left alone.
func (s *Service) Deliver(ctx context.Context, id int64, attempt int, last bool) error {
	var d Delivery
	if err := s.st.DB.WithContext(ctx).Take(&d, id).Error; err != nil {
		if store.IsNotFound(err) {
			return nil
		}
		return err
	}
	if d.Status != StatusPending {
		return nil
	}
	var e Endpoint
	if err := s.st.DB.WithContext(ctx).Where("id = ? AND organisation_id = ?", d.EndpointID, d.OrganisationID).Take(&e).Error; err != nil {
		if store.IsNotFound(err) {
			return nil
		}
		return err
	}
	if !e.Active && d.Event != string(EventTest) {
		return s.record(ctx, d, Attempt{Attempt: attempt, Error: "endpoint disabled"}, true)
	}
	// A delivery that cannot even be prepared is still recorded, so that
	// after the last attempt it ends failed rather than pending forever.
	secret, err := s.open(e.Secret)
	if err != nil {
		return s.record(ctx, d, Attempt{Attempt: attempt, Error: "the endpoint's secret cannot be read: " + err.Error()}, last)
	}
	now := s.clock.Now()
	body, err := s.body(ctx, e, d, now)
	if err != nil {
		return s.record(ctx, d, Attempt{Attempt: attempt, Error: "the payload cannot be built: " + err.Error()}, last)
	}
	msgID, ts := MessageID(d.ID), now.Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(body))
	if err != nil {
		return s.record(ctx, d, Attempt{Attempt: attempt, Error: err.Error()}, true)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "BreachDesk-Webhooks/1")
	req.Header.Set("webhook-id", msgID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", Sign(secret, msgID, ts, body))

	a := Attempt{Attempt: attempt}
	watch := clock.Start()
	resp, err := s.client().Do(req)
	if err != nil {
		a.LatencyMS = int(watch.Elapsed() / time.Millisecond)
		a.Error = err.Error()
		return s.record(ctx, d, a, last)
	}
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, excerptBytes))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection finish, within bounds
	_ = resp.Body.Close()
	a.LatencyMS = int(watch.Elapsed() / time.Millisecond)
	a.StatusCode = resp.StatusCode
	a.Response = cleanExcerpt(excerpt)
	a.OK = resp.StatusCode >= 200 && resp.StatusCode < 300
	return s.record(ctx, d, a, last)
}

// record logs attempt a of d and moves d on: delivered, failed for good
// (final), or still pending for River's next try.
func (s *Service) record(ctx context.Context, d Delivery, a Attempt, final bool) error {
	a.OrganisationID, a.DeliveryID, a.At = d.OrganisationID, d.ID, s.clock.Now()
	a.Error = truncate(a.Error, 300)
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB.Create(&a).Error; err != nil {
			return err
		}
		fields := map[string]any{"attempts": a.Attempt}
		switch {
		case a.OK:
			fields["status"], fields["delivered_at"] = StatusDelivered, a.At
		case final:
			fields["status"] = StatusFailed
		}
		return tx.DB.Model(&Delivery{}).Where("id = ?", d.ID).Updates(fields).Error
	})
	if err != nil {
		return err
	}
	if a.OK || final && a.StatusCode == 0 && a.Error == "endpoint disabled" {
		return nil
	}
	if a.StatusCode != 0 {
		return fmt.Errorf("%w: %s answered %d", ErrNotDelivered, MessageID(d.ID), a.StatusCode)
	}
	return fmt.Errorf("%w: %s: %s", ErrNotDelivered, MessageID(d.ID), a.Error)
}

// cleanExcerpt keeps a receiver's answer readable and safe to store:
// valid UTF-8, no card number.
func cleanExcerpt(b []byte) string {
	s := strings.ToValidUTF8(string(b), "�")
	s, _ = pan.Mask(s)
	return truncate(s, 500)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// envelope is the standard body: the Standard Webhooks convention of a
// type, a timestamp and the event's data.
type envelope struct {
	Type      string          `json:"type"`
	Timestamp string          `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

// body is the request body of d for e's format.
func (s *Service) body(ctx context.Context, e Endpoint, d Delivery, now time.Time) ([]byte, error) {
	if e.Format == FormatSlack || e.Format == FormatTeams {
		text, err := s.Text(ctx, e.Language, Event(d.Event), d.Payload)
		if err != nil {
			return nil, err
		}
		return json.Marshal(map[string]string{"text": text})
	}
	return json.Marshal(envelope{Type: d.Event, Timestamp: now.UTC().Format(time.RFC3339), Data: d.Payload})
}
