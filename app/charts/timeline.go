package charts

import (
	"html/template"
	"sort"
	"time"
)

// Timeline is a case's timeline picture: the case's events, its
// obligations' deadlines and their submissions on one time axis, with the
// clock start and the present marked.
type Timeline struct {
	ID          string // prefix of the element ids, unique on the page
	Title       string
	Desc        string
	Now         time.Time
	Loc         *time.Location // the zone dates are shown in
	Words       Words
	Start       *time.Time // the legal clock start (the aware time)
	Events      []Point
	Deadlines   []Deadline
	Submissions []Point
}

const (
	tlLeft  = 96.0 // room for the lane names
	tlRight = 24.0
)

// span is the time range the picture covers: everything it shows plus a
// margin, and at least two days so a new case is not one crowded point.
func (t Timeline) span() (time.Time, time.Time) {
	lo, hi := t.Now, t.Now
	see := func(at time.Time) {
		if at.Before(lo) {
			lo = at
		}
		if at.After(hi) {
			hi = at
		}
	}
	if t.Start != nil {
		see(*t.Start)
	}
	for _, p := range t.Events {
		see(p.At)
	}
	for _, p := range t.Submissions {
		see(p.At)
	}
	for _, d := range t.Deadlines {
		see(d.At)
	}
	if d := hi.Sub(lo); d < 48*time.Hour {
		grow := (48*time.Hour - d) / 2
		lo, hi = lo.Add(-grow), hi.Add(grow)
	}
	pad := hi.Sub(lo) / 25
	return lo.Add(-pad), hi.Add(pad)
}

// SVG draws the timeline.
func (t Timeline) SVG() template.HTML {
	loc := orUTC(t.Loc)
	lo, hi := t.span()
	sc := scale{lo: lo, hi: hi, x0: tlLeft, x1: width - tlRight}

	// The header: the clock start and "now", on as many rows as they need.
	var head []*label
	nowL := &label{x: sc.x(t.Now), text: t.Words.Now + " " + shortDate(t.Now, loc)}
	nowL.w = textWidth(nowL.text, fontSize)
	var startL *label
	if t.Start != nil {
		startL = &label{x: sc.x(*t.Start), text: t.Words.Start + " " + shortDate(*t.Start, loc)}
		startL.w = textWidth(startL.text, fontSize)
		head = append(head, startL)
	}
	head = append(head, nowL)
	sort.SliceStable(head, func(i, j int) bool { return head[i].x < head[j].x })
	headRows := stagger(head, tlLeft, width-4)
	y := 6 + float64(headRows)*14

	// Deadline labels, then submission labels, each staggered in its lane.
	pos := func(at time.Time) (float64, float64) { return sc.x(at), 0 }
	deadlines := clusterDeadlines(t.Deadlines, pos)
	dl := make([]*label, len(deadlines))
	for i, d := range deadlines {
		dl[i] = labelFor(d.x, truncate(d.text(t.Words), 40), d.first.State, t.Words)
	}
	dRows := stagger(dl, tlLeft, width-4)
	subs := append([]Point(nil), t.Submissions...)
	sort.SliceStable(subs, func(i, j int) bool { return subs[i].At.Before(subs[j].At) })
	sl := make([]*label, len(subs))
	for i, p := range subs {
		sl[i] = labelFor(sc.x(p.At), truncate(p.Label, 40), Done, Words{})
	}
	sRows := stagger(sl, tlLeft, width-4)

	yDead := y + 20
	ySub := yDead + 22 + float64(dRows)*rowStep
	yEvent := ySub + 22 + float64(sRows)*rowStep
	yAxis := yEvent + 20
	height := yAxis + 24

	var s svg
	s.start(t.ID, "chart-timeline", height, t.Title, t.Desc)

	// Lanes: name and a faint guide line.
	for _, lane := range []struct {
		name string
		y    float64
	}{{t.Words.Deadlines, yDead}, {t.Words.Submissions, ySub}, {t.Words.Events, yEvent}} {
		s.elem("text", lane.name, "class", "lane", "x", num(tlLeft-12), "y", num(lane.y+4), "text-anchor", "end", "fill", colMuted)
		s.empty("line", "x1", num(tlLeft), "x2", num(width-tlRight), "y1", num(lane.y), "y2", num(lane.y), "stroke", colGrid, "stroke-width", "1")
	}
	s.axis(sc, loc, yAxis, height)

	// The clock start and now: vertical lines across every lane.
	if startL != nil {
		x := sc.x(*t.Start)
		s.empty("line", "class", "start", "x1", num(x), "x2", num(x), "y1", num(y), "y2", num(yAxis), "stroke", colMuted, "stroke-width", "1.5")
		s.elem("text", startL.text, "class", "start-label", "x", num(startL.a), "y", num(12+float64(startL.row)*14), "fill", colMuted)
	}
	xNow := sc.x(t.Now)
	s.empty("line", "class", "now", "x1", num(xNow), "x2", num(xNow), "y1", num(y), "y2", num(yAxis), "stroke", colFG, "stroke-width", "1.5", "stroke-dasharray", "4 3")
	s.elem("text", nowL.text, "class", "now-label", "x", num(nowL.a), "y", num(12+float64(nowL.row)*14), "fill", colFG, "font-weight", "700")

	// Leaders first, then markers, then labels, so no line crosses a
	// marker or a label drawn before it.
	for i, d := range deadlines {
		s.leader(d.x, yDead, dl[i].row)
	}
	for i, p := range subs {
		s.leader(sc.x(p.At), ySub, sl[i].row)
	}
	for _, d := range deadlines {
		s.marker(d.first.State, d.x, yDead, "marker deadline", d.tooltip("", loc, t.Words))
	}
	for _, p := range subs {
		s.marker(Done, sc.x(p.At), ySub, "marker submission", p.Label+" — "+p.At.In(loc).Format("2006-01-02 15:04"))
	}
	for i, d := range deadlines {
		s.labelText(dl[i], yDead+22+float64(dl[i].row)*rowStep, d.first.State, t.Words, "deadline-label")
	}
	for i := range subs {
		s.labelText(sl[i], ySub+22+float64(sl[i].row)*rowStep, Open, t.Words, "submission-label")
	}
	for _, p := range t.Events {
		x := sc.x(p.At)
		s.open("g", "class", "marker event", "transform", "translate("+num(x)+","+num(yEvent)+")")
		s.elem("title", p.At.In(loc).Format("2006-01-02 15:04")+" "+truncate(p.Label, 120))
		s.empty("circle", "r", "4", "fill", colMuted, "stroke", colBG, "stroke-width", "1")
		s.close("g")
	}
	return s.result()
}

// leader draws a faint line from a marker at (x, y) down to its label's
// row, so a label moved down to a lower row still points at its marker.
func (s *svg) leader(x, y float64, row int) {
	if row == 0 {
		return
	}
	s.empty("line", "class", "leader", "x1", num(x), "x2", num(x), "y1", num(y+8), "y2", num(y+11+float64(row)*rowStep), "stroke", colLine, "stroke-width", "1")
}

// axis draws the time axis at y with dated ticks, spaced so that labels
// never crowd: a day, two, a week, a fortnight, four weeks or more apart.
func (s *svg) axis(sc scale, loc *time.Location, y, height float64) {
	s.empty("line", "class", "axis", "x1", num(sc.x0), "x2", num(sc.x1), "y1", num(y), "y2", num(y), "stroke", colMuted, "stroke-width", "1")
	days := sc.hi.Sub(sc.lo).Hours() / 24
	maxTicks := (sc.x1 - sc.x0) / 64
	step := 1
	for _, st := range []int{1, 2, 7, 14, 28, 56, 91, 182, 364, 728} {
		step = st
		if days/float64(st) <= maxTicks {
			break
		}
	}
	for d := dayStart(sc.lo, loc); !d.After(sc.hi); d = d.AddDate(0, 0, step) {
		if d.Before(sc.lo) {
			continue
		}
		x := sc.x(d)
		s.empty("line", "class", "tick", "x1", num(x), "x2", num(x), "y1", num(y), "y2", num(y+5), "stroke", colMuted, "stroke-width", "1")
		s.elem("text", shortDate(d, loc), "class", "tick-label", "x", num(x), "y", num(height-4), "text-anchor", "middle", "fill", colMuted, "font-size", "11")
	}
}
