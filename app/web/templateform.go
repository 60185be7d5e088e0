package web

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/documents"
)

// The templates page offers legal a form over the template's text blocks
// (documents.TextBlocks): a textarea per block, the placeholders they may
// use, a PDF preview and a save that stores a new version of the
// organisation's template; the raw editor stays below it for developers.

// blockPrefix starts the name of a block's textarea (documents.BlockField).
const blockPrefix = "block_"

// loadTemplatesData is what the templates page shows for a kind and
// language: the template in force, its text blocks and the cases to
// preview with.
func (s *Server) loadTemplatesData(c *fiber.Ctx, kind, lang string) (templatesData, error) {
	ctx, p := c.UserContext(), principal(c)
	body, override, err := s.deps.Drafts.Template(ctx, p, kind, lang)
	if err != nil {
		return templatesData{}, err
	}
	blocks, err := s.deps.Drafts.TemplateBlocks(ctx, p, kind, lang)
	if err != nil {
		return templatesData{}, err
	}
	open, err := s.deps.Cases.List(ctx, p, cases.ListFilter{})
	if err != nil {
		return templatesData{}, err
	}
	return templatesData{Kinds: documents.Kinds, Kind: kind, Lang: lang, Body: body, Override: override, Cases: open,
		Blocks: blocks, Placeholders: documents.Placeholders, RawOpen: len(blocks) == 0}, nil
}

// blockTexts reads the block textareas of the form, by block name.
func blockTexts(c *fiber.Ctx) map[string]string {
	out := map[string]string{}
	for k, v := range c.Request().PostArgs().All() {
		if name, ok := strings.CutPrefix(string(k), blockPrefix); ok {
			out[name] = strings.ReplaceAll(string(v), "\r\n", "\n")
		}
	}
	return out
}

// blockFormAgain shows the templates page again after the block form was
// refused: the texts as sent, each error next to its block.
func (s *Server) blockFormAgain(c *fiber.Ctx, kind, lang string, texts map[string]string, cause error) error {
	pg := s.newPage(c, "templates.title", "templates")
	if err := fieldErrors(pg, cause); err != nil {
		return err
	}
	d, err := s.loadTemplatesData(c, kind, lang)
	if err != nil {
		return err
	}
	for i, b := range d.Blocks {
		if t, ok := texts[b.Name]; ok {
			d.Blocks[i].Text = t
		}
	}
	pg.Data = d
	return s.render(c, statusOf(cause), "templates", pg)
}

// saveTemplateBlocks stores the form's block texts as a new version of
// the organisation's template.
func (s *Server) saveTemplateBlocks(c *fiber.Ctx) error {
	kind, lang, texts := c.FormValue("kind"), c.FormValue("lang"), blockTexts(c)
	if _, err := s.deps.Drafts.SaveTemplateBlocks(c.UserContext(), principal(c), kind, lang, texts); err != nil {
		return s.blockFormAgain(c, kind, lang, texts, err)
	}
	s.flash(c, "flash.template_saved")
	return c.Redirect("/templates?kind="+url.QueryEscape(kind)+"&lang="+url.QueryEscape(lang), fiber.StatusSeeOther)
}

// previewTemplateBlocks renders the template with the form's block texts
// against one of the organisation's cases and shows the PDF, without
// saving anything; a text refused is shown on the form.
func (s *Server) previewTemplateBlocks(c *fiber.Ctx) error {
	kind, lang, texts := c.FormValue("kind"), c.FormValue("lang"), blockTexts(c)
	id, err := formID(c, "case_id")
	if err != nil {
		return s.blockFormAgain(c, kind, lang, texts, err)
	}
	pdf, err := s.deps.Drafts.PreviewBlocks(c.UserContext(), principal(c), id, kind, lang, texts)
	if err != nil {
		return s.blockFormAgain(c, kind, lang, texts, err)
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(pdf)
}
