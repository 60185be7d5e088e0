package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/breachdesk/breachdesk/app/obligations"
)

// Text is the one human line a chat channel shows for an event, in lang:
// "個人情報保護委員会への速報の期限まであと24時間 (INC-2026-0007)". Reports are
// named by their titles (obligations.Title), never by rule keys.
func (s *Service) Text(ctx context.Context, lang string, ev Event, payload []byte) (string, error) {
	var p map[string]any
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil {
		return "", fmt.Errorf("webhooks: payload of %s: %w", ev, err)
	}
	str := func(k string) string {
		if v, ok := p[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
		return ""
	}
	ref := str("reference")
	if ref == "" && str("case_id") != "" {
		// Emitters that had no reference at hand leave it to us.
		_ = s.st.DB.WithContext(ctx).Raw(`SELECT reference FROM cases WHERE id = ?`, str("case_id")).Scan(&ref).Error
	}
	t := func(key string, args ...any) string { return s.msgs.T(lang, "webhooks.text."+key, args...) }
	title := func() string { return obligations.Title(str("rule_id")).In(lang) }
	switch ev {
	case EventCaseOpened:
		return t("case.opened", str("title"), ref), nil
	case EventCasePhaseChanged:
		return t("case.phase_changed", s.msgs.T(lang, "phase."+str("from")), s.msgs.T(lang, "phase."+str("to")), ref), nil
	case EventObligationDueSoon:
		key := "obligation.due_soon"
		if th := str("threshold"); th == "day_before" || th == "due" {
			key += "." + th
		}
		return t(key, title(), ref), nil
	case EventObligationOverdue:
		return t("obligation.overdue", title(), ref), nil
	case EventObligationSubmitted:
		return t("obligation.submitted", title(), ref), nil
	case EventDocumentApproved:
		// The emitter names the kind in both languages (documents would
		// import us back).
		name := str("kind")
		if m, ok := p["kind_title"].(map[string]any); ok {
			if v, ok := m[lang].(string); ok && v != "" {
				name = v
			}
		}
		return t("document.approved", name, str("version"), ref), nil
	case EventNoticePublished:
		return t("notice.published", str("version"), ref), nil
	case EventImportFinished:
		return t("import.finished."+str("status"), str("rows"), ref), nil
	case EventLetterBatchFinished:
		return t("letter_batch.finished", str("batch_id"), ref), nil
	case EventTest:
		return t("test"), nil
	}
	return string(ev) + " " + ref, nil
}
