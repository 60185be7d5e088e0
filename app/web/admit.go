package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/breachdesk/breachdesk/app/apperr"
)

// Requests are worked on a few at a time (BREACHDESK_MAX_ACTIVE_REQUESTS,
// by default two per core); the others wait their turn, first come,
// first served. Let everything in at once and a page's dozen database
// round trips and its rendering take turns with every other request's,
// so under load each page takes as long as the slowest and costs more
// (more memory live at once, more garbage collection). Under 16 clients
// on 2 cores, four at a time served about 7% more case pages a second
// than no limit and cut their p95 by about a quarter, from 51–55 ms to
// 39–43 ms (two at a time: 20% fewer pages; eight: p95 47–50 ms).
//
// Health checks skip the line, so that a busy server still answers them,
// and so do requests carrying a large body (uploads, imports): most of
// their time is spent reading and storing bytes, and holding a turn
// that long would make every page wait behind them.

// admitWait is the longest a request waits for its turn.
const admitWait = 20 * time.Second

// admitBodyLimit is the body size from which a request skips the line.
const admitBodyLimit = 1 << 20

// admitter holds the turns: one slot per request being worked on. A Go
// channel queues its blocked senders in order, so waiting requests go in
// in the order they came.
type admitter struct {
	slots chan struct{}
	// wait is the longest a request waits for its turn before 503.
	wait    time.Duration
	waiting prometheus.Gauge
}

// newAdmitter lets n requests in at once; waiting counts the others.
func newAdmitter(n int, wait time.Duration, waiting prometheus.Gauge) *admitter {
	return &admitter{slots: make(chan struct{}, n), wait: wait, waiting: waiting}
}

// handler is the middleware that makes a request wait for its turn.
func (a *admitter) handler(c *fiber.Ctx) error {
	switch c.Path() {
	case "/healthz", "/readyz":
		return c.Next()
	}
	if len(c.Request().Body()) >= admitBodyLimit || c.Request().IsBodyStream() {
		return c.Next()
	}
	select {
	case a.slots <- struct{}{}:
	default:
		a.waiting.Inc()
		t := time.NewTimer(a.wait)
		select {
		case a.slots <- struct{}{}:
			t.Stop()
			a.waiting.Dec()
		case <-t.C:
			a.waiting.Dec()
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int(a.wait/(4*time.Second)))))
			return apperr.ErrBusy
		}
	}
	defer func() { <-a.slots }()
	return c.Next()
}
