package loadtest

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Metric names read from the server's /metrics (Prometheus' Go and process
// collectors, registered in app/web/metrics.go).
const (
	metricRSS        = "process_resident_memory_bytes"
	metricHeapInuse  = "go_memstats_heap_inuse_bytes"
	metricGoroutines = "go_goroutines"
)

// parseMemory reads the memory figures from a Prometheus text exposition.
// These three are unlabelled gauges, one line each, so a line scan is
// enough and no exposition-format parser is needed. The RSS is missing
// where the process collector is unsupported (not Linux); the heap and
// goroutines are always there, so their absence is an error.
func parseMemory(r io.Reader) (MemSample, error) {
	var s MemSample
	found := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		name, value, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		var dst *float64
		switch name {
		case metricRSS:
			dst = &s.RSS
		case metricHeapInuse:
			dst = &s.HeapInuse
		case metricGoroutines:
			dst = &s.Goroutines
		default:
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return s, fmt.Errorf("metric %s: %q is not a number", name, value)
		}
		*dst = v
		found[name] = true
	}
	if err := sc.Err(); err != nil {
		return s, fmt.Errorf("read /metrics: %w", err)
	}
	if !found[metricHeapInuse] || !found[metricGoroutines] {
		return s, fmt.Errorf("/metrics has no %s or %s: is this a BreachDesk server?", metricHeapInuse, metricGoroutines)
	}
	return s, nil
}
