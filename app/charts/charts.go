// Package charts draws the web UI's small pictures as inline SVG, on the
// server: a case's timeline and the dashboard's deadline chart. It is pure
// (no database, no HTTP, no JavaScript) so the pictures are unit-tested by
// parsing the SVG, and they need no script under the strict CSP.
//
// The pictures repeat what the page says in text (the deadline and
// timeline tables); they are role="img" with a <title> and a <desc>, and a
// deadline's state is always written out, never told by colour alone.
package charts

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// State is what a deadline marker says about its obligation.
type State string

// Deadline states. Each has its own colour, shape and (except Open) word.
const (
	Open    State = "open"    // to do, still in time
	Overdue State = "overdue" // to do, deadline passed
	Done    State = "done"    // submitted
	Waived  State = "waived"  // waived with a reason
)

// Words are the translated words the pictures print; the caller fills
// them from the message catalogue, this package knows no language.
type Words struct {
	Now         string // "現在" / "Now"
	Start       string // the clock start: "覚知" / "Aware"
	Overdue     string // "期限超過" / "OVERDUE"
	Done        string // "提出済" / "Submitted"
	Waived      string // "免除" / "Waived"
	Deadlines   string // lane name
	Submissions string // lane name
	Events      string // lane name
	// More says how many more deadlines a marker stands for, as a format
	// with one %d ("ほか%d件" / "+%d more"); "" gives "+N".
	More string
}

// Point is something that happened at a time.
type Point struct {
	At    time.Time
	Label string
}

// Deadline is an obligation's deadline as a marker.
type Deadline struct {
	At    time.Time
	Label string
	State State
}

// Colours follow app.css (--accent, --danger, --ok, --muted); they are
// presentation attributes, not style, because the CSP forbids inline style.
const (
	colFG       = "#1b1f24"
	colMuted    = "#57606a"
	colLine     = "#d0d7de"
	colGrid     = "#eaeef2"
	colAccent   = "#0b5cad"
	colDanger   = "#b42318"
	colDangerBG = "#fdecea"
	colOK       = "#1a7f37"
	colBG       = "#ffffff"
)

// Sizes in viewBox units. The viewBox is 720 wide: at desktop width it is
// drawn about 1:1; on a phone the wrapper scrolls rather than shrinking the
// text below legibility (see .chart in app.css).
const (
	width    = 720.0
	fontSize = 12.0
	rowStep  = 15.0 // one line of staggered labels
)

// textWidth estimates how wide s is drawn at size: wide (CJK) characters
// take a full em, others a little over half. Overestimating is safe: it
// only spreads labels out more.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 {
			w += size
		} else {
			w += 0.62 * size
		}
	}
	return w
}

// truncate shortens s to at most n characters, with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// scale maps times in [lo, hi] to x in [x0, x1].
type scale struct {
	lo, hi time.Time
	x0, x1 float64
}

func (s scale) x(t time.Time) float64 {
	span := s.hi.Sub(s.lo)
	if span <= 0 {
		return s.x0
	}
	return s.x0 + float64(t.Sub(s.lo))/float64(span)*(s.x1-s.x0)
}

// label is a text to place on a row of labels under its marker.
type label struct {
	x    float64 // the marker's x
	text string
	w    float64
	a    float64 // where the text starts (always anchored at its start)
	row  int
}

// stagger places labels on as few rows as possible without overlap:
// each goes to the first row whose last label ends before it starts. A
// label starts just left of its marker, but slides left as far as needed
// to end inside the picture (and right to start inside it).
func stagger(ls []*label, left, right float64) int {
	var ends []float64
	for _, l := range ls {
		l.a = l.x - 4
		if l.a+l.w > right {
			l.a = right - l.w
		}
		if l.a < left {
			l.a = left
		}
		l.row = -1
		for i, e := range ends {
			if e+6 <= l.a {
				l.row, ends[i] = i, l.a+l.w
				break
			}
		}
		if l.row < 0 {
			l.row = len(ends)
			ends = append(ends, l.a+l.w)
		}
	}
	return len(ends)
}

// dayStart is the start of t's day in loc.
func dayStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// shortDate is the axis format, the same in both languages.
func shortDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("1/2")
}

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// stateLook is how a state is drawn: colour, and the word printed with
// the label (Open prints none: it is the normal case).
func stateLook(st State, w Words) (colour, word string) {
	switch st {
	case Overdue:
		return colDanger, w.Overdue
	case Done:
		return colOK, w.Done
	case Waived:
		return colMuted, w.Waived
	}
	return colAccent, ""
}

// cluster is one marker standing for deadlines whose markers would
// overlap: same state, closer than a marker's width.
type cluster struct {
	first   Deadline
	x       float64
	clamped float64 // -1 before the window, +1 after, 0 inside
	all     []Deadline
}

// markerGap is how close two markers may be before they merge.
const markerGap = 14.0

// clusterDeadlines sorts ds by time and merges neighbours of the same
// state, so a case whose clocks all start together shows one marker
// ("jp.card.acquirer +3") rather than a pile of shapes and a tower of
// labels. pos gives a deadline's x and whether it was pinned to an edge.
func clusterDeadlines(ds []Deadline, pos func(time.Time) (float64, float64)) []cluster {
	ds = append([]Deadline(nil), ds...)
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].At.Before(ds[j].At) })
	var out []cluster
	for _, d := range ds {
		x, clamped := pos(d.At)
		if n := len(out); n > 0 {
			last := &out[n-1]
			if last.first.State == d.State && last.clamped == clamped && x-last.x < markerGap {
				last.all = append(last.all, d)
				continue
			}
		}
		out = append(out, cluster{first: d, x: x, clamped: clamped, all: []Deadline{d}})
	}
	return out
}

// text is the cluster's label: the first deadline's, and how many more.
func (c cluster) text(w Words) string {
	if len(c.all) == 1 {
		return c.first.Label
	}
	if w.More != "" {
		return c.first.Label + " " + fmt.Sprintf(w.More, len(c.all)-1)
	}
	return c.first.Label + " +" + strconv.Itoa(len(c.all)-1)
}

// tooltip lists every deadline of the cluster, one a line.
func (c cluster) tooltip(prefix string, loc *time.Location, w Words) string {
	var lines []string
	for _, d := range c.all {
		line := prefix + d.Label + " — " + d.At.In(loc).Format("2006-01-02 15:04")
		if _, word := stateLook(d.State, w); word != "" {
			line += " (" + word + ")"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
