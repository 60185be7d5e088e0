package letters

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

// Two processes (two pacers on one database), each sending from two
// connections at once, get send times at least 1/rate apart between
// them all: the limit holds for the deployment, not per process.
func TestPacersShareTheRateAcrossProcesses(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, clocktest.New(t))
	const rate, perSender = 200.0, 40
	processes := []*pacer{newPacer(st.DB, pacingName, rate), newPacer(st.DB, pacingName, rate)}
	var (
		mu    sync.Mutex
		times []time.Time
		wg    sync.WaitGroup
	)
	reserved := make([]int, len(processes))
	for i, p := range processes {
		for range 2 {
			wg.Go(func() {
				for range perSender {
					at, _, err := p.take(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					times = append(times, at)
					reserved[i]++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	if len(times) != 4*perSender {
		t.Fatalf("%d send times, want %d", len(times), 4*perSender)
	}
	slices.SortFunc(times, time.Time.Compare)
	interval := time.Duration(float64(time.Second) / rate)
	for i := 1; i < len(times); i++ {
		// PostgreSQL keeps microseconds; the interval is whole ones here.
		if gap := times[i].Sub(times[i-1]); gap < interval {
			t.Fatalf("send times %d and %d are %s apart, want at least %s", i-1, i, gap, interval)
		}
	}
	for i, n := range reserved {
		if n != 2*perSender {
			t.Errorf("process %d took %d send times, want %d", i, n, 2*perSender)
		}
	}
}

// Wait sleeps until the reserved time: n sends at rate take (n-1)/rate.
func TestPacerWaitsForItsTimes(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, clocktest.New(t))
	p := newPacer(st.DB, pacingName, 100)
	start := clock.Start()
	for range 31 {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if took := start.Elapsed(); took < 300*time.Millisecond-5*time.Millisecond {
		t.Errorf("31 sends at 100/s took %s, want at least 300ms", took)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p.left = 0 // the next Wait reserves, and the reservation sees the cancelled context
	if err := p.Wait(ctx); err == nil {
		t.Error("Wait with a cancelled context returned nil")
	}
}

// Reserved times left unused past the lapse are dropped, not spent at
// once later: after a pause the next send is timed from now, and sends
// stay 1/rate apart.
func TestUnusedSendTimesLapse(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, clocktest.New(t))
	p := newPacer(st.DB, pacingName, 20) // 50 ms apart, blocks of 4, lapse 250 ms
	first, _, err := p.take(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if p.left != 3 {
		t.Fatalf("%d times left in the block, want 3", p.left)
	}
	time.Sleep(p.lapse + 50*time.Millisecond)
	asked := p.dbNow()
	at, _, err := p.take(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The estimate of the database's clock lags it by the reply's trip, so
	// asked can only be early: the check errs towards passing.
	if at.Before(asked.Add(-50 * time.Millisecond)) {
		t.Errorf("after a pause the next send time is %s before it was asked for: the old block was spent", asked.Sub(at))
	}
	if gap := at.Sub(first); gap < 4*p.interval {
		t.Errorf("the new block starts %s after the old one, want after all its 4 times", gap)
	}
}
