package web

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// waiting counts requests waiting for their turn (see admit.go).
	waiting prometheus.Gauge
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "breachdesk_http_requests_total", Help: "HTTP requests by route and status."}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "breachdesk_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"method", "route"}),
		waiting: prometheus.NewGauge(prometheus.GaugeOpts{Name: "breachdesk_http_requests_waiting",
			Help: "Requests waiting for their turn (at most BREACHDESK_MAX_ACTIVE_REQUESTS are worked on at once)."}),
	}
	// Registering twice (several servers in one test binary) is harmless.
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.waiting, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		_ = reg.Register(c)
	}
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}
