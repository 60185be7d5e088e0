package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/security"
)

// rowFormValues returns what a browser submits from the register form of
// measure id on page: inputs and textareas as shown, each select's
// selected options (a single select without one sends its first).
func rowFormValues(t *testing.T, page, id string) url.Values {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	attr := func(n *html.Node, k string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val, true
			}
		}
		return "", false
	}
	var fields func(n *html.Node, out url.Values)
	fields = func(n *html.Node, out url.Values) {
		if n.Type == html.ElementNode {
			name, _ := attr(n, "name")
			switch {
			case name == "":
			case n.Data == "input":
				out.Add(name, func() string { v, _ := attr(n, "value"); return v }())
			case n.Data == "textarea":
				text := ""
				if n.FirstChild != nil {
					text = n.FirstChild.Data
				}
				out.Add(name, text)
			case n.Data == "select":
				var options, selected []string
				for o := n.FirstChild; o != nil; o = o.NextSibling {
					if o.Type == html.ElementNode && o.Data == "option" {
						v, _ := attr(o, "value")
						options = append(options, v)
						if _, ok := attr(o, "selected"); ok {
							selected = append(selected, v)
						}
					}
				}
				if _, multiple := attr(n, "multiple"); !multiple && len(selected) == 0 && len(options) > 0 {
					selected = options[:1]
				}
				out[name] = append(out[name], selected...)
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			fields(c, out)
		}
	}
	var found url.Values
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "form" {
			v := url.Values{}
			fields(n, v)
			if v.Get("measure_id") == id {
				found = v
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if found == nil {
		t.Fatalf("no register form for %s", id)
	}
	return found
}

// Saving one field of a register row through its form keeps the row's
// evidence older than the newest items the form lists and its owner
// outside the members it lists (here, a disabled user): the form offers
// the row's own links, selected.
func TestSecurityFormKeepsLinksOutsideItsLists(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	alice := h.user("alice@a.example", "org-a", auth.RoleOwner)
	dora := h.user("dora@a.example", "org-a", auth.RoleOwner)
	old := securityEvidence(t, h, alice, "org-a", "old-pentest-report.txt")
	owner := h.principalIn(alice, "org-a", auth.RoleOwner)
	sec := security.NewService(h.st, h.clk, h.cases)
	if _, err := sec.SetMeasure(ctx, owner, security.Update{MeasureID: security.MeasureWAF, Status: security.StatusPartial, Reason: "rules in detect mode",
		OwnerID: dora.ID, EvidenceIDs: []int64{old}}); err != nil {
		t.Fatal(err)
	}
	// 200 newer items push the old one out of the evidence list, and
	// dora, disabled, is out of the members list.
	if err := h.st.DB.Exec(`INSERT INTO evidence (organisation_id, case_id, filename, content_type, size_bytes, sha256, data, created_at)
		SELECT organisation_id, case_id, 'newer-' || g || '.txt', content_type, size_bytes, sha256, data, created_at
		FROM evidence, generate_series(1, 200) g WHERE id = ?`, old).Error; err != nil {
		t.Fatal(err)
	}
	if err := h.st.DB.Exec(`UPDATE users SET disabled_at = ? WHERE id = ?`, h.clk.Now(), dora.ID).Error; err != nil {
		t.Fatal(err)
	}
	choices, err := sec.EvidenceChoices(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(choices, func(e security.EvidenceRef) bool { return e.ID == old }) {
		t.Fatal("the old item is still among the newest: the test proves nothing")
	}

	c := h.client()
	c.login("alice@a.example")
	form := rowFormValues(t, body(t, c.do("GET", "/security", nil)), security.MeasureWAF)
	if got := form["evidence_ids"]; !slices.Equal(got, []string{strconv.FormatInt(old, 10)}) {
		t.Errorf("the form sends evidence %v, want the row's own %d", got, old)
	}
	if got := form.Get("owner_id"); got != strconv.FormatInt(dora.ID, 10) {
		t.Errorf("the form sends owner %q, want the row's own %d", got, dora.ID)
	}
	form.Set("note", "WAF vendor contacted")
	if r := c.post("/security", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%.2000s", r.StatusCode, body(t, r))
	}
	if n := apptest.Count(t, h.st, `SELECT count(*) FROM security_measures WHERE measure_id = '`+security.MeasureWAF+`' AND note = 'WAF vendor contacted' AND owner_id = `+strconv.FormatInt(dora.ID, 10)); n != 1 {
		t.Error("the save did not keep the owner (or did not save the note)")
	}
	if n := apptest.Count(t, h.st, `SELECT count(*) FROM security_measure_evidence WHERE measure_id = '`+security.MeasureWAF+`' AND evidence_id = `+strconv.FormatInt(old, 10)); n != 1 {
		t.Error("the save unlinked the evidence older than the newest 200")
	}
}
