package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/security"
	"github.com/breachdesk/breachdesk/frontend"
)

// Templates call the catalogue as {{.T "key"}} or {{$.T "key" args}}, or
// build the key: {{.T (printf "phase.%s" .Phase)}}.
var (
	tplLiteralKey = regexp.MustCompile(`\bT\s+"([^"]+)"`)
	tplBuiltKey   = regexp.MustCompile(`\bT\s+\(printf\s+"([^"]*%s[^"]*)"`)
	goKeyShape    = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)
)

// builtKeyValues are the values a built key's %s takes, where the set is
// known: each of those keys must exist. Other built keys must match at
// least one key of the catalogue.
func builtKeyValues() map[string][]string {
	str := func(vs ...any) []string {
		var out []string
		for _, v := range vs {
			switch v := v.(type) {
			case []string:
				out = append(out, v...)
			case []cases.Phase:
				for _, p := range v {
					out = append(out, string(p))
				}
			case []auth.Role:
				for _, r := range v {
					out = append(out, string(r))
				}
			}
		}
		return out
	}
	return map[string][]string{
		"phase.%s":          str(cases.Phases),
		"severity.%s":       str(cases.Severities),
		"incident.%s":       str(cases.IncidentTypes),
		"task.status.%s":    str(cases.TaskStatuses),
		"role.%s":           str(auth.Roles),
		"measure.status.%s": str(notices.MeasureStatuses),
		"evidence.kind.%s":  str(evidence.Kinds),
		"obl.status.%s": {assessment.StatusPending, assessment.StatusDrafted, assessment.StatusApproved,
			assessment.StatusSubmitted, assessment.StatusWaived},
		"security.status.%s": security.Statuses,
		"security.group.%s":  security.Groups,
	}
}

// Every message key the UI asks for exists in Japanese and in English:
// literal keys in the templates, keys the templates build from a known
// set of values, and key-shaped string literals in this package's Go code
// (page titles, flashes, labels) whose namespace the catalogue uses. A
// missing key would show as "[key]". (That no key exists in one language
// only is app/i18n's TestCataloguesHaveTheSameKeys.)
func TestEveryUsedMessageKeyIsTranslated(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load(frontend.Messages, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	missing := map[string][]string{} // "lang:key" → where used
	need := func(key, where string) {
		for _, lang := range i18n.Languages {
			if !cat.Has(lang, key) {
				missing[lang+":"+key] = append(missing[lang+":"+key], where)
			}
		}
	}

	files, err := fs.Glob(frontend.Templates, "templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v %v", files, err)
	}
	known := builtKeyValues()
	literals := 0
	for _, f := range files {
		b, err := fs.ReadFile(frontend.Templates, f)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		for _, m := range tplLiteralKey.FindAllStringSubmatch(src, -1) {
			need(m[1], f)
			literals++
		}
		for _, m := range tplBuiltKey.FindAllStringSubmatch(src, -1) {
			pattern := m[1]
			if values, ok := known[pattern]; ok {
				for _, v := range values {
					need(strings.Replace(pattern, "%s", v, 1), f+" ("+pattern+")")
				}
				continue
			}
			prefix, suffix, _ := strings.Cut(pattern, "%s")
			for _, lang := range i18n.Languages {
				if !anyKey(cat[lang], prefix, suffix) {
					missing[lang+":"+pattern] = append(missing[lang+":"+pattern], f)
				}
			}
		}
	}
	if literals < 100 {
		t.Fatalf("found only %d literal keys in the templates: has the call syntax changed?", literals)
	}

	// Go code: key-shaped literals in a namespace the catalogue uses.
	namespaces := map[string]bool{}
	for k := range cat[i18n.Languages[0]] {
		ns, _, _ := strings.Cut(k, ".")
		namespaces[ns] = true
	}
	goFiles, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !goKeyShape.MatchString(s) {
				return true
			}
			if ns, _, _ := strings.Cut(s, "."); namespaces[ns] {
				need(s, fset.Position(lit.Pos()).String())
			}
			return true
		})
	}

	var report []string
	for k, where := range missing {
		report = append(report, k+" used in "+strings.Join(where, ", "))
	}
	sort.Strings(report)
	if len(report) > 0 {
		t.Fatalf("message keys without a translation:\n%s", strings.Join(report, "\n"))
	}
}

func anyKey(msgs map[string]string, prefix, suffix string) bool {
	for k := range msgs {
		if strings.HasPrefix(k, prefix) && strings.HasSuffix(k, suffix) && len(k) > len(prefix)+len(suffix) {
			return true
		}
	}
	return false
}
