package auth

import (
	"context"
	"sync"
	"testing"
)

// Finding 1: forty logins at once ran forty Argon2 checks at once, 64 MiB
// each (RSS 0.67 → 2.86 GB). However many arrive, no more than the bound
// run together, so hashing memory is bound × the hash's cost.
func TestPasswordChecksRunInBoundedSlots(t *testing.T) {
	t.Parallel()
	h := newHashSlots(2)
	const hash = "$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo0NTY3ODk"
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if err := h.run(context.Background(), hashMemory(hash), func() { CheckPassword(hash, "guess") }); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := h.peak.Load(); p < 1 || p > 2 {
		t.Fatalf("%d checks ran at once, want at most 2", p)
	}
}

// A check that cannot get a slot in time is refused as busy rather than
// queued without end.
func TestPasswordCheckWaitsBoundedTime(t *testing.T) {
	t.Parallel()
	h := newHashSlots(1)
	h.wait = 0
	h.slots <- struct{}{} // the one slot is taken
	if err := h.run(context.Background(), 0, func() { t.Error("ran without a slot") }); err == nil {
		t.Fatal("no error without a slot")
	}
}

func TestHashMemoryReadsTheCost(t *testing.T) {
	t.Parallel()
	h, _ := HashPassword("x", DefaultArgon2)
	if m := hashMemory(h); m != DefaultArgon2.Memory {
		t.Fatalf("hashMemory(%q) = %d", h, m)
	}
	if m := hashMemory("garbage"); m != 0 {
		t.Fatalf("hashMemory(garbage) = %d", m)
	}
}
