package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// TestAdmitterTakesRequestsInTurn runs requests through the admitter of
// two slots behind handlers that hold until released: never more than
// two run at once, the waiting ones go in in the order they came, a
// request that waits too long gets 503 with Retry-After, and health
// checks and large bodies skip the line.
func TestAdmitterTakesRequestsInTurn(t *testing.T) {
	t.Parallel()
	a := newAdmitter(2, 400*time.Millisecond, newMetrics(prometheus.NewRegistry()).waiting)
	release := make(chan struct{})
	var running, most atomic.Int32
	var mu sync.Mutex
	var order []string
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.Status(statusOf(err)).SendString(err.Error())
	}})
	app.Use(a.handler)
	app.All("/*", func(c *fiber.Ctx) error {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		mu.Lock()
		order = append(order, c.Query("n"))
		mu.Unlock()
		if c.Path() == "/hold" {
			<-release
		}
		return c.SendString("ok")
	})
	do := func(req *http.Request) *http.Response {
		t.Helper()
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Error(err)
		}
		return resp
	}
	var wg sync.WaitGroup
	status := make([]int, 5)
	retry := make([]string, 5)
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := do(httptest.NewRequest("GET", "/hold?n="+string(rune('a'+i)), nil))
			status[i], retry[i] = resp.StatusCode, resp.Header.Get("Retry-After")
		}()
		time.Sleep(30 * time.Millisecond) // arrive in order
	}
	// Two run, three wait; health checks and a large upload go past them.
	time.Sleep(50 * time.Millisecond)
	if got := do(httptest.NewRequest("GET", "/healthz", nil)).StatusCode; got != 200 {
		t.Errorf("health check while busy: %d", got)
	}
	big := httptest.NewRequest("POST", "/upload", bytes.NewReader(make([]byte, admitBodyLimit)))
	if got := do(big).StatusCode; got != 200 {
		t.Errorf("large upload while busy: %d", got)
	}
	// Nothing is released in time: the three waiting get 503.
	time.Sleep(500 * time.Millisecond)
	close(release)
	wg.Wait()
	if most.Load() > 3 { // two holders plus the upload or health check passing them
		t.Errorf("%d requests ran at once through two slots", most.Load())
	}
	want := []int{200, 200, 503, 503, 503}
	for i := range want {
		if status[i] != want[i] {
			t.Errorf("request %d: %d, want %d (all %v)", i, status[i], want[i], status)
		}
		if (status[i] == 503) != (retry[i] != "") {
			t.Errorf("request %d: status %d with Retry-After %q", i, status[i], retry[i])
		}
	}
	resp := do(httptest.NewRequest("GET", "/hold?n=late", nil)) // release is closed: passes at once
	if resp.StatusCode != 200 {
		t.Errorf("after the rush: %d", resp.StatusCode)
	}

	// In turn: with one slot held, waiting requests enter in arrival order.
	order = nil
	hold := make(chan struct{})
	one := newAdmitter(1, 5*time.Second, newMetrics(prometheus.NewRegistry()).waiting)
	app2 := fiber.New()
	app2.Use(one.handler)
	app2.Get("/*", func(c *fiber.Ctx) error {
		mu.Lock()
		order = append(order, c.Query("n"))
		mu.Unlock()
		if c.Query("n") == "0" {
			<-hold
		}
		return nil
	})
	var wg2 sync.WaitGroup
	for i := range 6 {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			if _, err := app2.Test(httptest.NewRequest("GET", "/x?n="+string(rune('0'+i)), nil), -1); err != nil {
				t.Error(err)
			}
		}()
		time.Sleep(30 * time.Millisecond)
	}
	close(hold)
	wg2.Wait()
	if got := strings.Join(order, ""); got != "012345" {
		t.Errorf("entered in the order %s, want 012345", got)
	}
}
