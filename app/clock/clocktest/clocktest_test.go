package clocktest_test

import (
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/clock/clocktest"
)

// BREACHDESK_TEST_NOW moves where New clocks start: a date means noon in
// Tokyo, an instant is taken as it is, and anything else is refused.
func TestStartFollowsTheVariable(t *testing.T) {
	for _, tc := range []struct {
		env, want string
	}{
		{"2027-04-28", "2027-04-28T03:00:00Z"},
		{"2028-02-28T23:30:00+09:00", "2028-02-28T14:30:00Z"},
		{"2027-03-13T12:00:00Z", "2027-03-13T12:00:00Z"},
	} {
		t.Setenv(clocktest.EnvNow, tc.env)
		got, err := clocktest.Start()
		if err != nil || got.Format(time.RFC3339) != tc.want {
			t.Errorf("%s=%s: Start() = %s, %v; want %s", clocktest.EnvNow, tc.env, got.Format(time.RFC3339), err, tc.want)
		}
		if c := clocktest.New(t); c.Now().Before(got) || c.Now().Sub(got) > time.Minute {
			t.Errorf("%s=%s: a new clock reads %s", clocktest.EnvNow, tc.env, c.Now())
		}
	}
	t.Setenv(clocktest.EnvNow, "28/02/2028")
	if _, err := clocktest.Start(); err == nil {
		t.Error("a malformed date was accepted")
	}
}

// A frozen clock moves only when told; a running one also with time; both
// read in UTC, and River's hook reads the same time.
func TestFrozenAndRunningClocks(t *testing.T) {
	t.Parallel()
	jst := time.FixedZone("JST", 9*3600)
	at := time.Date(2026, 12, 28, 23, 30, 0, 0, jst)
	f := clocktest.Frozen(at)
	if got := f.Now(); !got.Equal(at) || got.Location() != time.UTC {
		t.Fatalf("frozen clock reads %s, want %s in UTC", got, at)
	}
	time.Sleep(2 * time.Millisecond)
	if !f.Now().Equal(at) {
		t.Fatal("a frozen clock moved by itself")
	}
	f.Advance(time.Hour)
	if want := at.Add(time.Hour); !f.Now().Equal(want) || !f.NowOrNil().Equal(want) {
		t.Fatalf("after Advance: %s (River %s), want %s", f.Now(), *f.NowOrNil(), want)
	}
	f.Set(at.Add(-24 * time.Hour))
	if !f.Now().Equal(at.Add(-24 * time.Hour)) {
		t.Fatalf("Set back a day: %s", f.Now())
	}

	r := clocktest.At(at)
	first := r.Now()
	time.Sleep(5 * time.Millisecond)
	if d := r.Now().Sub(first); d < 5*time.Millisecond || d > time.Minute {
		t.Fatalf("a running clock moved %s in 5 ms", d)
	}
	r.Advance(48 * time.Hour)
	if d := r.Now().Sub(at); d < 48*time.Hour || d > 48*time.Hour+time.Minute {
		t.Fatalf("running clock after Advance(48h) is %s past its start", d)
	}
}
