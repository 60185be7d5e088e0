package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/frontend"
)

// openActions are the action families whose last part comes from outside
// the package that records them, where the source cannot say which values
// it takes: the obligation statuses a person sets from a page
// (assessment.SetDraftState, FollowDocument), which
// draftStatePermission limits to these.
var openActions = map[string][]string{
	"obligation.": {assessment.StatusPending, assessment.StatusDrafted, assessment.StatusApproved},
}

// Every action code the code base writes to the audit log has a label in
// Japanese and in English (audit.action.<code>), so the log page and its
// export never show a bare code. The codes are read from the source: the
// Action of every audit.Entry literal, followed where it is not a literal
// through the variables, parameters, fields, results and constants it is
// made of, within its package ("people.import." + status, a failAction
// handed down from the login).
func TestEveryAuditActionHasALabel(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load(frontend.Messages, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	pkgs := map[string]*goPackage{}
	consts := map[string]string{} // "pkg.Name" → value, for constants of other packages
	fset := token.NewFileSet()
	err = filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != "../.." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		dir := filepath.Dir(p)
		if pkgs[dir] == nil {
			pkgs[dir] = &goPackage{funcs: map[string][]*goFunc{}, consts: map[string]string{}}
		}
		pkgs[dir].add(f, consts)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	codes := map[string][]string{} // code → where written
	var problems []string
	for _, pkg := range pkgs {
		for _, fn := range pkg.all {
			ast.Inspect(fn.decl, func(n ast.Node) bool {
				lit, ok := n.(*ast.CompositeLit)
				if !ok || !isAuditEntry(lit.Type) {
					return true
				}
				for _, el := range lit.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if k, isIdent := kv.Key.(*ast.Ident); !ok || !isIdent || k.Name != "Action" {
						continue
					}
					where := fset.Position(kv.Value.Pos()).String()
					r := &resolver{pkg: pkg, consts: consts, seen: map[string][]string{}}
					values := r.resolve(kv.Value, fn)
					if len(values) == 0 {
						problems = append(problems, where+": cannot tell which action codes this Action takes")
					}
					for _, v := range values {
						prefix, open := strings.CutSuffix(v, unresolved)
						if !open {
							codes[v] = append(codes[v], where)
							continue
						}
						suffixes, known := openActions[prefix]
						if !known || strings.Contains(prefix, unresolved) {
							problems = append(problems, where+": cannot tell which action codes "+strconv.Quote(prefix+"…")+" stands for; list them in openActions")
						}
						for _, s := range suffixes {
							codes[prefix+s] = append(codes[prefix+s], where+" (openActions)")
						}
					}
				}
				return true
			})
		}
	}
	for _, code := range slices.Sorted(maps.Keys(codes)) {
		for _, lang := range i18n.Languages {
			if !cat.Has(lang, "audit.action."+code) {
				problems = append(problems, "audit.action."+code+" has no "+lang+" label (written at "+codes[code][0]+")")
			}
		}
	}
	if len(problems) > 0 {
		t.Fatalf("audit actions without a label:\n%s", strings.Join(problems, "\n"))
	}
	for _, want := range []string{"notice.approve", "people.import.done", "login.failed", "obligation.submit", "obligation.drafted", "invitation.accept", "faq.export", "audit.export"} {
		if _, ok := codes[want]; !ok {
			t.Errorf("the walk did not find %s: has the way actions are written changed?", want)
		}
	}
	if len(codes) < 70 {
		t.Errorf("found only %d action codes: has the way actions are written changed?", len(codes))
	}
}

// unresolved stands for the part of a code the walk cannot follow.
const unresolved = "\x00"

// goPackage is one directory's non-test Go files.
type goPackage struct {
	all    []*goFunc
	funcs  map[string][]*goFunc // by name; methods of any receiver too
	consts map[string]string
	// kvs are the key: value pairs of every composite literal, for fields.
	kvs []goKV
	// assigns are the assignments to a field (x.f = v).
	assigns []goKV
}

type goKV struct {
	key   string
	value ast.Expr
	fn    *goFunc
}

// goFunc is a function declaration with its file's imports.
type goFunc struct {
	decl    *ast.FuncDecl
	imports map[string]bool // the names the file imports packages as
}

func (p *goPackage) add(f *ast.File, consts map[string]string) {
	imports := map[string]bool{}
	for _, im := range f.Imports {
		name := path.Base(strings.Trim(im.Path.Value, `"`))
		if im.Name != nil {
			name = im.Name.Name
		}
		imports[name] = true
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok != token.CONST {
				continue
			}
			for _, spec := range d.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if s, ok := stringLit(vs.Values[i]); ok {
							p.consts[name.Name] = s
							consts[f.Name.Name+"."+name.Name] = s
						}
					}
				}
			}
		case *ast.FuncDecl:
			if d.Body == nil {
				continue
			}
			fn := &goFunc{decl: d, imports: imports}
			p.all = append(p.all, fn)
			p.funcs[d.Name.Name] = append(p.funcs[d.Name.Name], fn)
			ast.Inspect(d.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.KeyValueExpr:
					if k, ok := n.Key.(*ast.Ident); ok {
						p.kvs = append(p.kvs, goKV{k.Name, n.Value, fn})
					}
				case *ast.AssignStmt:
					for i, l := range n.Lhs {
						if sel, ok := l.(*ast.SelectorExpr); ok && len(n.Rhs) == len(n.Lhs) {
							p.assigns = append(p.assigns, goKV{sel.Sel.Name, n.Rhs[i], fn})
						}
					}
				}
				return true
			})
		}
	}
}

func isAuditEntry(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "audit" && sel.Sel.Name == "Entry"
}

// resolver follows an expression to the strings it can hold.
type resolver struct {
	pkg    *goPackage
	consts map[string]string
	// seen holds what a name (name@function, .field, result@function)
	// was found to hold; nil while it is being followed, which ends a
	// cycle.
	seen map[string][]string
}

// once follows key with find, once: again, it answers what it found.
func (r *resolver) once(key string, find func() []string) []string {
	if out, ok := r.seen[key]; ok {
		return out
	}
	r.seen[key] = nil
	out := find()
	r.seen[key] = out
	return out
}

// resolve lists the strings e can hold; a part it cannot follow is
// unresolved, at the end of the string.
func (r *resolver) resolve(e ast.Expr, fn *goFunc) []string {
	switch e := e.(type) {
	case *ast.BasicLit:
		if s, ok := stringLit(e); ok {
			return []string{s}
		}
	case *ast.ParenExpr:
		return r.resolve(e.X, fn)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			break
		}
		var out []string
		for _, x := range r.resolve(e.X, fn) {
			if strings.HasSuffix(x, unresolved) {
				out = append(out, x)
				continue
			}
			for _, y := range r.resolve(e.Y, fn) {
				out = append(out, x+y)
			}
		}
		return out
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && id.Name == "string" && len(e.Args) == 1 {
			return r.resolve(e.Args[0], fn)
		}
		return r.results(e, 0)
	case *ast.Ident:
		return r.ident(e.Name, fn)
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && fn.imports[x.Name] {
			if s, ok := r.consts[x.Name+"."+e.Sel.Name]; ok {
				return []string{s}
			}
			break
		}
		return r.field(e.Sel.Name)
	}
	return []string{unresolved}
}

// ident is what the name can hold in fn: a constant, a parameter (what
// the callers in the package pass), a named result (what fn returns), a
// local variable (what is assigned to it).
func (r *resolver) ident(name string, fn *goFunc) []string {
	return r.once(name+"@"+strconv.Itoa(int(fn.decl.Pos())), func() []string { return r.follow(name, fn) })
}

func (r *resolver) follow(name string, fn *goFunc) []string {
	if s, ok := r.pkg.consts[name]; ok {
		return []string{s}
	}
	var out []string
	found := false
	if i := fieldIndex(fn.decl.Type.Params, name); i >= 0 {
		found = true
		callers := 0
		for _, caller := range r.pkg.all {
			ast.Inspect(caller.decl.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if ok && calls(call, fn.decl.Name.Name) && len(call.Args) > i {
					callers++
					out = append(out, r.resolve(call.Args[i], caller)...)
				}
				return true
			})
		}
		if callers == 0 {
			out = append(out, unresolved) // called from another package
		}
	}
	if i := fieldIndex(fn.decl.Type.Results, name); i >= 0 {
		found = true
		out = append(out, r.returns(fn, i)...)
	}
	ast.Inspect(fn.decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for j, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); !ok || id.Name != name {
					continue
				}
				found = true
				switch {
				case len(n.Rhs) == len(n.Lhs):
					out = append(out, r.resolve(n.Rhs[j], fn)...)
				case len(n.Rhs) == 1:
					if call, ok := n.Rhs[0].(*ast.CallExpr); ok {
						out = append(out, r.results(call, j)...)
					}
				}
			}
		case *ast.ValueSpec:
			for j, id := range n.Names {
				if id.Name == name && j < len(n.Values) {
					found = true
					out = append(out, r.resolve(n.Values[j], fn)...)
				}
			}
		}
		return true
	})
	if !found {
		return []string{unresolved}
	}
	return out
}

// field is what a struct field of the package can hold: the values given
// to it in composite literals and assignments.
func (r *resolver) field(name string) []string {
	return r.once("."+name, func() []string {
		var out []string
		for _, kv := range append(slices.Clone(r.pkg.kvs), r.pkg.assigns...) {
			if kv.key == name {
				out = append(out, r.resolve(kv.value, kv.fn)...)
			}
		}
		if len(out) == 0 {
			return []string{unresolved}
		}
		return out
	})
}

// results is what result i of a call to a function of the package holds.
func (r *resolver) results(call *ast.CallExpr, i int) []string {
	var name string
	switch f := call.Fun.(type) {
	case *ast.Ident:
		name = f.Name
	case *ast.SelectorExpr:
		name = f.Sel.Name
	}
	var out []string
	for _, fn := range r.pkg.funcs[name] {
		out = append(out, r.returns(fn, i)...)
	}
	if len(out) == 0 {
		return []string{unresolved}
	}
	return out
}

// returns is what fn's return statements give as result i.
func (r *resolver) returns(fn *goFunc, i int) []string {
	return r.once("return"+strconv.Itoa(i)+"@"+strconv.Itoa(int(fn.decl.Pos())), func() []string {
		var out []string
		ast.Inspect(fn.decl.Body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false // a closure's returns are its own
			}
			if ret, ok := n.(*ast.ReturnStmt); ok && len(ret.Results) > i {
				out = append(out, r.resolve(ret.Results[i], fn)...)
			}
			return true
		})
		return out
	})
}

// fieldIndex is the position of name in a parameter or result list, or -1.
func fieldIndex(fields *ast.FieldList, name string) int {
	if fields == nil {
		return -1
	}
	i := 0
	for _, f := range fields.List {
		if len(f.Names) == 0 {
			i++
			continue
		}
		for _, n := range f.Names {
			if n.Name == name {
				return i
			}
			i++
		}
	}
	return -1
}

// calls reports whether call calls a function or method named name.
func calls(call *ast.CallExpr, name string) bool {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return f.Name == name
	case *ast.SelectorExpr:
		return f.Sel.Name == name
	}
	return false
}
