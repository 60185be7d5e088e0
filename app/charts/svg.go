package charts

import (
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// svg writes SVG markup. Element and attribute names come only from this
// package's code; every value and text passes through html.EscapeString,
// which makes the result safe in HTML and well-formed XML. That is why
// Result may be trusted as template.HTML.
type svg struct{ b strings.Builder }

// open writes a start tag; attrs are name, value pairs.
func (s *svg) open(tag string, attrs ...string) {
	s.b.WriteString("<" + tag)
	for i := 0; i+1 < len(attrs); i += 2 {
		s.b.WriteString(" " + attrs[i] + `="` + html.EscapeString(attrs[i+1]) + `"`)
	}
	s.b.WriteString(">")
}

// empty writes an element without content.
func (s *svg) empty(tag string, attrs ...string) {
	s.open(tag, attrs...)
	s.close(tag)
}

func (s *svg) close(tag string) { s.b.WriteString("</" + tag + ">") }

// text writes character data.
func (s *svg) text(t string) { s.b.WriteString(html.EscapeString(t)) }

// elem writes an element with text content.
func (s *svg) elem(tag, content string, attrs ...string) {
	s.open(tag, attrs...)
	s.text(content)
	s.close(tag)
}

// start opens the root element, labelled by its <title> and <desc>.
func (s *svg) start(id, class string, height float64, title, desc string) {
	s.open("svg", "xmlns", "http://www.w3.org/2000/svg", "class", class, "viewBox", "0 0 "+num(width)+" "+num(height),
		"width", "100%", "role", "img", "aria-labelledby", id+"-title "+id+"-desc",
		"font-size", num(fontSize), "font-family", "inherit")
	s.elem("title", title, "id", id+"-title")
	s.elem("desc", desc, "id", id+"-desc")
}

func (s *svg) result() template.HTML {
	s.close("svg")
	// Every dynamic part was escaped on the way in.
	return template.HTML(s.b.String()) //nolint:gosec // see svg
}

// num formats a coordinate with one decimal, without trailing zeros.
func num(f float64) string {
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}

// marker draws a deadline's shape at (x, y). Shapes differ by state as
// well as colour: open is a hollow diamond, overdue a filled one with an
// exclamation mark, done a filled circle with a tick, waived a hollow
// circle struck through.
func (s *svg) marker(st State, x, y float64, class, tooltip string) {
	colour, _ := stateLook(st, Words{})
	s.open("g", "class", class+" "+string(st), "transform", "translate("+num(x)+","+num(y)+")")
	s.elem("title", tooltip)
	switch st {
	case Overdue:
		s.empty("path", "d", "M0,-8L8,0L0,8L-8,0Z", "fill", colour, "stroke", colour, "stroke-width", "1.5")
		s.empty("path", "d", "M0,-4.5V1.5M0,3.5V4.5", "stroke", colBG, "stroke-width", "2", "stroke-linecap", "round")
	case Done:
		s.empty("circle", "r", "7", "fill", colour)
		s.empty("path", "d", "M-3.5,0L-1,2.8L3.8,-2.8", "fill", "none", "stroke", colBG, "stroke-width", "2", "stroke-linecap", "round")
	case Waived:
		s.empty("circle", "r", "6.5", "fill", colBG, "stroke", colour, "stroke-width", "2")
		s.empty("path", "d", "M-4.5,4.5L4.5,-4.5", "stroke", colour, "stroke-width", "2")
	default:
		s.empty("path", "d", "M0,-7L7,0L0,7L-7,0Z", "fill", colBG, "stroke", colour, "stroke-width", "2.5")
	}
	s.close("g")
}

// arrow draws a marker for a deadline outside the window, pointing the
// way it lies (dir -1: earlier, +1: later).
func (s *svg) arrow(st State, x, y, dir float64, class, tooltip string) {
	colour, _ := stateLook(st, Words{})
	s.open("g", "class", class+" "+string(st)+" clamped", "transform", "translate("+num(x)+","+num(y)+")")
	s.elem("title", tooltip)
	s.empty("path", "d", "M"+num(8*dir)+",0L"+num(-2*dir)+",-7L"+num(-2*dir)+",7Z", "fill", colour)
	s.close("g")
}

// labelText writes a marker's label, with the state's word in front (bold,
// in the state's colour) when it has one.
func (s *svg) labelText(l *label, y float64, st State, w Words, class string) {
	colour, word := stateLook(st, w)
	// A white halo keeps the text legible where it crosses a line.
	s.open("text", "class", class, "x", num(l.a), "y", num(y), "fill", colFG,
		"stroke", colBG, "stroke-width", "3", "stroke-linejoin", "round", "paint-order", "stroke")
	if word != "" {
		s.elem("tspan", word, "class", "state", "fill", colour, "font-weight", "700")
		s.text(" ")
	}
	s.text(l.text)
	s.close("text")
}

// labelFor builds the label of a deadline, measuring the state word too.
func labelFor(x float64, text string, st State, w Words) *label {
	_, word := stateLook(st, w)
	full := text
	if word != "" {
		full = word + " " + text
	}
	return &label{x: x, text: text, w: textWidth(full, fontSize)}
}
