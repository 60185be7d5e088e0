// Package orders keeps the orders a merchant exports from its shop system
// for scoping a leak: the order time, payment, card brand and last four
// digits when present, and the customer's identity and contact. Imports
// are streamed like the person import (app/people) and pass the same
// card-number guard: an upload is read once, masked on the way in, stored,
// and loaded by a River job in resumable chunks.
//
// Rows of one order (the item rows of EC-CUBE 4 and Shopify) are merged
// into one order, each field taking the first non-empty value. Importing
// an order number the case already has from an earlier import replaces
// that order with the new import's (the newer export wins, whole orders
// at a time); within one import, later rows of an order only fill what
// its earlier rows left empty.
package orders

import (
	"time"

	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock"
	"github.com/breachdesk/breachdesk/app/store"
)

// Default bounds of one import.
const (
	// DefaultMaxBytes bounds one uploaded file (before decoding).
	DefaultMaxBytes int64 = 512 << 20
	// DefaultMaxRows bounds the data rows of one file.
	DefaultMaxRows int64 = 5_000_000
	// defaultChunkRows is about how many rows one transaction of the job
	// takes (a chunk ends between orders, never inside one).
	defaultChunkRows = 20_000
)

// Service imports and reads a case's orders.
type Service struct {
	st        *store.Store
	clk       clock.Clock
	cases     *cases.Service
	maxBytes  int64
	maxRows   int64
	chunkRows int
	memSpill  int // masked upload bytes kept in memory before a temp file

	afterChunk func() error // tests: simulate a crash between chunks
}

// NewService returns the orders service. Every argument is required.
func NewService(st *store.Store, clk clock.Clock, cs *cases.Service) *Service {
	if st == nil || clk == nil || cs == nil {
		panic("orders.NewService: the store, clock and case service are required")
	}
	return &Service{st: st, clk: clk, cases: cs, maxBytes: DefaultMaxBytes, maxRows: DefaultMaxRows,
		chunkRows: defaultChunkRows, memSpill: 16 << 20}
}

// MaxBytes is the upload limit, for forms to show.
func (s *Service) MaxBytes() int64 { return s.maxBytes }

func (s *Service) now() time.Time { return s.clk.Now() }
