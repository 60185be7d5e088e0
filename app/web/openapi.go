package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// apiDocs describes each API route; the OpenAPI document is built from the
// route table, so a route without a line here still appears (with its
// path and parameters) and a test flags the missing summary.
var apiDocs = map[string]struct{ summary, body string }{
	"GET /api/v1/me":                                 {"The caller and the current organisation", ""},
	"GET /api/v1/members/:id":                        {"A member of the current organisation", ""},
	"GET /api/v1/cases":                              {"List cases, open ones first then newest (?include_closed=true for closed too, ?include_voided=true for those voided as opened in error; ?limit= (default 100, at most 1000) and ?offset= page; total counts them all)", ""},
	"POST /api/v1/cases":                             {"Open a case; tasks are seeded from the playbook", "NewCase"},
	"GET /api/v1/cases/:id":                          {"One case", ""},
	"PATCH /api/v1/cases/:id":                        {"Change a case; moving aware_at recomputes every deadline", "CasePatch"},
	"POST /api/v1/cases/:id/void":                    {"Void a case opened in error (reason required, at most 2,000 characters; owner or manager): it leaves every list, count and reminder and takes no further change (409 conflict.case_voided), but stays readable; 409 while its public notice is published (unpublish it first) or its letters are being sent", "Void"},
	"PUT /api/v1/notices/:id/slug":                   {"Change the public address (/notices/{slug}) of a notice never published; 409 once published (a published URL must not change) or when another notice uses the slug", "NoticeSlug"},
	"POST /api/v1/cases/:id/phase":                   {"Advance the phase (gates: open tasks need a reason; closing needs every obligation submitted or waived)", "PhaseChange"},
	"PUT /api/v1/cases/:id/assessment":               {"Save the facts (the obligations CLI's facts JSON without aware_at) as a new version and recompute the obligations; ?note= labels the version", "Facts"},
	"GET /api/v1/cases/:id/assessment":               {"The current facts", ""},
	"GET /api/v1/cases/:id/obligations":              {"The case's obligations (the CLI's shape plus id and status) and points needing review", ""},
	"POST /api/v1/cases/:id/obligations/:oid/submit": {"Record a submission (submitted_at, recipient_reference); stops reminders", "Submission"},
	"POST /api/v1/cases/:id/obligations/:oid/waive":  {"Waive an obligation with a reason (legal role)", "Waiver"},
	"GET /api/v1/cases/:id/tasks":                    {"The case's tasks", ""},
	"POST /api/v1/cases/:id/tasks":                   {"Add a task", "NewTask"},
	"PATCH /api/v1/tasks/:id":                        {"Change a task's status (skipped needs skip_reason), assignee or due date", "TaskPatch"},
	"GET /api/v1/tasks/:id/comments":                 {"A task's comments", ""},
	"POST /api/v1/tasks/:id/comments":                {"Comment on a task; card numbers are masked", "Comment"},
	"GET /api/v1/cases/:id/timeline":                 {"The case's timeline", ""},
	"POST /api/v1/cases/:id/timeline":                {"Add a manual timeline entry with the time it happened", "TimelineEntry"},
	"GET /api/v1/cases/:id/inquiries":                {"The call centre's inquiry log, newest first (?status=open|answered, ?affected=yes|no|unknown, ?category=, ?limit=&offset=), with the case's counts (total, open, answered, by affected and by category)", ""},
	"POST /api/v1/cases/:id/inquiries":               {"Log an inquiry; card numbers in any text are reduced to brand + last 4; match=true links the caller to the one affected person found by caller_contact or lookup (e-mail, phone, customer id); 201", "Inquiry"},
	"GET /api/v1/inquiries/:id":                      {"One inquiry with the affected person it is linked to", ""},
	"PATCH /api/v1/inquiries/:id":                    {"Change some fields of an inquiry (status answered needs an answer; affected other than yes removes the person link)", "Inquiry"},
	"POST /api/v1/inquiries/:id/answer":              {"Record the answer given and mark the inquiry answered", "InquiryAnswer"},
	"GET /api/v1/cases/:id/faq":                      {"The case's curated call-centre FAQ entries in order", ""},
	"POST /api/v1/cases/:id/faq":                     {"Add an FAQ entry (question/answer in ja and/or en); owner, manager or legal; 201", "FAQEntry"},
	"GET /api/v1/notifications":                      {"The caller's notifications and unread count", ""},
	"GET /api/v1/openapi.json":                       {"This document", ""},
	"GET /api/v1/approvals":                          {"The documents waiting for legal's approval: the newest version of each, rendered, oldest first", ""},
	"GET /api/v1/organisation/profile":               {"The organisation's details as the reports, letters and public notice print them", ""},
	"PUT /api/v1/organisation/profile":               {"Replace the organisation's details (owner): a field left out is empty; name and legal_name are required, corporate_number's check digit is checked, contact_url is https", "Profile"},
	"POST /api/v1/cases/:id/people/import":           {"Import the affected-person list: the body is the CSV (UTF-8 with or without BOM, or Shift_JIS/CP932); ?filename=, ?mode=partial|all_or_nothing, ?mapping={header: field}; card numbers are reduced to brand + last 4 before anything is stored; 202 with the import", ""},
	"GET /api/v1/imports/:id":                        {"An import's progress and result: counts, masked card numbers, errors by line", ""},
	"GET /api/v1/cases/:id/people":                   {"The case's affected persons with notification state; ?q= finds them by name, reading (hiragana, katakana or half-width), phone number (any separators, +81), postal code, part of the address, e-mail or customer id, with or without spaces and hyphens (readings and phone numbers match from the start, and anywhere when nothing starts with the query); ?limit=&offset=", ""},
	"POST /api/v1/cases/:id/letter-batches":          {"Send the approved customer letter to the case's persons: channel email (one message each, optional PDF) or print (PDFs, many letters per file, address for window envelopes); selection all, not_notified or search; 202 with the batch", "NewBatch"},
	"GET /api/v1/cases/:id/letter-batches":           {"The case's letter batches", ""},
	"GET /api/v1/letter-batches/:id":                 {"A batch with its letters counted by state (pending, sent, printed, failed, no_address; fallback and bounced), its print files and its retry state (e-mails waiting for a retry after a temporary failure: waiting, last_error, attempts, max_attempts, next_attempt_at when scheduled)", ""},
	"GET /api/v1/letter-files/:id/pdf":               {"A print-ready PDF of letters (audited as an export; SHA-256 checked first)", ""},
	"POST /api/v1/cases/:id/bounces":                 {"Record bounced e-mails (JSON or a CSV bounce list): persons are marked bounced and their letters go to print", "Bounces"},
	"POST /api/v1/cases/:id/notices":                 {"Draft the case's public notice, prefilled from the case (optional slug for /notices/{slug})", ""},
	"GET /api/v1/notices/:id":                        {"A notice with its versions, and review: the latest version as approvers see it (text, the prevention measures it shows, content_sha256, which approvals name that content)", ""},
	"PUT /api/v1/notices/:id":                        {"Save the notice text (title_ja/en, sections, update lines); clears approvals; after publication starts the next version", "NoticeInput"},
	"POST /api/v1/notices/:id/approve":               {"Approve the latest version as legal or as the owner (both are needed): content_sha256 is the review's hash of the version you approve; 409 if the text or the measures changed since", "Approval"},
	"POST /api/v1/notices/:id/publish":               {"Publish the latest version at /notices/{slug} (public, no login) once legal and the owner approved its current content; it is frozen as approved, measures included", ""},
	"POST /api/v1/cases/:id/documents":               {"Generate a document (kind, lang, optional fields); rendering runs in the background: 202 with the id", "NewDocument"},
	"GET /api/v1/cases/:id/documents":                {"The case's documents, every version", ""},
	"GET /api/v1/documents/:id":                      {"A document's status, version, SHA-256 and fields", ""},
	"GET /api/v1/documents/:id/pdf":                  {"The PDF (audited as an export; its SHA-256 is checked first)", ""},
	"POST /api/v1/documents/:id/send-back":           {"Send a rendered draft back to its author with a comment instead of approving it (legal role); it leaves the approval queue", "Approval"},
	"POST /api/v1/documents/:id/approve":             {"Approve a rendered draft (legal role): content_sha256 is the document's content_sha256 you reviewed (409 if it is not the document's); re-rendered from that content without the DRAFT mark", "Approval"},
	"POST /api/v1/documents/:id/submit":              {"Mark an approved document sent; the obligation it answers is marked submitted", "Submission"},
	"GET /api/v1/cases/:id/evidence":                 {"The case's evidence register (metadata and SHA-256)", ""},
	"POST /api/v1/cases/:id/evidence":                {"Upload evidence: the body is the file; ?filename= and ?description=; the type is sniffed, never trusted; a file that holds card numbers (also inside zip, gzip and PDF) is refused with 422 saying where", ""},
	"POST /api/v1/cases/:id/evidence/held":           {"Record an item held by the forensic investigator (a file with card data, which BreachDesk does not store): name, SHA-256, size and holder, no content", "HeldEvidence"},
	"GET /api/v1/evidence/:id":                       {"One evidence item with its chain of custody", ""},
	"GET /api/v1/evidence/:id/content":               {"The evidence file; its SHA-256 is re-checked first", ""},
	"POST /api/v1/evidence/:id/custody":              {"Record a custody event (collected, transferred, analysed, returned) with who, when and why", "Custody"},
}

var apiSchemas = fiber.Map{
	"Error": obj(fiber.Map{"error": str(), "status": integer(), "detail": str(),
		"code":             fiber.Map{"type": "string", "description": "what detail says, as a stable message code (e.g. conflict.case_closed)"},
		"errors":           fiber.Map{"type": "array", "items": obj(fiber.Map{"field": str(), "reason": str(), "code": fiber.Map{"type": "string", "description": "the reason as a stable message code (e.g. validation.required)"}})},
		"open_tasks":       fiber.Map{"type": "array", "items": str(), "description": "409 on a phase change: the open tasks that need a reason"},
		"open_obligations": fiber.Map{"type": "array", "items": str(), "description": "409 on closing: the obligations not yet submitted or waived"}}),
	"NewCase": obj(fiber.Map{"title": str(), "summary": str(), "aware_at": dateTime(), "occurred_from": dateTime(), "occurred_to": dateTime(),
		"incident_type": enum("card_skimming", "unauthorized_access", "ransomware", "misdelivery", "lost_device", "insider", "other"),
		"playbook":      enum("jp-card-leak", "generic-personal-data"), "severity": enum("low", "medium", "high", "critical"), "owner_id": integer(),
		"confirm_old_aware_at": fiber.Map{"type": "boolean", "description": "confirms an aware_at before 2022-04-01 or more than two years ago (else 422 validation.aware_at_confirm on aware_at)"}}),
	"CasePatch": obj(fiber.Map{"title": str(), "summary": str(), "aware_at": dateTime(), "occurred_from": dateTime(), "occurred_to": dateTime(), "severity": str(), "owner_id": integer(), "incident_type": str(),
		"confirm_old_aware_at": fiber.Map{"type": "boolean", "description": "confirms moving aware_at before 2022-04-01 or more than two years ago (else 422 validation.aware_at_confirm on aware_at)"}}),
	"Void":       obj(fiber.Map{"reason": str()}),
	"NoticeSlug": obj(fiber.Map{"slug": fiber.Map{"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{2,80}$"}}),
	"Profile": obj(fiber.Map{"name": str(), "legal_name": str(), "corporate_number": str(), "address": str(), "representative": str(),
		"contact_desk": str(), "contact_phone": str(), "contact_hours": str(), "contact_email": str(), "contact_url": str(),
		"acquirer_name": str(), "psp_name": str(), "card_brands": fiber.Map{"type": "array", "items": enum("visa", "mastercard", "amex", "jcb", "diners", "discover", "unionpay")}, "timezone": str()}),
	"PhaseChange":  obj(fiber.Map{"phase": enum("containment", "investigation", "notification", "publication", "recovery", "closed"), "reason": str()}),
	"Facts":        fiber.Map{"type": "object", "description": "See `breachdesk obligations --help` and the rules page: data_items, persons_affected, persons_upper_bound, records_affected, tri-state flags (true/false/null), residents, card_brands, eu_risk, timezone."},
	"Submission":   obj(fiber.Map{"submitted_at": dateTime(), "recipient_reference": str()}),
	"Waiver":       obj(fiber.Map{"reason": str()}),
	"NewTask":      obj(fiber.Map{"phase": str(), "title": str(), "description": str(), "assignee_id": integer(), "due_at": dateTime()}),
	"TaskPatch":    obj(fiber.Map{"status": enum("todo", "doing", "done", "skipped"), "skip_reason": str(), "assignee_id": integer(), "unassign": fiber.Map{"type": "boolean"}, "due_at": dateTime()}),
	"Comment":      obj(fiber.Map{"body": str()}),
	"HeldEvidence": obj(fiber.Map{"filename": str(), "sha256": str(), "size_bytes": integer(), "held_by": str(), "description": str()}),
	"Custody":      obj(fiber.Map{"kind": enum("collected", "transferred", "analysed", "returned"), "occurred_at": dateTime(), "handler": str(), "reason": str()}),
	"NewDocument":  obj(fiber.Map{"kind": enum("ppc_preliminary", "ppc_final", "acquirer_report", "card_brand_summary", "police_memo", "customer_letter_sample", "call_center_faq"), "lang": enum("ja", "en"), "fields": fiber.Map{"type": "object", "additionalProperties": str()}}),
	"NoticeInput":  obj(fiber.Map{"title_ja": str(), "title_en": str(), "update_line_ja": str(), "update_line_en": str(), "sections": fiber.Map{"type": "object", "description": "background, cause, scope, request, delay_reason, prevention, reports, contact: each {ja, en}"}}),
	"NewBatch": obj(fiber.Map{"document_id": integer(), "channel": enum("email", "print"), "attach_pdf": fiber.Map{"type": "boolean"},
		"selection": enum("all", "not_notified", "search"), "search": str(), "same_language": fiber.Map{"type": "boolean"}}),
	"Bounces":       obj(fiber.Map{"bounces": fiber.Map{"type": "array", "items": obj(fiber.Map{"email": str(), "reason": str()})}}),
	"Inquiry":       obj(fiber.Map{"received_at": dateTime(), "channel": enum("phone", "email", "web", "other"), "caller_name": str(), "caller_contact": str(), "affected": enum("yes", "no", "unknown"), "question": str(), "answer": str(), "status": enum("open", "answered"), "category": enum("affected_check", "what_happened", "card_misuse", "card_reissue", "suspicious_contact", "complaint", "compensation", "other"), "taken_by": str(), "match": fiber.Map{"type": "boolean"}, "lookup": str()}),
	"InquiryAnswer": obj(fiber.Map{"answer": str()}),
	"FAQEntry":      obj(fiber.Map{"question_ja": str(), "answer_ja": str(), "question_en": str(), "answer_en": str()}),
	"TimelineEntry": obj(fiber.Map{"occurred_at": dateTime(), "summary": str()}),
	"Approval": fiber.Map{"type": "object", "required": []string{"content_sha256"}, "properties": fiber.Map{
		"content_sha256": fiber.Map{"type": "string", "pattern": "^[0-9a-f]{64}$", "description": "SHA-256 (hex) of the content approved, as the API or the page showed it"}}},
}

func obj(props fiber.Map) fiber.Map { return fiber.Map{"type": "object", "properties": props} }
func str() fiber.Map                { return fiber.Map{"type": "string"} }
func integer() fiber.Map            { return fiber.Map{"type": "integer"} }
func dateTime() fiber.Map           { return fiber.Map{"type": "string", "format": "date-time"} }
func enum(v ...string) fiber.Map    { return fiber.Map{"type": "string", "enum": v} }

// openAPI serves the API description built from the route table.
func (s *Server) openAPI(c *fiber.Ctx) error {
	errResp := fiber.Map{"description": "error (422 names each invalid field)", "content": fiber.Map{"application/json": fiber.Map{"schema": fiber.Map{"$ref": "#/components/schemas/Error"}}}}
	paths := fiber.Map{}
	for _, r := range s.routes {
		if !r.API {
			continue
		}
		key := r.Method + " " + r.Path
		doc := apiDocs[key]
		op := fiber.Map{"summary": doc.summary, "responses": fiber.Map{"200": fiber.Map{"description": "ok"}, "401": errResp, "404": errResp, "422": errResp}}
		var params []fiber.Map
		path := strings.TrimPrefix(r.Path, "/api/v1")
		for _, name := range []string{"id", "oid"} {
			if strings.Contains(path, ":"+name) {
				path = strings.Replace(path, ":"+name, "{"+name+"}", 1)
				params = append(params, fiber.Map{"name": name, "in": "path", "required": true, "schema": integer()})
			}
		}
		if params != nil {
			op["parameters"] = params
		}
		if doc.body != "" {
			op["requestBody"] = fiber.Map{"required": true, "content": fiber.Map{"application/json": fiber.Map{"schema": fiber.Map{"$ref": "#/components/schemas/" + doc.body}}}}
		}
		item, _ := paths[path].(fiber.Map)
		if item == nil {
			item = fiber.Map{}
			paths[path] = item
		}
		item[strings.ToLower(r.Method)] = op
	}
	return c.JSON(fiber.Map{
		"openapi":  "3.1.0",
		"info":     fiber.Map{"title": "BreachDesk API", "version": "1", "description": "JSON field names are snake_case; times are RFC 3339. Another organisation's ids answer 404."},
		"servers":  []fiber.Map{{"url": "/api/v1"}},
		"security": []fiber.Map{{"bearer": []string{}}},
		"paths":    paths,
		"components": fiber.Map{
			"securitySchemes": fiber.Map{"bearer": fiber.Map{"type": "http", "scheme": "bearer", "description": "An API token from Settings or `breachdesk token create`."}},
			"schemas":         apiSchemas,
		},
	})
}
