package inquiries_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/inquiries"
)

// A card number read out by a caller and typed into any free-text field
// is stored as brand + last 4 only, and the audit row counts it.
func TestCardNumbersAreMaskedBeforeStoring(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	p := e.principal("op@a.example", "org-a", auth.RoleResponder)
	caseID := e.newCase(p)
	it, err := e.svc.Create(ctx, p, caseID, inquiries.Input{
		CallerName: "Tanaka 4111 1111 1111 1111", CallerContact: "03-1234-5678", Question: "Was my card 4111-1111-1111-1111 leaked?",
		Answer: "JCB ３５３０１１１３３３３０００００ is not in the list", TakenBy: "desk 5555555555554444"})
	if err != nil {
		t.Fatal(err)
	}
	if it.MaskedCardNumbers != 4 {
		t.Errorf("masked %d card numbers, want 4", it.MaskedCardNumbers)
	}
	if !strings.Contains(it.Inquiry.Question, "[visa ****1111]") || strings.Contains(it.Inquiry.Question, "1111-1111-1111") {
		t.Errorf("question not masked: %q", it.Inquiry.Question)
	}
	if n := e.count(`SELECT count(*) FROM inquiries WHERE question || caller_name || answer || taken_by ~ '[0-9０-９]{4}[ -]?[0-9０-９]{4}[ -]?[0-9０-９]{4}'`); n != 0 {
		t.Fatal("a full card number reached the inquiries table")
	}
	if it.Inquiry.Status != inquiries.StatusAnswered || it.Inquiry.AnsweredAt == nil {
		t.Errorf("an answer given on the spot should mark it answered: %+v", it)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'inquiry.create' AND details::jsonb->>'masked_card_numbers' = '4'`); n != 1 {
		t.Errorf("audit rows counting the masked numbers: %d", n)
	}
	// An update masks too.
	it, err = e.svc.Update(ctx, p, it.Inquiry.ID, inquiries.Patch{Question: ptr("new card 5555 5555 5555 4444")})
	if err != nil || it.MaskedCardNumbers != 1 || !strings.Contains(it.Inquiry.Question, "****4444") || strings.Contains(it.Inquiry.Question, "5555 5555") {
		t.Fatalf("update: %d %q %v", it.MaskedCardNumbers, it.Inquiry.Question, err)
	}
}

func TestValidationNamesTheFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	p := e.principal("op@a.example", "org-a", auth.RoleResponder)
	caseID := e.newCase(p)
	_, err := e.svc.Create(ctx, p, caseID, inquiries.Input{Channel: "fax", Affected: "maybe", Category: "gossip", ReceivedAt: e.clk.Now().Add(time.Hour),
		CallerName: strings.Repeat("x", 201)})
	for _, f := range []string{"channel", "affected", "category", "received_at", "caller_name", "question"} {
		fieldError(t, err, f)
	}
	it, err := e.svc.Create(ctx, p, caseID, inquiries.Input{Question: "Am I affected?"})
	if err != nil {
		t.Fatal(err)
	}
	if it.Inquiry.Channel != "phone" || it.Inquiry.Affected != inquiries.AffectedUnknown || it.Inquiry.Category != "other" || it.Inquiry.Status != inquiries.StatusOpen || it.Inquiry.TakenBy != "Name of op@a.example" {
		t.Errorf("defaults: %+v", it)
	}
	if _, err := e.svc.Update(ctx, p, it.Inquiry.ID, inquiries.Patch{Status: ptr("answered")}); !strings.Contains(fieldError(t, err, "answer"), "required") {
		t.Fatal("answered without an answer")
	}
	if _, err := e.svc.Answer(ctx, p, it.Inquiry.ID, "  "); err == nil {
		t.Fatal("blank answer accepted")
	}
	it, err = e.svc.Answer(ctx, p, it.Inquiry.ID, "We will check and call you back.")
	if err != nil || it.Inquiry.Status != inquiries.StatusAnswered || it.Inquiry.AnsweredAt == nil {
		t.Fatalf("answer: %+v %v", it, err)
	}
	// Reopening keeps the answer written so far but clears when it was given.
	it, err = e.svc.Update(ctx, p, it.Inquiry.ID, inquiries.Patch{Status: ptr("open")})
	if err != nil || it.Inquiry.Status != inquiries.StatusOpen || it.Inquiry.AnsweredAt != nil || it.Inquiry.Answer == "" {
		t.Fatalf("reopen: %+v %v", it, err)
	}
	if _, _, err := e.svc.List(ctx, p, caseID, inquiries.Filter{Status: "closed"}); err == nil {
		fieldError(t, err, "status")
	}
}

func TestCountsAndFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	p := e.principal("op@a.example", "org-a", auth.RoleResponder)
	caseID := e.newCase(p)
	otherCase := e.newCase(p)
	for _, in := range []inquiries.Input{
		{Question: "q1", Affected: "yes", Category: "card_misuse", Answer: "a"},
		{Question: "q2", Affected: "yes", Category: "card_misuse"},
		{Question: "q3", Affected: "no", Category: "affected_check", Answer: "a"},
		{Question: "q4", Category: "affected_check"},
		{Question: "q5", Category: "card_misuse", Channel: "email"},
	} {
		if _, err := e.svc.Create(ctx, p, caseID, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.Create(ctx, p, otherCase, inquiries.Input{Question: "elsewhere", Affected: "yes"}); err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.Counts(ctx, p, caseID)
	if err != nil {
		t.Fatal(err)
	}
	want := inquiries.Counts{Total: 5, Open: 3, Answered: 2, Affected: 2, NotAffected: 1, Unknown: 2}
	if c.Total != want.Total || c.Open != want.Open || c.Answered != want.Answered || c.Affected != want.Affected || c.NotAffected != want.NotAffected || c.Unknown != want.Unknown {
		t.Errorf("counts %+v, want %+v", c, want)
	}
	if len(c.ByCategory) != 2 || c.ByCategory[0] != (inquiries.CategoryCount{Category: "card_misuse", Count: 3}) || c.ByCategory[1].Count != 2 {
		t.Errorf("by category: %+v", c.ByCategory)
	}
	list, total, err := e.svc.List(ctx, p, caseID, inquiries.Filter{Status: "open", Affected: "yes"})
	if err != nil || total != 1 || len(list) != 1 || list[0].Question != "q2" {
		t.Fatalf("filtered list: %d %+v %v", total, list, err)
	}
	// The first inquiry of a case is on its timeline; the rest only in the audit log.
	if n := e.count(`SELECT count(*) FROM timeline_entries WHERE case_id = ? AND action LIKE 'inquiry.%'`, caseID); n != 1 {
		t.Errorf("timeline entries for inquiries: %d, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'inquiry.create'`); n != 6 {
		t.Errorf("audit rows: %d, want 6", n)
	}
}

// A caller is matched to the case's affected persons by e-mail, phone
// (written any way) or customer id, exactly and only within the case.
func TestMatchingCallersAgainstTheAffectedList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	p := e.principal("op@a.example", "org-a", auth.RoleResponder)
	caseID := e.newCase(p)
	otherCase := e.newCase(p)
	hanako := e.person(p, caseID, "山田 花子", "hanako@example.com", "090-1234-5678", "C-1001")
	e.person(p, caseID, "山田 太郎", "taro@example.com", "03-5555-0000", "C-1002")
	e.person(p, caseID, "山田 次郎", "jiro@example.com", "03-5555-0000", "C-1003")
	stranger := e.person(p, otherCase, "Other", "other@example.com", "080-0000-0000", "X-1")

	for key, want := range map[string]int{"Hanako@Example.com": 1, "+81 90 1234 5678": 1, "０９０１２３４５６７８": 1, "C-1001": 1, "03-5555-0000": 2,
		"hanako": 0, "5678": 0, "other@example.com": 0} {
		got, err := e.svc.Lookup(ctx, p, caseID, key)
		if err != nil || len(got) != want {
			t.Errorf("lookup %q: %d matches (%v), want %d", key, len(got), err, want)
		}
	}
	it, err := e.svc.Create(ctx, p, caseID, inquiries.Input{Question: "Am I affected?", CallerContact: "+81-90-1234-5678", Match: true})
	if err != nil {
		t.Fatal(err)
	}
	if it.Inquiry.PersonID == nil || *it.Inquiry.PersonID != hanako || it.Inquiry.Affected != inquiries.AffectedYes {
		t.Fatalf("not linked to the one match: %+v", it)
	}
	if lp, err := e.svc.LinkedPerson(ctx, p, it.Inquiry); err != nil || lp == nil || lp.Name != "山田 花子" {
		t.Fatalf("linked person: %+v %v", lp, err)
	}
	// A customer id given only for the lookup matches too.
	it2, err := e.svc.Create(ctx, p, caseID, inquiries.Input{Question: "?", CallerContact: "unknown number", Lookup: "C-1001", Match: true})
	if err != nil || it2.Inquiry.PersonID == nil || *it2.Inquiry.PersonID != hanako {
		t.Fatalf("lookup key: %+v %v", it2, err)
	}
	// Two candidates: the desk chooses; nothing found: affected stays as given.
	amb, err := e.svc.Create(ctx, p, caseID, inquiries.Input{Question: "?", CallerContact: "03-5555-0000", Match: true})
	if err != nil || amb.Inquiry.PersonID != nil || amb.Inquiry.Affected != inquiries.AffectedUnknown {
		t.Fatalf("ambiguous: %+v %v", amb, err)
	}
	none, err := e.svc.Create(ctx, p, caseID, inquiries.Input{Question: "?", CallerContact: "nobody@example.com", Affected: "no", Match: true})
	if err != nil || none.Inquiry.PersonID != nil || none.Inquiry.Affected != inquiries.AffectedNo {
		t.Fatalf("no match: %+v %v", none, err)
	}
	// Linking by hand: only persons of the inquiry's own case.
	if _, err := e.svc.LinkPerson(ctx, p, amb.Inquiry.ID, stranger); err == nil {
		t.Fatal("linked a person of another case")
	} else {
		fieldError(t, err, "person_id")
	}
	if _, err := e.svc.LinkPerson(ctx, p, amb.Inquiry.ID, hanako); err != nil {
		t.Fatal(err)
	}
	// Saying "not affected" drops the link it contradicts; unlinking resets to unknown.
	upd, err := e.svc.Update(ctx, p, it.Inquiry.ID, inquiries.Patch{Affected: ptr("no")})
	if err != nil || upd.Inquiry.PersonID != nil {
		t.Fatalf("affected=no kept the link: %+v %v", upd, err)
	}
	un, err := e.svc.LinkPerson(ctx, p, amb.Inquiry.ID, 0)
	if err != nil || un.PersonID != nil || un.Affected != inquiries.AffectedUnknown {
		t.Fatalf("unlink: %+v %v", un, err)
	}
}

func TestTenancyAndRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	owner := e.principal("owner@a.example", "org-a", auth.RoleOwner)
	viewer := e.principal("viewer@a.example", "org-a", auth.RoleViewer)
	responder := e.principal("resp@a.example", "org-a", auth.RoleResponder)
	bob := e.principal("bob@b.example", "org-b", auth.RoleOwner)
	caseID := e.newCase(owner)
	it, err := e.svc.Create(ctx, owner, caseID, inquiries.Input{Question: "q", Answer: "a"})
	if err != nil {
		t.Fatal(err)
	}
	faq, err := e.svc.AddFAQ(ctx, owner, caseID, inquiries.FAQInput{QuestionJA: "質問", AnswerJA: "回答"})
	if err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"get":    second(e.svc.Get(ctx, bob, it.Inquiry.ID)),
		"create": second(e.svc.Create(ctx, bob, caseID, inquiries.Input{Question: "q"})),
		"update": second(e.svc.Update(ctx, bob, it.Inquiry.ID, inquiries.Patch{Answer: ptr("x")})),
		"list":   third(e.svc.List(ctx, bob, caseID, inquiries.Filter{})),
		"counts": second(e.svc.Counts(ctx, bob, caseID)),
		"lookup": second(e.svc.Lookup(ctx, bob, caseID, "a@b.c")),
		"link":   second(e.svc.LinkPerson(ctx, bob, it.Inquiry.ID, 0)),
		"faq":    second(e.svc.FAQ(ctx, bob, caseID)),
		"addfaq": second(e.svc.AddFAQ(ctx, bob, caseID, inquiries.FAQInput{QuestionJA: "q", AnswerJA: "a"})),
		"updfaq": second(e.svc.UpdateFAQ(ctx, bob, faq.ID, inquiries.FAQInput{QuestionJA: "q", AnswerJA: "a"})),
		"delfaq": second(e.svc.DeleteFAQ(ctx, bob, faq.ID)),
		"promo":  second(e.svc.Promote(ctx, bob, it.Inquiry.ID, "ja")),
		"csv":    second(e.svc.FAQCSV(ctx, bob, caseID, "ja")),
		"log":    second(e.svc.InquiriesCSV(ctx, bob, caseID, inquiries.Filter{}, "ja")),
	} {
		if !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("%s as another organisation: %v, want not found", name, err)
		}
	}
	for name, err := range map[string]error{
		"viewer create":   second(e.svc.Create(ctx, viewer, caseID, inquiries.Input{Question: "q"})),
		"viewer log csv":  second(e.svc.InquiriesCSV(ctx, viewer, caseID, inquiries.Filter{}, "ja")),
		"responder faq":   second(e.svc.AddFAQ(ctx, responder, caseID, inquiries.FAQInput{QuestionJA: "q", AnswerJA: "a"})),
		"responder promo": second(e.svc.Promote(ctx, responder, it.Inquiry.ID, "ja")),
	} {
		if !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("%s: %v, want forbidden", name, err)
		}
	}
	if _, _, err := e.svc.List(ctx, viewer, caseID, inquiries.Filter{}); err != nil {
		t.Errorf("viewer cannot read the log: %v", err)
	}
}

func second[A any](_ A, err error) error        { return err }
func third[A, B any](_ A, _ B, err error) error { return err }
