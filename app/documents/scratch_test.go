package documents

import (
	"os"
	"testing"
)

func TestScratch(t *testing.T) {
	r, err := NewRenderer(GothicFontPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sampleDoc()
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Render(doc, sampleMeta(true))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("/tmp/bd-scratch.pdf", b, 0o644)
}
