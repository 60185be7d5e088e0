package web_test

import (
	"bytes"
	"context"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/evidence"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/people"
)

// fixtures creates one resource of every kind a route can name in org
// (whose owner is ownerEmail), and returns their ids by kind.
func (h *harness) fixtures(orgSlug, memberEmail, tokenName string) map[string]int64 {
	h.t.Helper()
	ctx := context.Background()
	org, err := h.auth.OrganisationBySlug(ctx, orgSlug)
	if err != nil {
		h.t.Fatal(err)
	}
	var ownerID int64
	h.st.DB.Raw(`SELECT user_id FROM memberships WHERE organisation_id = ? AND role = 'owner' LIMIT 1`, org.ID).Scan(&ownerID)
	var owner auth.User
	h.st.DB.Take(&owner, ownerID)
	p := auth.Principal{User: owner, Organisation: org, Role: auth.RoleOwner}
	c, err := h.cases.Create(ctx, &p, cases.NewCase{Title: "Fixture case", AwareAt: h.clk.Now().Add(-40 * 24 * time.Hour), IncidentType: "unauthorized_access"})
	if err != nil {
		h.t.Fatal(err)
	}
	tasks, err := h.cases.Tasks(ctx, &p, c.Case.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	obs, err := h.as.Obligations(ctx, &p, c.Case.ID)
	if err != nil || len(obs) == 0 {
		h.t.Fatalf("fixture obligations: %d %v", len(obs), err)
	}
	ev, err := evidence.NewService(h.st, h.clk, 1<<20).Upload(ctx, &p, c.Case.ID, "log.txt", bytes.NewReader([]byte("GET /admin 200")), "access log")
	if err != nil {
		h.t.Fatal(err)
	}
	doc, err := h.drafts.Generate(ctx, &p, c.Case.ID, "ppc_final", "ja", nil)
	if err != nil {
		h.t.Fatal(err)
	}
	n, _, err := h.notices.Create(ctx, &p, c.Case.ID, "")
	if err != nil {
		h.t.Fatal(err)
	}
	m, err := h.notices.SaveMeasure(ctx, &p, c.Case.ID, 0, notices.MeasureInput{TitleJA: new("WAFの導入")})
	if err != nil {
		h.t.Fatal(err)
	}
	imp, err := people.NewService(h.st, h.clk, h.cases).Start(ctx, &p, c.Case.ID, "list.csv", strings.NewReader("氏名,メールアドレス\n山田 花子,hanako@example.com\n"), people.Options{})
	if err != nil {
		h.t.Fatal(err)
	}
	inq, faq := h.inquiryFixtures(&p, c.Case.ID)
	var member, token, notification, batch, file int64
	h.st.DB.Raw(`INSERT INTO letter_batches (organisation_id, case_id, document_id, lang, channel, selection, chunk_size, chunks, total)
		VALUES (?, ?, ?, 'ja', 'print', 'all', 10, 1, 0) RETURNING id`, org.ID, c.Case.ID, doc.ID).Scan(&batch)
	h.st.DB.Raw(`INSERT INTO letter_files (organisation_id, batch_id, chunk, letters, pdf, sha256)
		VALUES (?, ?, 0, 0, '\x00', sha256('\x00')) RETURNING id`, org.ID, batch).Scan(&file)
	h.st.DB.Raw(`SELECT id FROM users WHERE email = ?`, memberEmail).Scan(&member)
	h.st.DB.Raw(`SELECT id FROM api_tokens WHERE name = ? AND organisation_id = ?`, tokenName, org.ID).Scan(&token)
	h.st.DB.Raw(`INSERT INTO notifications (organisation_id, user_id, case_id, title) VALUES (?, ?, ?, 'n') RETURNING id`, org.ID, ownerID, c.Case.ID).Scan(&notification)
	var webhookEndpoint int64
	h.st.DB.Raw(`INSERT INTO webhook_endpoints (organisation_id, url, events, secret, created_at, updated_at)
		VALUES (?, 'https://hooks.example/'||?, '{case.opened}', '\x00', ?, ?) RETURNING id`, org.ID, orgSlug, h.clk.Now(), h.clk.Now()).Scan(&webhookEndpoint)
	var invitation int64
	h.st.DB.Raw(`INSERT INTO invitations (organisation_id, email, role, invited_by, created_at, expires_at) VALUES (?, ?, 'viewer', ?, ?, ?) RETURNING id`,
		org.ID, "invitee@"+orgSlug+".example", ownerID, h.clk.Now(), h.clk.Now().AddDate(0, 0, 14)).Scan(&invitation)
	return map[string]int64{"case": c.Case.ID, "task": tasks[0].ID, "obligation": obs[0].ID, "evidence": ev.ID,
		"document": doc.ID, "notice": n.ID, "import": imp.ID, "measure": m.ID, "user": member, "api_token": token, "notification": notification,
		"letter_batch": batch, "letter_file": file, "webhook_endpoint": webhookEndpoint,
		"inquiry": inq, "faq_entry": faq, "invitation": invitation}
}
