package drafts

import (
	"context"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/pan"
)

// TemplateBlocks returns the editable text blocks (documents.TextBlocks)
// of the template in force for the organisation, for the form legal
// edits the wording with.
func (s *Service) TemplateBlocks(ctx context.Context, p *auth.Principal, kind, lang string) ([]documents.TextBlock, error) {
	body, _, err := s.Template(ctx, p, kind, lang)
	if err != nil {
		return nil, err
	}
	return documents.TextBlocks(body)
}

// withBlocks is the template in force with the given block texts in it;
// a bad text is a validation error on its block's field.
//
// A card number in a text is masked here, before the text is quoted into
// the template: quoting writes a newline or a tab between the digit
// groups as \n or \t, which the store's guard would no longer read as a
// separator, while the document would print the number again. The texts
// are checked after masking, since a mask ("[visa ****1111]") in brackets
// reads as a placeholder.
func (s *Service) withBlocks(ctx context.Context, p *auth.Principal, kind, lang string, texts map[string]string) (string, error) {
	body, _, err := s.Template(ctx, p, kind, lang)
	if err != nil {
		return "", err
	}
	masked := make(map[string]string, len(texts))
	for name, text := range texts {
		masked[name], _ = pan.Mask(text)
	}
	return documents.SetTextBlocks(body, masked)
}

// SaveTemplateBlocks stores the template in force with the given block
// texts as a new version of the organisation's template, exactly as a
// raw edit is stored (SaveTemplate: checked, versioned, audited), so the
// two editors share one history; owners and legal only.
func (s *Service) SaveTemplateBlocks(ctx context.Context, p *auth.Principal, kind, lang string, texts map[string]string) (Override, error) {
	if err := p.Require(auth.EditTemplates); err != nil {
		return Override{}, err
	}
	body, err := s.withBlocks(ctx, p, kind, lang, texts)
	if err != nil {
		return Override{}, err
	}
	return s.SaveTemplate(ctx, p, kind, lang, body)
}

// PreviewBlocks renders the template in force with the given block texts
// against a case, as Preview does, without saving anything.
func (s *Service) PreviewBlocks(ctx context.Context, p *auth.Principal, caseID int64, kind, lang string, texts map[string]string) ([]byte, error) {
	if err := p.Require(auth.WriteDocuments); err != nil {
		return nil, err
	}
	body, err := s.withBlocks(ctx, p, kind, lang, texts)
	if err != nil {
		return nil, err
	}
	return s.Preview(ctx, p, caseID, kind, lang, body)
}
