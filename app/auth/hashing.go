package auth

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
)

// hashSlots bounds how many Argon2 runs happen at once. Each run takes the
// hash's memory cost (64 MiB by default) for its duration, so without a
// bound forty logins at once take 2.5 GiB; with it, password hashing never
// takes more than slots × 64 MiB, however many requests arrive. A request
// waits its turn for at most hashWait and is then refused as busy.
type hashSlots struct {
	slots chan struct{}
	wait  time.Duration
	// running and peak count runs in progress and their most at once, for
	// the test that holds the bound.
	running, peak atomic.Int64
}

// hashWait is the longest a password check waits for a free slot.
const hashWait = 10 * time.Second

func newHashSlots(n int) *hashSlots {
	if n < 1 {
		n = 1
	}
	return &hashSlots{slots: make(chan struct{}, n), wait: hashWait}
}

// releaseFrom is the run size (KiB) from which memory is given back to
// the system after the run; tests' cheap hashes skip it.
const releaseFrom = 8 << 10

// run calls fn, an Argon2 run of memKiB, in a slot, waiting for one until
// ctx ends or hashWait passes.
func (h *hashSlots) run(ctx context.Context, memKiB uint32, fn func()) error {
	ctx, cancel := context.WithTimeout(ctx, h.wait)
	defer cancel()
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return apperr.ErrBusy
	}
	defer func() { <-h.slots }()
	n := h.running.Add(1)
	for p := h.peak.Load(); n > p && !h.peak.CompareAndSwap(p, n); p = h.peak.Load() {
	}
	fn()
	h.running.Add(-1)
	// Each run allocates its 64 MiB afresh (x/crypto/argon2 takes no
	// buffer), and the garbage collector hands freed memory back to the
	// system only slowly: five wrong passwords one after another left the
	// process 250 MiB larger. Given back at once, the process stays within
	// one run's worth of its size between checks. A full collection costs
	// a few milliseconds against the run's 200.
	if memKiB >= releaseFrom {
		debug.FreeOSMemory()
	}
	return nil
}

// checkPassword is CheckPassword in a hashing slot.
func (s *Service) checkPassword(ctx context.Context, hash, password string) (ok bool, err error) {
	err = s.hashes.run(ctx, hashMemory(hash), func() { ok = CheckPassword(hash, password) })
	return ok, err
}

// hashPassword is HashPassword with the service's cost, in a hashing slot.
func (s *Service) hashPassword(ctx context.Context, password string) (hash string, err error) {
	if err := s.hashes.run(ctx, s.opt.Argon2.Memory, func() { hash, err = HashPassword(password, s.opt.Argon2) }); err != nil {
		return "", err
	}
	return hash, err
}

// hashMemory is the memory cost (KiB) a PHC argon2id hash names; 0 when it
// names none.
func hashMemory(hash string) uint32 {
	_, rest, ok := strings.Cut(hash, "$m=")
	if !ok {
		return 0
	}
	var m uint32
	_, _ = fmt.Sscanf(rest, "%d", &m)
	return m
}
