package clock_test

import (
	"cmp"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const clockPath = "github.com/breachdesk/breachdesk/app/clock"

// The wall clock is read in clock.go only. Anywhere else in the module,
// code and tests alike, time.Now, time.Since and time.Until are refused:
// a date comes from an injected Clock, a duration from a Stopwatch. The
// system clock itself is handed out only by cmd/ (the wiring) and by
// app/clock (clocktest.Real, for tests that share a database with a
// breachdesk process).
func TestOnlyThisPackageReadsTheWallClock(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found above app/clock: %v", err)
	}
	var bad []string
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		files++
		bad = append(bad, wallClockReads(t, path, rel)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("only %d Go files found under %s", files, root)
	}
	for _, b := range bad {
		t.Error(b)
	}
}

// wallClockReads lists the forbidden reads in one file.
func wallClockReads(t *testing.T, path, rel string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	timeName, clockName := "", ""
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		name := ""
		if imp.Name != nil {
			name = imp.Name.Name
		}
		switch p {
		case "time":
			timeName = cmp.Or(name, "time")
		case clockPath:
			clockName = cmp.Or(name, "clock")
		}
	}
	mayReadWall := rel == "app/clock/clock.go"
	mayHandOutSystem := strings.HasPrefix(rel, "app/clock/") || (strings.HasPrefix(rel, "cmd/") && !strings.HasSuffix(rel, "_test.go"))
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		x, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		pos := fset.Position(sel.Pos())
		switch {
		case timeName != "" && x.Name == timeName && !mayReadWall &&
			(sel.Sel.Name == "Now" || sel.Sel.Name == "Since" || sel.Sel.Name == "Until"):
			out = append(out, rel+":"+strconv.Itoa(pos.Line)+": time."+sel.Sel.Name+" reads the wall clock: take the injected clock.Clock for a date, clock.Start for a duration")
		case clockName != "" && x.Name == clockName && sel.Sel.Name == "System" && !mayHandOutSystem:
			out = append(out, rel+":"+strconv.Itoa(pos.Line)+": clock.System outside cmd/: take the clock the constructor is handed (tests: clocktest)")
		}
		return true
	})
	return out
}
