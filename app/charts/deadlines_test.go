package charts

import (
	"strings"
	"testing"
	"time"
)

func TestDeadlineChart(t *testing.T) {
	tests := []struct {
		name string
		rows []Row
		// per marker, in row then time order: side of now (-1 left, +1
		// right), clamped to the edge, and its state class
		side    []int
		clamped []bool
		states  []string
		late    int // bars from an overdue deadline to now
		labels  []string
	}{
		{
			name: "one case, overdue and upcoming",
			rows: []Row{{Label: "INC-2026-0001", Deadlines: []Deadline{
				{At: day(-2), Label: "jp.appi.ppc.preliminary", State: Overdue},
				{At: day(25), Label: "jp.appi.ppc.final", State: Open},
			}}},
			side: []int{-1, 1}, clamped: []bool{false, false}, states: []string{"overdue", "open"}, late: 1,
			labels: []string{"期限超過 jp.appi.ppc.preliminary", "jp.appi.ppc.final"},
		},
		{
			name: "outside the window: pinned to the edges with their dates",
			rows: []Row{{Label: "INC-2026-0002", Deadlines: []Deadline{
				{At: day(-40), Label: "old", State: Overdue},
				{At: day(60), Label: "far", State: Open},
			}}},
			side: []int{-1, 1}, clamped: []bool{true, true}, states: []string{"overdue", "open"}, late: 1,
			labels: []string{"期限超過 10/15 old", "1/23 far"},
		},
		{
			name: "two cases",
			rows: []Row{
				{Label: "INC-A", Deadlines: []Deadline{{At: day(1), Label: "a", State: Open}}},
				{Label: "INC-B", Deadlines: []Deadline{{At: day(2), Label: "b", State: Open}, {At: day(-1), Label: "c", State: Overdue}}},
			},
			side: []int{1, -1, 1}, clamped: []bool{false, false, false}, states: []string{"open", "overdue", "open"}, late: 1,
			labels: []string{"a", "期限超過 c", "b"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DeadlineChart{ID: "dc", Title: "deadlines", Desc: "d", Now: now, Loc: tokyo, Words: words, Rows: tc.rows}
			root := parseSVG(t, string(c.SVG()))
			xNow := num64(t, root.all("now")[0].attr("x1"))
			markers := root.all("marker")
			if len(markers) != len(tc.side) {
				t.Fatalf("%d markers, want %d", len(markers), len(tc.side))
			}
			for i, m := range markers {
				x, _ := m.translate(t)
				if (x < xNow) != (tc.side[i] < 0) {
					t.Errorf("marker %d at %v, now at %v: wrong side", i, x, xNow)
				}
				if m.hasClass("clamped") != tc.clamped[i] {
					t.Errorf("marker %d clamped=%v", i, m.hasClass("clamped"))
				}
				if !m.hasClass(tc.states[i]) {
					t.Errorf("marker %d: class %q, want %s", i, m.attr("class"), tc.states[i])
				}
				if x < dcLeft || x > width-dcRight {
					t.Errorf("marker %d at %v outside the plot", i, x)
				}
			}
			if n := len(root.all("late")); n != tc.late {
				t.Errorf("%d late bars, want %d", n, tc.late)
			}
			var texts []string
			for _, l := range root.all("deadline-label") {
				texts = append(texts, l.text())
			}
			if strings.Join(texts, "|") != strings.Join(tc.labels, "|") {
				t.Errorf("labels %q, want %q", texts, tc.labels)
			}
			rowLabels := root.all("row-label")
			if len(rowLabels) != len(tc.rows) {
				t.Fatalf("%d row labels", len(rowLabels))
			}
			// The overdue side is named in words too.
			if z := root.all("overdue-zone-label"); len(z) != 1 || z[0].text() != "期限超過" {
				t.Errorf("overdue zone label: %v", z)
			}
		})
	}
}

// The window is whole days in the organisation's zone: 7 before today and
// 30 after by default, with today's column where now is.
func TestDeadlineChartWindow(t *testing.T) {
	c := DeadlineChart{Now: now, Loc: tokyo}
	lo, hi := c.window(tokyo)
	if !lo.Equal(time.Date(2026, 11, 17, 0, 0, 0, 0, tokyo)) || !hi.Equal(time.Date(2026, 12, 25, 0, 0, 0, 0, tokyo)) {
		t.Fatalf("window %v – %v", lo, hi)
	}
	root := parseSVG(t, string(c.SVG()))
	if n := len(root.all("day")); n != 38 {
		t.Fatalf("%d day columns, want 38", n)
	}
	// Dated every week from today: 11/17 and 12/1, 12/8, 12/15, 12/22.
	var dates []string
	for _, l := range root.all("day-label") {
		dates = append(dates, l.text())
	}
	if strings.Join(dates, " ") != "11/17 12/1 12/8 12/15 12/22" {
		t.Fatalf("day labels %v", dates)
	}
}

func TestDeadlineChartEscapesAndHoldsNoLinks(t *testing.T) {
	c := DeadlineChart{ID: "dc", Title: `<script>x</script> & co`, Now: now, Words: words, Rows: []Row{
		{Label: "<b>INC</b>", Deadlines: []Deadline{{At: day(1), Label: `"><script>`, State: Open}}},
		{Label: "INC&2", Deadlines: []Deadline{{At: day(1), Label: "ok", State: Open}}},
		{Label: "INC-3", Deadlines: []Deadline{{At: day(1), Label: "ok", State: Open}}},
	}}
	out := string(c.SVG())
	if strings.Contains(out, "<script") || strings.Contains(out, "<b>") || strings.Contains(out, "javascript:") || strings.Contains(out, "evil.example") {
		t.Fatalf("unsafe output:\n%s", out)
	}
	root := parseSVG(t, out)
	if root.child("title").text() != `<script>x</script> & co` {
		t.Fatalf("title: %q", root.child("title").text())
	}
	var links []string
	var walk func(n node)
	walk = func(n node) {
		if n.XMLName.Local == "a" {
			links = append(links, n.attr("href")+"="+n.text())
		}
		for _, k := range n.Kids {
			walk(k)
		}
	}
	walk(root)
	// A picture with role="img" is one image to assistive technology: a
	// link inside it could be neither announced nor reached (axe-core:
	// nested-interactive). The table under the chart links each case.
	if len(links) != 0 {
		t.Fatalf("links %v", links)
	}
	if !strings.Contains(out, "INC&amp;2") {
		t.Fatal("the row label is not escaped text")
	}
}
