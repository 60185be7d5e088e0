package letters

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/clock"
)

// pacingName is the send_pacing row of the SMTP server: one per
// deployment (BREACHDESK_SMTP_URL).
const pacingName = "smtp"

// pacer spaces e-mails to at most a rate per second for every worker
// process sharing the database together, not per process: an SMTP
// provider's limit is per account, and running a second worker must not
// double what reaches it.
//
// Send times live in the send_pacing row, on the database's clock. A
// process reserves a block of the next few times in one statement (a
// fifth of a second's worth), so there is one round trip per block, not
// per message. Reserved times of all processes are at least 1/rate apart.
type pacer struct {
	db       *gorm.DB
	name     string
	interval time.Duration
	block    int
	// lapse is how late a reserved time may still be used. A time unused
	// for longer (the chunk ended, the connection failed) is dropped:
	// sending on it now would add to the sends of this moment.
	lapse time.Duration

	mu   sync.Mutex
	next time.Time // the next reserved time, database clock
	left int       // reserved times from next on
	// The database's clock now is estimated as its clock_timestamp() at
	// the last reservation plus the time elapsed here since: the pacing is
	// about real seconds shared by all processes, never about dates, so it
	// runs on the database's clock and not the injected one.
	dbRead  time.Time
	dbSince clock.Stopwatch
}

// newPacer returns a pacer of perSecond sends (> 0) through the named row.
func newPacer(db *gorm.DB, name string, perSecond float64) *pacer {
	interval := time.Duration(float64(time.Second) / perSecond)
	return &pacer{db: db, name: name, interval: interval,
		block: max(1, int(math.Ceil(perSecond/5))), lapse: max(interval, time.Second/4)}
}

// Wait blocks until this process may send its next message.
func (p *pacer) Wait(ctx context.Context) error {
	_, d, err := p.take(ctx)
	if err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// take hands out the next reserved time (database clock) and the wait
// until it, reserving a new block when none is left.
func (p *pacer) take(ctx context.Context) (time.Time, time.Duration, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.left > 0 && p.dbNow().Sub(p.next) > p.lapse {
		p.left = 0
	}
	if p.left == 0 {
		if err := p.reserve(ctx); err != nil {
			return time.Time{}, 0, err
		}
	}
	at := p.next
	p.next, p.left = p.next.Add(p.interval), p.left-1
	return at, at.Sub(p.dbNow()), nil
}

// dbNow estimates the database's clock now.
func (p *pacer) dbNow() time.Time { return p.dbRead.Add(p.dbSince.Elapsed()) }

// reserve takes the next block of send times: from the row's next free
// time, or from now when the row lies in the past (unused capacity is not
// saved up for a burst).
func (p *pacer) reserve(ctx context.Context) error {
	span := (time.Duration(p.block) * p.interval).Seconds()
	var row struct {
		Start time.Time
		Now   time.Time
	}
	err := p.db.WithContext(ctx).Raw(`INSERT INTO send_pacing AS s (name, next_at)
		VALUES (?, clock_timestamp() + make_interval(secs => ?))
		ON CONFLICT (name) DO UPDATE SET next_at = greatest(s.next_at, clock_timestamp()) + make_interval(secs => ?)
		RETURNING s.next_at - make_interval(secs => ?) AS start, clock_timestamp() AS now`,
		p.name, span, span, span).Scan(&row).Error
	if err != nil {
		return fmt.Errorf("reserve send times: %w", err)
	}
	p.dbRead, p.dbSince = row.Now, clock.Start()
	p.next, p.left = row.Start, p.block
	return nil
}
