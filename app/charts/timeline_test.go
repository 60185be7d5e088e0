package charts

import (
	"strings"
	"testing"
	"time"
)

var (
	tokyo = time.FixedZone("JST", 9*3600)
	now   = time.Date(2026, 11, 24, 12, 0, 0, 0, tokyo)
	words = Words{Now: "現在", Start: "覚知", Overdue: "期限超過", Done: "提出済", Waived: "免除",
		Deadlines: "期限", Submissions: "提出", Events: "経過"}
)

func day(n int) time.Time { return now.AddDate(0, 0, n) }

func TestTimelineMarkers(t *testing.T) {
	start := day(-10)
	tests := []struct {
		name string
		in   Timeline
		// want: deadline states in time order, events, submissions
		states      []string
		events      int
		submissions int
		// a label text that must be drawn
		labels []string
	}{
		{
			name:   "empty case: only now",
			in:     Timeline{ID: "t0", Title: "INC-1", Now: now, Words: words},
			states: nil,
		},
		{
			name: "overdue, open, done and waived",
			in: Timeline{ID: "t1", Title: "INC-2", Now: now, Loc: tokyo, Words: words, Start: &start,
				Events: []Point{{At: day(-10), Label: "opened"}, {At: day(-9), Label: "assessed"}, {At: day(-1), Label: "note"}},
				Deadlines: []Deadline{
					{At: day(20), Label: "jp.appi.ppc.final", State: Open},
					{At: day(-7), Label: "jp.appi.ppc.preliminary", State: Overdue},
					{At: day(-9), Label: "jp.card.acquirer", State: Done},
					{At: day(-5), Label: "jp.police.consultation", State: Waived},
				},
				Submissions: []Point{{At: day(-9).Add(-3 * time.Hour), Label: "jp.card.acquirer"}},
			},
			states:      []string{"done", "overdue", "waived", "open"},
			events:      3,
			submissions: 1,
			labels:      []string{"期限超過 jp.appi.ppc.preliminary", "提出済 jp.card.acquirer", "免除 jp.police.consultation", "jp.appi.ppc.final", "現在 11/24", "覚知 11/14"},
		},
		{
			name: "English words",
			in: Timeline{ID: "t2", Title: "INC-3", Now: now, Loc: tokyo, Words: Words{Now: "Now", Overdue: "OVERDUE"},
				Deadlines: []Deadline{{At: day(-1), Label: "gdpr.art33", State: Overdue}}},
			states: []string{"overdue"},
			labels: []string{"OVERDUE gdpr.art33", "Now 11/24"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := parseSVG(t, string(tc.in.SVG()))
			if got := root.child("title").text(); got != tc.in.Title {
				t.Errorf("title %q", got)
			}
			dl := root.all("deadline")
			var states []string
			for _, m := range dl {
				if m.XMLName.Local == "g" {
					states = append(states, strings.Fields(m.attr("class"))[2])
				}
			}
			if strings.Join(states, ",") != strings.Join(tc.states, ",") {
				t.Errorf("deadline states %v, want %v", states, tc.states)
			}
			if n := len(root.all("event")); n != tc.events {
				t.Errorf("events %d, want %d", n, tc.events)
			}
			if n := len(root.all("submission")); n != tc.submissions {
				t.Errorf("submissions %d, want %d", n, tc.submissions)
			}
			var texts []string
			for _, class := range []string{"deadline-label", "submission-label", "now-label", "start-label"} {
				for _, n := range root.all(class) {
					texts = append(texts, n.text())
				}
			}
			for _, want := range tc.labels {
				found := false
				for _, got := range texts {
					found = found || got == want
				}
				if !found {
					t.Errorf("no label %q in %q", want, texts)
				}
			}
			// Overdue is said in words, next to the colour.
			for _, m := range root.all("deadline-label") {
				for _, ts := range m.Kids {
					if ts.hasClass("state") && ts.attr("fill") != colDanger && ts.text() == tc.in.Words.Overdue {
						t.Errorf("overdue word not in the danger colour")
					}
				}
			}
		})
	}
}

// Markers sit in time order from left to right, inside the plot; now is
// drawn where it belongs between them.
func TestTimelinePositions(t *testing.T) {
	start := day(-10)
	in := Timeline{ID: "tl", Title: "x", Now: now, Loc: tokyo, Words: words, Start: &start,
		Deadlines: []Deadline{{At: day(-7), Label: "a", State: Overdue}, {At: day(3), Label: "b", State: Open}, {At: day(30), Label: "c", State: Open}}}
	root := parseSVG(t, string(in.SVG()))
	var xs []float64
	for _, m := range root.all("marker") {
		x, _ := m.translate(t)
		xs = append(xs, x)
	}
	if len(xs) != 3 || !(xs[0] < xs[1] && xs[1] < xs[2]) || xs[0] < tlLeft || xs[2] > width-tlRight {
		t.Fatalf("marker xs %v", xs)
	}
	now := root.all("now")[0]
	xNow := num64(t, now.attr("x1"))
	if !(xs[0] < xNow && xNow < xs[1]) {
		t.Fatalf("now at %v, markers %v", xNow, xs)
	}
	// Ten days before now, forty days shown: the start is about a quarter in.
	xStart := num64(t, root.all("start")[0].attr("x1"))
	if xStart > xs[0] || xStart < tlLeft {
		t.Fatalf("start at %v", xStart)
	}
	// Axis ticks are dated and spaced for reading.
	ticks := root.all("tick-label")
	if len(ticks) < 3 || len(ticks) > 10 {
		t.Fatalf("%d tick labels", len(ticks))
	}
}

// Labels that would collide go on separate rows, and the rows grow the
// picture rather than overlap the lanes below.
func TestTimelineStaggersCloseDeadlines(t *testing.T) {
	in := Timeline{ID: "tl", Title: "x", Now: now, Words: words, Deadlines: []Deadline{
		{At: day(1), Label: "jp.appi.ppc.preliminary", State: Open},
		{At: day(1).Add(8 * time.Hour), Label: "jp.appi.ppc.final", State: Open},
		{At: day(1).Add(16 * time.Hour), Label: "jp.card.acquirer", State: Open},
	}}
	root := parseSVG(t, string(in.SVG()))
	ys := map[string]bool{}
	var last float64
	for _, l := range root.all("deadline-label") {
		ys[l.attr("y")] = true
		last = max(last, num64(t, l.attr("y")))
	}
	if len(ys) != 3 {
		t.Fatalf("labels share rows: %v", ys)
	}
	sub := root.all("lane")[1] // the submissions lane's name
	if num64(t, sub.attr("y")) <= last {
		t.Fatalf("deadline labels (to %v) run into the submissions lane (%s)", last, sub.attr("y"))
	}
}

// Case titles and event texts are the users': they are escaped, never
// markup.
func TestTimelineEscapes(t *testing.T) {
	title := `<script>alert("x")</script> Tom & Jerry's`
	in := Timeline{ID: `tl"x`, Title: title, Desc: "a < b & c", Now: now, Words: words,
		Events:    []Point{{At: day(-1), Label: "</title><script>bad()</script>"}},
		Deadlines: []Deadline{{At: day(1), Label: "R&D <b>", State: Overdue}}}
	out := string(in.SVG())
	if strings.Contains(out, "<script") || strings.Contains(out, "<b>") {
		t.Fatalf("markup got through:\n%s", out)
	}
	root := parseSVG(t, out)
	if got := root.child("title").text(); got != title {
		t.Fatalf("title round trip: %q", got)
	}
	if got := root.child("desc").text(); got != "a < b & c" {
		t.Fatalf("desc round trip: %q", got)
	}
	if got := root.all("event")[0].child("title").text(); !strings.HasSuffix(got, "</title><script>bad()</script>") {
		t.Fatalf("event tooltip: %q", got)
	}
	if got := root.all("deadline-label")[0].text(); got != "期限超過 R&D <b>" {
		t.Fatalf("label: %q", got)
	}
}

// Deadlines of one state whose markers would overlap become one marker
// labelled with the first and how many more; the tooltip lists them all.
// Different states never merge.
func TestTimelineClustersOverlappingMarkers(t *testing.T) {
	in := Timeline{ID: "tl", Title: "x", Now: now, Loc: tokyo, Words: words, Deadlines: []Deadline{
		{At: day(-9), Label: "card.visa.notify", State: Overdue},
		{At: day(-9).Add(time.Hour), Label: "card.mastercard.adc", State: Overdue},
		{At: day(-9).Add(2 * time.Hour), Label: "jp.card.acquirer", State: Done},
		{At: day(-9).Add(3 * time.Hour), Label: "jp.police.consultation", State: Overdue},
		{At: day(50), Label: "jp.appi.ppc.final", State: Open},
	}}
	root := parseSVG(t, string(in.SVG()))
	markers := root.all("marker")
	if len(markers) != 4 {
		t.Fatalf("%d markers, want 4 (overdue ×2, done, overdue, open)", len(markers))
	}
	var labels []string
	for _, l := range root.all("deadline-label") {
		labels = append(labels, l.text())
	}
	want := "期限超過 card.visa.notify +1|提出済 jp.card.acquirer|期限超過 jp.police.consultation|jp.appi.ppc.final"
	if strings.Join(labels, "|") != want {
		t.Fatalf("labels %q", labels)
	}
	tip := markers[0].child("title").text()
	if !strings.Contains(tip, "card.visa.notify — 2026-11-15 12:00 (期限超過)\ncard.mastercard.adc — 2026-11-15 13:00 (期限超過)") {
		t.Fatalf("tooltip %q", tip)
	}
}
