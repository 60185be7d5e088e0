package web

import (
	"maps"
	"reflect"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/breachdesk/breachdesk/app/assessment"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/inquiries"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/people"
)

// apiEnums are the values of the domain's closed string types, taken from
// the lists the domain validates against, so the document offers exactly
// what the services accept.
var apiEnums = map[reflect.Type][]string{
	reflect.TypeFor[cases.Phase](): names(cases.Phases),
	reflect.TypeFor[auth.Role]():   names(auth.Roles),
	// Residents are counted by the known codes; the card brands' contract
	// rules answer under the pseudo-jurisdiction CARD.
	reflect.TypeFor[obligations.Jurisdiction](): names(slices.Concat(obligations.KnownJurisdictions, []obligations.Jurisdiction{obligations.Card})),
	reflect.TypeFor[obligations.CardBrand]():    names(obligations.KnownCardBrands),
	reflect.TypeFor[obligations.EURisk]():       names(obligations.EURisks),
	reflect.TypeFor[obligations.DataItem](): func() []string {
		var out []string
		for _, d := range obligations.KnownDataItems {
			out = append(out, string(d.Item))
		}
		return out
	}(),
	reflect.TypeFor[documents.DocKind](): func() []string {
		var out []string
		for _, k := range documents.Kinds {
			out = append(out, string(k.Kind))
		}
		return out
	}(),
}

// enumLists are the closed lists of plain string fields, named by their
// fields' `enum` tags (enum:"severity"): the lists the services check.
var enumLists = map[string][]string{
	"severity":          cases.Severities,
	"incident_type":     cases.IncidentTypes,
	"task_status":       cases.TaskStatuses,
	"obligation_status": slices.Sorted(maps.Keys(assessment.StatusNames)),
	"playbook":          slices.Sorted(maps.Keys(cases.Playbooks)),
	"import_mode":       people.Modes,
	"letter_channel":    letters.Channels,
	"letter_selection":  letters.Selections,
	"custody_kind":      evidence.Kinds,
	"inquiry_channel":   inquiries.Channels,
	"inquiry_affected":  inquiries.AffectedValues,
	"inquiry_status":    inquiries.Statuses,
	"inquiry_category":  inquiries.Categories,
	"lang":              i18n.Languages,
	"document_status":   drafts.Statuses,
	"notice_status":     notices.Statuses,
	"measure_status":    notices.MeasureStatuses,
}

func names[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// schemaOverrides are the types that write their own JSON (a MarshalJSON
// of their own), described as they are written rather than reflected.
var schemaOverrides = map[reflect.Type]func() *openapi3.Schema{
	// A SHA-256 is written as lower-case hex, the form sha256sum prints.
	reflect.TypeFor[evidence.Digest](): func() *openapi3.Schema {
		s := openapi3.NewStringSchema().WithPattern("^[0-9a-f]{64}$")
		s.Description = "SHA-256, lower-case hex"
		return s
	},
	// A three-state flag of the facts: null is "not known yet", which the
	// engine answers by assuming the worse case and asking for review.
	reflect.TypeFor[obligations.Tri](): func() *openapi3.Schema {
		return &openapi3.Schema{Type: &openapi3.Types{"boolean", "null"}, Description: "true, false, or null when not known"}
	},
	// A notice's sections, a map in Go, have the keys notices.Sections.
	reflect.TypeFor[notices.SectionTexts](): noticeSectionsSchema,
}
