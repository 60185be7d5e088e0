package web_test

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axePath is axe-core as npm installs it (frontend/package.json; `make
// test` runs npm ci there): the accessibility engine the browser tests run
// on every page they look at.
const axePath = "../../frontend/node_modules/axe-core/axe.min.js"

var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(axePath)
	return string(b), err
})

// axeViolation is one rule axe-core found broken, with where.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeRunJS runs axe-core's WCAG 2.x A and AA rules on the page and keeps
// the serious and critical violations, each with the first few elements.
const axeRunJS = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
	.then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
		.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + "  " + n.failureSummary.replace(/\s+/g, " ").slice(0, 200))})))`

// checkAccessibility fails the test when axe-core finds a serious or
// critical problem on the page the tab shows. Without axe-core installed
// the check is skipped, except in CI, which must run it.
func (b *tab) checkAccessibility(name string) {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		if os.Getenv("CI") != "" {
			b.t.Fatalf("axe-core not installed (%v): run npm ci in frontend/", err)
		}
		return
	}
	if !evalJS[bool](b, `typeof axe !== "undefined"`) {
		evalJS[bool](b, src+"\n;true")
	}
	found := evalJSAwait[[]axeViolation](b, axeRunJS)
	if len(found) == 0 {
		return
	}
	var msg strings.Builder
	for _, v := range found {
		fmt.Fprintf(&msg, "\n  %s (%s): %s", v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&msg, "\n    %s", n)
		}
	}
	b.fail("page %s: axe-core finds %d serious or critical problems:%s", name, len(found), msg.String())
}

// evalJSAwait is evalJS for an expression whose value is a promise.
func evalJSAwait[T any](b *tab, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("evaluate %s: %v", expr, err)
	}
	return v
}

// TestAxeIsInstalled keeps the accessibility check from going quiet: in CI
// the browser tests must find axe-core.
func TestAxeIsInstalled(t *testing.T) {
	t.Parallel()
	if _, err := axeSource(); err != nil && os.Getenv("CI") != "" {
		t.Fatalf("axe-core missing: %v", err)
	}
}
