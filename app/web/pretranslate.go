package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"text/template/parse"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// Most of a page's fixed text is {{.T "key"}}: a translation that is the
// same on every request in one language. html/template makes each of
// those two reflective calls per request (the method, then the escaper
// it adds), which on the case page was a good part of the time spent
// writing it. pretranslate turns them into plain text once, at start,
// in a copy of the templates per language. Only actions that are
// exactly a T call with one literal key, escaped for HTML text or a
// quoted attribute, are replaced, by the very text html/template would
// have written; everything else stays as it was.

// escapedFor writes s as html/template's escaper of that name would: the
// escapers replaced, each with a probe template of its context.
var escapedFor = map[string]func(s string) (string, error){
	"_html_template_htmlescaper":   probe(`{{.}}`, "", ""),
	"_html_template_attrescaper":   probe(`<p title="{{.}}">`, `<p title="`, `">`),
	"_html_template_rcdataescaper": probe(`<textarea>{{.}}</textarea>`, "<textarea>", "</textarea>"),
}

func probe(text, prefix, suffix string) func(string) (string, error) {
	t := template.Must(template.New("probe").Parse(text))
	return func(s string) (string, error) {
		var b bytes.Buffer
		if err := t.Execute(&b, s); err != nil {
			return "", err
		}
		out, ok := bytes.CutPrefix(b.Bytes(), []byte(prefix))
		if out, ok2 := bytes.CutSuffix(out, []byte(suffix)); ok && ok2 {
			return string(out), nil
		}
		return "", fmt.Errorf("probe %q wrote %q", text, b.String())
	}
}

// pretranslate escapes the set's roots (html/template does that on first
// use; the trees are only final after it) and replaces the fixed
// translations in lang. It returns how many actions it replaced.
func pretranslate(t *template.Template, msgs i18n.Catalogue, lang string, roots ...string) (int, error) {
	for _, root := range roots {
		if t.Lookup(root) == nil {
			continue
		}
		// Executing without data fails once it needs any; the escaping
		// before it has been done for the whole tree by then.
		err := t.ExecuteTemplate(io.Discard, root, nil)
		var escErr *template.Error
		if errors.As(err, &escErr) {
			return 0, err
		}
	}
	n := 0
	for _, tt := range t.Templates() {
		if tt.Tree == nil || tt.Tree.Root == nil {
			continue
		}
		m, err := replaceIn(tt.Tree.Root, msgs, lang)
		if err != nil {
			return n, fmt.Errorf("template %s: %w", tt.Name(), err)
		}
		n += m
	}
	return n, nil
}

func replaceIn(list *parse.ListNode, msgs i18n.Catalogue, lang string) (int, error) {
	if list == nil {
		return 0, nil
	}
	n := 0
	for i, node := range list.Nodes {
		var branch *parse.BranchNode
		switch x := node.(type) {
		case *parse.ActionNode:
			key, escaper, ok := fixedTranslation(x)
			if !ok {
				continue
			}
			text, err := escapedFor[escaper](msgs.T(lang, key))
			if err != nil {
				return n, err
			}
			list.Nodes[i] = &parse.TextNode{NodeType: parse.NodeText, Pos: x.Pos, Text: []byte(text)}
			n++
			continue
		case *parse.IfNode:
			branch = &x.BranchNode
		case *parse.RangeNode:
			branch = &x.BranchNode
		case *parse.WithNode:
			branch = &x.BranchNode
		default:
			continue
		}
		for _, l := range []*parse.ListNode{branch.List, branch.ElseList} {
			m, err := replaceIn(l, msgs, lang)
			n += m
			if err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// fixedTranslation recognises {{.T "key"}} and {{$.T "key"}} as
// html/template escaped them: the call, then one escaper we can imitate.
// Page is the only type with a T method, so the call is Page.T.
func fixedTranslation(a *parse.ActionNode) (key, escaper string, ok bool) {
	p := a.Pipe
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 2 {
		return "", "", false
	}
	call, esc := p.Cmds[0], p.Cmds[1]
	if len(call.Args) != 2 || len(esc.Args) != 1 {
		return "", "", false
	}
	switch f := call.Args[0].(type) {
	case *parse.FieldNode:
		ok = len(f.Ident) == 1 && f.Ident[0] == "T"
	case *parse.VariableNode:
		ok = len(f.Ident) == 2 && f.Ident[0] == "$" && f.Ident[1] == "T"
	}
	s, isString := call.Args[1].(*parse.StringNode)
	id, isIdent := esc.Args[0].(*parse.IdentifierNode)
	if !ok || !isString || !isIdent || escapedFor[id.Ident] == nil {
		return "", "", false
	}
	return s.Text, id.Ident, true
}
