// Package obligations is BreachDesk's obligations engine: it turns the facts
// of a leak (Facts) into the list of reports and notices the law and the card
// contracts require (Obligation), each with its legal basis and due time.
//
// The package is pure Go on purpose: no database, no HTTP, no clock of its
// own. The same code serves the web app, the background jobs and the
// `breachdesk obligations` calculator, and a recomputation with changed facts
// can be diffed (Diff) to show legal staff exactly what moved.
//
// Decisions worth knowing (each is repeated where it is implemented):
//
//   - Unknown facts are resolved toward the worse case for "does it apply" and
//     toward the earlier date for "when is it due", and every such assumption
//     is listed in Result.NeedsReview. The obligation carries Provisional=true
//     when it exists only because of such an assumption.
//   - APPI (Japan) is evaluated when residents lists JP > 0 or residents is
//     empty: Japan is the home market, so a case without a residency breakdown
//     is treated as a Japanese case. When residents is given without JP, a
//     review note reminds that APPI binds a Japanese business whatever the
//     residence of the persons.
//   - Japanese day counts take the aware date as day 1 (the conservative
//     reading of 施行規則8条2項) in Asia/Tokyo, not UTC.
//   - "Promptly" and "immediately" have no legal date; the engine shows a
//     target_at from Policy (defaults: 72 h and 24 h) and never a due_at.
//   - Card-brand "business days" are Monday to Friday: the brands are global
//     and publish no holiday calendar.
package obligations
