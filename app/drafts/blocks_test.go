package drafts_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/pdf"
)

// composedHeadings lists the titles and headings a document was rendered
// with, in order.
func composedHeadings(t *testing.T, composed string) []string {
	t.Helper()
	doc, err := pdf.Parse(composed)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range doc.Blocks {
		if b.Kind == pdf.KindTitle || b.Kind == pdf.KindHeading {
			out = append(out, b.Text)
		}
	}
	return out
}

// Legal's wording form (issue 21, item 6): saving block texts stores a
// new version of the organisation's template, shared with the raw
// editor's versions; the documents made from it print the new text with
// its placeholders filled, keep every heading of the built-in in order,
// and print a text starting with "## " as text; a placeholder typo is
// refused naming the block and stores nothing. (Who may save is the web
// test's: TestTemplateWordingForm.)
func TestSavingTemplateBlocks(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	for _, c := range []struct{ kind, lang, block, text, want string }{
		{"ppc_final", "ja", "intro", "## 見出しではない\n[[事業者の名称]]は、個人情報保護法第26条第1項に基づき報告します。", "株式会社テストショップは、個人情報保護法第26条第1項に基づき報告します。"},
		{"ppc_final", "en", "closing", "## Not a heading\nSubmitted by [[Business name]] ([[Reference]]).", "Submitted by 株式会社テストショップ (INC-"},
		{"customer_letter_sample", "ja", "opening", "## 見出しではない\n[[事業者の名称]]よりお詫びとお知らせを申し上げます。", "株式会社テストショップよりお詫びとお知らせを申し上げます。"},
		{"customer_letter_sample", "en", "opening", "## Not a heading\n[[Display name]] apologises.", "apologises."},
	} {
		name := c.kind + "." + c.lang
		before, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, c.kind, c.lang, nil)
		if err != nil {
			t.Fatal(err)
		}
		before = fx.render(t, before.ID)
		o, err := fx.drafts.SaveTemplateBlocks(ctx, &fx.legal, c.kind, c.lang, map[string]string{c.block: c.text})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if o.Version != 1 {
			t.Fatalf("%s: version %d", name, o.Version)
		}
		blocks, err := fx.drafts.TemplateBlocks(ctx, &fx.owner, c.kind, c.lang)
		if err != nil || !slices.ContainsFunc(blocks, func(b documents.TextBlock) bool { return b.Name == c.block && b.Text == c.text }) {
			t.Fatalf("%s: the form does not show the saved text: %+v %v", name, blocks, err)
		}
		d, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, c.kind, c.lang, nil)
		if err != nil {
			t.Fatal(err)
		}
		d = fx.render(t, d.ID)
		if d.Status != "draft" || !strings.HasPrefix(d.TemplateVersion, "org-") {
			t.Fatalf("%s: %s %s %s", name, d.Status, d.TemplateVersion, d.Error)
		}
		if got, want := composedHeadings(t, d.Composed), composedHeadings(t, before.Composed); !slices.Equal(got, want) {
			t.Errorf("%s: headings\n%v\nwant the built-in's\n%v", name, got, want)
		}
		full, err := fx.drafts.PDF(ctx, &fx.owner, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		text := squash(apptest.PDFText(t, full.PDF))
		heading := strings.SplitN(c.text, "\n", 2)[0]
		if !strings.Contains(text, squash(c.want)) || !strings.Contains(text, squash(heading)) {
			t.Errorf("%s: PDF lacks the new text %q / %q:\n%s", name, heading, c.want, text)
		}
	}

	// A typo in a placeholder is a field error naming the block and the
	// placeholder, and stores nothing.
	_, err := fx.drafts.SaveTemplateBlocks(ctx, &fx.legal, "customer_letter_sample", "ja", map[string]string{"closing": "[[事業社の名称]]"})
	var v *apperr.ValidationError
	if !errors.As(err, &v) || v.For("block_closing") != "validation.template_placeholder_unknown" {
		t.Fatalf("placeholder typo: %v", err)
	}
	// The raw editor shares the versions, and the form edits what it saved.
	if _, err := fx.drafts.SaveTemplate(ctx, &fx.legal, "customer_letter_sample", "ja", "# 独自のお知らせ\n\n{{.Text \"opening\" \"独自の冒頭\"}}\n"); err != nil {
		t.Fatal(err)
	}
	o, err := fx.drafts.SaveTemplateBlocks(ctx, &fx.legal, "customer_letter_sample", "ja", map[string]string{"opening": "書き換えた冒頭"})
	if err != nil || o.Version != 3 || !strings.HasPrefix(o.Body, "# 独自のお知らせ") || !strings.Contains(o.Body, `"書き換えた冒頭"`) {
		t.Fatalf("form after the raw editor: v%d %v\n%s", o.Version, err, o.Body)
	}
	var versions int64
	fx.st.DB.Raw(`SELECT count(*) FROM template_overrides WHERE kind = 'customer_letter_sample' AND lang = 'ja'`).Scan(&versions)
	if versions != 3 {
		t.Fatalf("%d versions, want 3 (the refused save stores none)", versions)
	}
	// A card number typed into a text with its groups on separate lines
	// is masked, though quoting it into the template writes the newlines
	// as \n, which the store's guard would not read as separators.
	o, err = fx.drafts.SaveTemplateBlocks(ctx, &fx.legal, "customer_letter_sample", "ja", map[string]string{"opening": "カード 4111\n1111\n1111\n1111 について"})
	if err != nil {
		t.Fatal(err)
	}
	var stored string
	fx.st.DB.Raw(`SELECT body FROM template_overrides WHERE id = ?`, o.ID).Scan(&stored)
	if digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, stored); strings.Contains(digits, "4111111111111111") || !strings.Contains(stored, "****1111") {
		t.Fatalf("card number stored in the template: %s", stored)
	}
	// Another organisation's owner edits their own template only.
	if _, err := fx.drafts.SaveTemplateBlocks(ctx, &fx.other, "customer_letter_sample", "ja", map[string]string{"opening": "他社"}); err != nil {
		t.Fatal(err)
	}
	if b, _, _ := fx.drafts.Template(ctx, &fx.owner, "customer_letter_sample", "ja"); strings.Contains(b, "他社") {
		t.Fatal("another organisation's save changed this one's template")
	}
}
