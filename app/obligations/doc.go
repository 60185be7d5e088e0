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
//   - APPI (Japan) is always evaluated: it binds a business handling
//     personal data in Japan whatever the residence of the persons (Art. 26
//     has no residency condition). When residents lists no JP persons, a
//     review note says so for a business abroad (Art. 171).
//   - Japanese day counts take the aware date as day 1 (GL 3-5-3-4 for the
//     final report; for the preliminary report's "roughly 3–5 days" it is
//     this engine's conservative target) in Asia/Tokyo, not UTC.
//   - Every rule cites its primary texts (Source) with the date each was
//     read; secondary sources are kept only as commentary.
//   - "Promptly" and "immediately" have no legal date; the engine shows a
//     target_at from Policy (defaults: 72 h and 24 h) and never a due_at. A
//     duty whose text names no time at all (the Installment Sales Act's
//     measures) has neither, and says so.
//   - Card-brand "business days" are Monday to Friday: the brands are global
//     and publish no holiday calendar.
package obligations
