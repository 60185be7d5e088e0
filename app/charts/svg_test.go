package charts

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
)

// node is a parsed SVG element, for the tests; text and child elements
// are kept in document order.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr
	Kids    []node
	parts   []any // text (string) or child (index into Kids), in order
}

// UnmarshalXML keeps mixed content in order, which the struct tags of
// encoding/xml would not.
func (n *node) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	n.XMLName, n.Attrs = start.Name, start.Attr
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			var k node
			if err := k.UnmarshalXML(d, tok); err != nil {
				return err
			}
			n.Kids = append(n.Kids, k)
			n.parts = append(n.parts, len(n.Kids)-1)
		case xml.CharData:
			n.parts = append(n.parts, string(tok))
		case xml.EndElement:
			return nil
		}
	}
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) hasClass(c string) bool {
	for _, f := range strings.Fields(n.attr("class")) {
		if f == c {
			return true
		}
	}
	return false
}

// text is the element's text with its children's, in order.
func (n node) text() string {
	var b strings.Builder
	for _, p := range n.parts {
		switch p := p.(type) {
		case string:
			b.WriteString(p)
		case int:
			b.WriteString(n.Kids[p].text())
		}
	}
	return b.String()
}

// all returns every element below n (n included) with the class.
func (n node) all(class string) []node {
	var out []node
	if n.hasClass(class) {
		out = append(out, n)
	}
	for _, k := range n.Kids {
		out = append(out, k.all(class)...)
	}
	return out
}

// child returns n's first child element named tag.
func (n node) child(tag string) node {
	for _, k := range n.Kids {
		if k.XMLName.Local == tag {
			return k
		}
	}
	return node{}
}

// translate reads a marker group's position.
func (n node) translate(t *testing.T) (float64, float64) {
	t.Helper()
	var x, y float64
	if _, err := fmt.Sscanf(n.attr("transform"), "translate(%g,%g)", &x, &y); err != nil {
		t.Fatalf("transform %q: %v", n.attr("transform"), err)
	}
	return x, y
}

func parseSVG(t *testing.T, s string) node {
	t.Helper()
	var root node
	if err := xml.Unmarshal([]byte(s), &root); err != nil {
		t.Fatalf("not well-formed SVG: %v\n%s", err, s)
	}
	if root.XMLName.Local != "svg" || root.attr("role") != "img" || root.attr("viewBox") == "" || root.attr("width") != "100%" {
		t.Fatalf("root: %+v", root.Attrs)
	}
	ids := strings.Fields(root.attr("aria-labelledby"))
	if len(ids) != 2 || root.child("title").attr("id") != ids[0] || root.child("desc").attr("id") != ids[1] {
		t.Fatalf("svg is not labelled by its title and desc: %v", ids)
	}
	return root
}

func num64(t *testing.T, s string) float64 {
	t.Helper()
	var f float64
	if _, err := fmt.Sscanf(s, "%g", &f); err != nil {
		t.Fatalf("number %q: %v", s, err)
	}
	return f
}

func TestTextWidthCountsWideCharacters(t *testing.T) {
	if a, j := textWidth("abcd", 10), textWidth("期限超過", 10); j <= a || j != 40 {
		t.Fatalf("ascii %v, kanji %v", a, j)
	}
	if got := truncate("個人情報保護委員会への報告", 6); got != "個人情報保…" {
		t.Fatalf("truncate: %q", got)
	}
}

func TestStaggerKeepsLabelsApart(t *testing.T) {
	ls := []*label{{x: 100, w: 80}, {x: 120, w: 80}, {x: 300, w: 50}, {x: 700, w: 80}}
	rows := stagger(ls, 96, 716)
	if rows != 2 || ls[0].row != 0 || ls[1].row != 1 || ls[2].row != 0 {
		t.Fatalf("rows %d: %+v %+v %+v", rows, *ls[0], *ls[1], *ls[2])
	}
	if ls[3].a+ls[3].w != 716 || ls[3].a > ls[3].x {
		t.Fatalf("a label at the right edge should slide left to end inside: %+v", *ls[3])
	}
}
