package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/frontend"
)

// codeArg says which argument of a call is a message code: apperr's
// constructors, ValidationError.Add, the obligations engine's invalid and
// the timeline's automatic entries (timeline.Record and the FAQ's helper).
var codeArg = map[string]int{
	"apperr.Invalid": 1, "apperr.New": 1, "apperr.Conflict": 0, "apperr.Forbidden": 0, "apperr.Msg": 0,
	".Add": 1, "invalid": 1, ".Record": 5, ".faqChanged": 4,
}

// errorNamespaces are the catalogue's namespaces for the messages of
// domain errors: a key-shaped literal in one of them is a code wherever it
// is written (a constant, a function choosing among codes).
var errorNamespaces = []string{"validation.", "conflict.", "forbidden."}

// Every message code the Go code gives a domain error is in the catalogue
// in Japanese and in English: services write codes, never sentences, and
// the web translates them (a missing one would show as "[code]"). A code
// argument that is a literal must be key-shaped, so an English sentence
// cannot creep back in as a code.
func TestEveryErrorCodeIsTranslated(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load(frontend.Messages, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	problems := map[string]bool{}
	codes := map[string]bool{}
	check := func(code, where string) {
		if !goKeyShape.MatchString(code) {
			problems[where+": "+strconv.Quote(code)+" is not a message code"] = true
			return
		}
		codes[code] = true
		for _, lang := range i18n.Languages {
			if !cat.Has(lang, code) {
				problems[where+": "+code+" has no "+lang+" message"] = true
			}
		}
	}
	fset := token.NewFileSet()
	err = filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "../.." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				i, ok := codeArg[callName(n)]
				if !ok || len(n.Args) <= i {
					return true
				}
				if s, ok := stringLit(n.Args[i]); ok {
					check(s, fset.Position(n.Args[i].Pos()).String())
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Code" {
					if s, ok := stringLit(n.Value); ok {
						check(s, fset.Position(n.Value.Pos()).String())
					}
				}
			case *ast.BasicLit:
				if s, ok := stringLit(n); ok && goKeyShape.MatchString(s) {
					for _, ns := range errorNamespaces {
						if strings.HasPrefix(s, ns) {
							check(s, fset.Position(n.Pos()).String())
						}
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		report := slices.Sorted(maps.Keys(problems))
		t.Fatalf("message codes without a translation:\n%s", strings.Join(report, "\n"))
	}
	if len(codes) < 150 {
		t.Fatalf("found only %d message codes in the Go code: has the way errors are made changed?", len(codes))
	}
}

// callName is "apperr.Invalid" for a package's function, ".Add" for a
// method, "invalid" for a function of the file's own package.
func callName(call *ast.CallExpr) string {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok && x.Name == "apperr" {
			return "apperr." + f.Sel.Name
		}
		return "." + f.Sel.Name
	}
	return ""
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// The obligations engine says each input error twice, in English for its
// command line and as a code for the web: both say the same.
func TestFactErrorsReadAsTheirEnglishMessage(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load(frontend.Messages, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	var all obligations.ValidationErrors
	for _, in := range []string{
		`[]`, `null`, `{} {}`, `{"nope": 1}`,
		`{"aware_at": 5, "principal_notified_at": "yesterday", "data_items": "name", "timezone": 3, "persons_affected": "10",
		  "persons_upper_bound": true, "records_affected": 1.5, "sensitive": "yes", "residents": [], "eu_risk": 1}`,
		`{"residents": {"JP": "many"}}`,
	} {
		_, err := obligations.ParseFacts(strings.NewReader(in))
		es, ok := err.(obligations.ValidationErrors)
		if !ok {
			t.Fatalf("%s: %v", in, err)
		}
		all = append(all, es...)
	}
	f, err := obligations.ParseFacts(strings.NewReader(`{"aware_at": "2999-01-01T00:00:00Z", "principal_notified_at": "1000-01-01T00:00:00Z",
		"data_items": ["gossip"], "card_brands": ["acme"], "persons_affected": 10, "persons_upper_bound": 5, "records_affected": -1,
		"residents": {"XX": 1, "JP": -2, "US": 20}, "eu_risk": "maybe", "timezone": "Mars/Olympus"}`))
	if err != nil {
		t.Fatal(err)
	}
	es, ok := f.Validate(f.AwareAt.AddDate(-1, 0, 0)).(obligations.ValidationErrors)
	if !ok {
		t.Fatal("invalid facts pass")
	}
	all = append(all, es...)
	f.AwareAt = f.AwareAt.AddDate(-9000, 0, 0)
	es, _ = f.Validate(f.AwareAt).(obligations.ValidationErrors)
	all = append(all, es...)
	if len(all) < 25 {
		t.Fatalf("only %d errors: %v", len(all), all)
	}
	for _, e := range all {
		if got := cat.Message("en", e.Code, e.Args...); got != e.Reason {
			t.Errorf("%s: %s says %q, the command line %q", e.Field, e.Code, got, e.Reason)
		}
	}
}
