package charts

import (
	"html/template"
	"time"
)

// DeadlineChart is the dashboard's picture of the deadlines around now:
// one row per case, a column per day, overdue deadlines to the left of
// now with a bar showing how late they are.
type DeadlineChart struct {
	ID    string // prefix of the element ids, unique on the page
	Title string
	Desc  string
	Now   time.Time
	Loc   *time.Location // days are this zone's days
	Words Words
	Past  int // days shown before today; 0 means 7
	Ahead int // days shown after today; 0 means 30
	Rows  []Row
}

// Row is one case's deadlines.
type Row struct {
	Label     string // the case reference
	Deadlines []Deadline
}

const (
	dcLeft  = 112.0 // room for the case references
	dcRight = 24.0
)

// window is the first and the last instant shown: whole days in loc.
func (c DeadlineChart) window(loc *time.Location) (time.Time, time.Time) {
	past, ahead := c.Past, c.Ahead
	if past <= 0 {
		past = 7
	}
	if ahead <= 0 {
		ahead = 30
	}
	today := dayStart(c.Now, loc)
	return today.AddDate(0, 0, -past), today.AddDate(0, 0, ahead+1)
}

// SVG draws the chart.
func (c DeadlineChart) SVG() template.HTML {
	loc := orUTC(c.Loc)
	lo, hi := c.window(loc)
	sc := scale{lo: lo, hi: hi, x0: dcLeft, x1: width - dcRight}
	xNow := sc.x(c.Now)

	// Lay out each row's labels first: the rows' heights depend on them.
	// A deadline outside the window is pinned to its edge, dated.
	pos := func(at time.Time) (float64, float64) {
		switch {
		case at.Before(lo):
			return sc.x0 + 8, -1
		case !at.Before(hi):
			return sc.x1 - 8, 1
		}
		return sc.x(at), 0
	}
	type rowLayout struct {
		Row
		items  []cluster
		labels []*label
		rows   int
		y      float64
	}
	const top = 44.0
	y := top
	layouts := make([]rowLayout, len(c.Rows))
	for i, r := range c.Rows {
		rl := rowLayout{Row: r, items: clusterDeadlines(r.Deadlines, pos)}
		for _, p := range rl.items {
			text := p.text(c.Words)
			if p.clamped != 0 {
				text = shortDate(p.first.At, loc) + " " + text
			}
			rl.labels = append(rl.labels, labelFor(p.x, truncate(text, 40), p.first.State, c.Words))
		}
		rl.rows = stagger(rl.labels, dcLeft, width-4)
		rl.y = y + 12
		y += 28 + float64(max(rl.rows, 1))*rowStep
		layouts[i] = rl
	}
	height := y + 4

	var s svg
	s.start(c.ID, "chart-deadlines", height, c.Title, c.Desc)

	// The overdue side is shaded and named, so "left of now = late" does
	// not rest on colour.
	s.empty("rect", "class", "overdue-zone", "x", num(sc.x0), "y", num(top-6), "width", num(xNow-sc.x0), "height", num(height-top+2), "fill", colDangerBG)
	s.elem("text", c.Words.Overdue, "class", "overdue-zone-label", "x", num(xNow-6), "y", "14", "text-anchor", "end", "fill", colDanger, "font-weight", "700")

	// One column per day; every seventh day from today is dated.
	today := dayStart(c.Now, loc)
	for d := lo; d.Before(hi); d = d.AddDate(0, 0, 1) {
		x := sc.x(d)
		days := int(d.Sub(today).Round(time.Hour).Hours() / 24)
		colour := colGrid
		if days%7 == 0 {
			colour = colLine
			if days != 0 {
				s.elem("text", shortDate(d, loc), "class", "day-label", "x", num(x), "y", num(top-12), "text-anchor", "middle", "fill", colMuted, "font-size", "11")
			}
		}
		s.empty("line", "class", "day", "x1", num(x), "x2", num(x), "y1", num(top-6), "y2", num(height-4), "stroke", colour, "stroke-width", "1")
	}
	s.empty("line", "class", "now", "x1", num(xNow), "x2", num(xNow), "y1", "20", "y2", num(height-4), "stroke", colFG, "stroke-width", "1.5", "stroke-dasharray", "4 3")
	s.elem("text", c.Words.Now+" "+shortDate(c.Now, loc), "class", "now-label", "x", num(xNow+6), "y", "14", "text-anchor", "start", "fill", colFG, "font-weight", "700")

	for i, rl := range layouts {
		if i > 0 {
			s.empty("line", "class", "row-sep", "x1", "4", "x2", num(width-4), "y1", num(rl.y-16), "y2", num(rl.y-16), "stroke", colLine, "stroke-width", "1")
		}
		s.rowLabel(rl.Label, rl.y)
		for j, p := range rl.items {
			s.leader(p.x, rl.y, rl.labels[j].row)
		}
		for _, p := range rl.items {
			if p.first.State == Overdue && p.x < xNow {
				// How late: a bar from the (earliest) deadline to now.
				s.empty("rect", "class", "late", "x", num(p.x), "y", num(rl.y-3), "width", num(xNow-p.x), "height", "6", "fill", colDanger, "opacity", "0.35")
			}
		}
		for _, p := range rl.items {
			tip := p.tooltip(rl.Label+" ", loc, c.Words)
			if p.clamped != 0 {
				s.arrow(p.first.State, p.x, rl.y, p.clamped, "marker deadline", tip)
			} else {
				s.marker(p.first.State, p.x, rl.y, "marker deadline", tip)
			}
		}
		for j, p := range rl.items {
			s.labelText(rl.labels[j], rl.y+22+float64(rl.labels[j].row)*rowStep, p.first.State, c.Words, "deadline-label")
		}
	}
	return s.result()
}

// rowLabel writes a case's reference. It is not a link: the picture is
// one image to assistive technology (role="img"), which must hold nothing
// to focus or follow; the table under it links each case.
func (s *svg) rowLabel(text string, y float64) {
	s.elem("text", truncate(text, 16), "class", "row-label", "x", num(dcLeft-12), "y", num(y+4), "text-anchor", "end", "font-weight", "600", "fill", colFG)
}
