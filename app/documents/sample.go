package documents

import (
	"time"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
)

// Sample is a view-model of a made-up case, used to check a template
// before it is saved: a template that fails on it would fail on real
// cases too.
func Sample(kind KindInfo, lang string) *CaseView {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	from := now.AddDate(0, -2, 0)
	src := Source{
		Org:  auth.Organisation{Name: "Sample Shop", LegalName: "Sample Shop K.K.", Timezone: "Asia/Tokyo", ContactDesk: "0120-000-000"},
		Case: cases.Case{Reference: "INC-2026-0000", Title: "Sample", Summary: "Sample summary.", AwareAt: now, OccurredFrom: &from, OccurredTo: &now, IncidentType: "card_skimming", Playbook: "jp-card-leak"},
		Now:  now,
	}
	return Build(src, kind, lang, nil)
}
