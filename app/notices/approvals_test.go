package notices_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/i18n"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/cases"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/notices"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
)

type fixture struct {
	st                    *store.Store
	dbURL                 string
	ns                    *notices.Service
	owner, manager, legal auth.Principal
	caseID, noticeID      int64
	slug                  string
}

// setup is a case with one measure (WAF, planned) and its notice, every
// section written ("SAFE").
func setup(t *testing.T) fixture {
	t.Helper()
	clk := clocktest.New(t)
	st, dbURL := storetest.NewWithURL(t, clk)
	a := apptest.Auth(t, st, clk)
	ctx := context.Background()
	fx := fixture{st: st, dbURL: dbURL, owner: *apptest.Principal(t, a, "o@shop.example", "shop", auth.RoleOwner),
		manager: *apptest.Principal(t, a, "m@shop.example", "shop", auth.RoleManager), legal: *apptest.Principal(t, a, "l@shop.example", "shop", auth.RoleLegal)}
	cs, as := apptest.Cases(st, clk)
	fx.ns = notices.NewService(st, clk, cs, as, apptest.Renderer(t))
	c, err := cs.Create(ctx, &fx.owner, cases.NewCase{Title: "skimmer", AwareAt: clk.Now().Add(-time.Hour), IncidentType: "card_skimming"})
	if err != nil {
		t.Fatal(err)
	}
	fx.caseID = c.Case.ID
	fx.measure(t, 0, "WAF introduced", "planned")
	n, _, err := fx.ns.Create(ctx, &fx.manager, c.Case.ID, "shop-notice")
	if err != nil {
		t.Fatal(err)
	}
	fx.noticeID, fx.slug = n.ID, n.Slug
	fx.save(t, "SAFE")
	return fx
}

func (fx fixture) save(t *testing.T, title string) notices.Version {
	t.Helper()
	in := notices.Input{TitleJA: title, TitleEN: title, Sections: map[string]i18n.Text{}}
	for _, k := range notices.Sections {
		in.Sections[k] = i18n.Text{JA: title + " 本文 " + k, EN: title + " text " + k}
	}
	v, err := fx.ns.Save(context.Background(), &fx.manager, fx.noticeID, in)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (fx fixture) measure(t *testing.T, id int64, title, status string) notices.Measure {
	t.Helper()
	in := notices.MeasureInput{Status: &status}
	if title != "" {
		in.TitleJA = &title
	}
	m, err := fx.ns.SaveMeasure(context.Background(), &fx.manager, fx.caseID, id, in)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// loaded is what an approver's page shows: the content hash of the
// latest version now.
func (fx fixture) loaded(t *testing.T, p auth.Principal) string {
	t.Helper()
	r, err := fx.ns.Review(context.Background(), &p, fx.noticeID)
	if err != nil {
		t.Fatal(err)
	}
	return r.ContentSHA256
}

func (fx fixture) approveBoth(t *testing.T) {
	t.Helper()
	for _, p := range []auth.Principal{fx.legal, fx.owner} {
		if _, err := fx.ns.Approve(context.Background(), &p, fx.noticeID, fx.loaded(t, p)); err != nil {
			t.Fatal(err)
		}
	}
}

func (fx fixture) public(t *testing.T, version int) (notices.Public, error) {
	t.Helper()
	return fx.ns.PublicPage(context.Background(), fx.slug, version)
}

// The penetration test's attack (issue 17, finding 4), at the service:
// legal and the owner load the "SAFE" text; the manager edits it in place
// to "EVIL TITLE"; both approvals, naming the hash they loaded, are
// refused as conflicts and none is recorded; publishing is refused; the
// public never sees EVIL. Approvals given before a measure changed, or
// before the row changed behind the service's back, do not publish
// either.
func TestApprovalNamesTheVersionItApproves(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	legalSum, ownerSum := fx.loaded(t, fx.legal), fx.loaded(t, fx.owner)
	if legalSum != ownerSum || len(legalSum) != 64 {
		t.Fatalf("one version, two hashes: %s %s", legalSum, ownerSum)
	}
	fx.save(t, "EVIL TITLE")
	for _, p := range []auth.Principal{fx.legal, fx.owner} {
		_, err := fx.ns.Approve(ctx, &p, fx.noticeID, legalSum)
		if !errors.Is(err, notices.ErrChanged) || !errors.Is(err, apperr.ErrConflict) || !strings.Contains(err.Error(), "review the current version") {
			t.Fatalf("%s approving the text loaded before the edit: %v", p.Role, err)
		}
	}
	var v *apperr.ValidationError
	if _, err := fx.ns.Approve(ctx, &fx.legal, fx.noticeID, ""); !errors.As(err, &v) || v.For("content_sha256") == "" {
		t.Fatalf("approval naming no version: %v", err)
	}
	if n := apptest.Count(t, fx.st, `SELECT count(*) FROM notice_versions WHERE legal_approved_at IS NOT NULL OR owner_approved_at IS NOT NULL`); n != 0 {
		t.Fatalf("%d approvals recorded", n)
	}
	if _, err := fx.ns.Publish(ctx, &fx.manager, fx.noticeID); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("publishing without approvals: %v", err)
	}
	if _, err := fx.public(t, 0); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("public page of an unpublished notice: %v", err)
	}

	// Approved SAFE, then a measure added without saving the text: the
	// approvals were for other content.
	fx.save(t, "SAFE")
	fx.approveBoth(t)
	approved := fx.loaded(t, fx.legal)
	fx.measure(t, 0, "added after the approvals", "planned")
	r, err := fx.ns.Review(ctx, &fx.owner, fx.noticeID)
	if err != nil {
		t.Fatal(err)
	}
	if r.ContentSHA256 == approved || !r.LegalStale || !r.OwnerStale || r.LegalApproved || r.OwnerApproved {
		t.Fatalf("review after a measure changed: %+v", r)
	}
	if _, err := fx.ns.Publish(ctx, &fx.manager, fx.noticeID); !errors.Is(err, apperr.ErrConflict) || !strings.Contains(err.Error(), "conflict.needs_legal_current") {
		t.Fatalf("publishing what nobody approved: %v", err)
	}
	// Approved again (they see the measure now), then the row changes
	// behind the service's back: publishing is refused.
	fx.approveBoth(t)
	fx.st.DB.Exec(`UPDATE notice_versions SET title_ja = 'EVIL TITLE' WHERE notice_id = ?`, fx.noticeID)
	if _, err := fx.ns.Publish(ctx, &fx.manager, fx.noticeID); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("publishing a row changed after its approvals: %v", err)
	}
	fx.st.DB.Exec(`UPDATE notice_versions SET title_ja = 'SAFE' WHERE notice_id = ?`, fx.noticeID)
	// The approved content itself publishes, as approved.
	pv, err := fx.ns.Publish(ctx, &fx.manager, fx.noticeID)
	if err != nil {
		t.Fatal(err)
	}
	if pv.ContentSHA256 == nil || *pv.ContentSHA256 != fx.loaded(t, fx.legal) {
		t.Fatalf("published hash %v", pv.ContentSHA256)
	}
	pub, err := fx.public(t, 0)
	if err != nil {
		t.Fatal(err)
	}
	if pub.Version.TitleJA != "SAFE" || len(pub.Measures) != 2 {
		t.Fatalf("public: %q with %d measures", pub.Version.TitleJA, len(pub.Measures))
	}
	// An approval of a published version is refused.
	if _, err := fx.ns.Approve(ctx, &fx.legal, fx.noticeID, *pv.ContentSHA256); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("approving a published version: %v", err)
	}
}

// What is public is the published version as approved: a measure added
// or changed after publication appears nowhere public (page, PDF, feed)
// until a new version is saved, approved by both and published; the
// review says the measures changed since.
func TestPublicNoticeIsTheFrozenApprovedVersion(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	fx.approveBoth(t)
	if _, err := fx.ns.Publish(ctx, &fx.manager, fx.noticeID); err != nil {
		t.Fatal(err)
	}
	pdf1, err := fx.ns.PublicPDF(ctx, fx.slug, 1, "ja")
	if err != nil {
		t.Fatal(err)
	}
	// The PDF is dated, as a notice on paper is.
	if text := apptest.PDFText(t, pdf1); !regexp.MustCompile(`\d{4}年\d{1,2}月\d{1,2}日`).MatchString(text) {
		t.Fatalf("the published PDF has no date:\n%s", text)
	}
	want := []notices.PublishedMeasure{{TitleJA: "WAF introduced", Status: "planned"}}
	check := func(version int, want []notices.PublishedMeasure) {
		t.Helper()
		pub, err := fx.public(t, version)
		if err != nil {
			t.Fatal(err)
		}
		if len(pub.Measures) != len(want) {
			t.Fatalf("version %d shows %+v, want %+v", version, pub.Measures, want)
		}
		for i := range want {
			if pub.Measures[i] != want[i] {
				t.Fatalf("version %d shows %+v, want %+v", version, pub.Measures, want)
			}
		}
	}
	check(0, want)
	r, _ := fx.ns.Review(ctx, &fx.manager, fx.noticeID)
	if r.MeasuresChanged || r.PublishedVersion != 1 {
		t.Fatalf("review right after publication: %+v", r)
	}

	// After publication: the measure is done, another is added.
	var wafID int64
	fx.st.DB.Raw(`SELECT id FROM prevention_measures WHERE case_id = ?`, fx.caseID).Scan(&wafID)
	fx.measure(t, wafID, "", "done")
	fx.measure(t, 0, "LATE MEASURE", "in_progress")
	check(0, want)
	check(1, want)
	if pdf, _ := fx.ns.PublicPDF(ctx, fx.slug, 1, "ja"); string(pdf) != string(pdf1) || strings.Contains(apptest.PDFText(t, pdf), "LATE MEASURE") {
		t.Fatal("the published PDF changed")
	}
	if r, _ := fx.ns.Review(ctx, &fx.manager, fx.noticeID); !r.MeasuresChanged || r.PublishedVersion != 1 || r.Version.PublishedAt == nil {
		t.Fatalf("review does not say the measures changed since version 1: %+v", r)
	}
	// The next version: saved, it changes nothing public; approved and
	// published, it shows the measures as they were approved.
	fx.save(t, "SAFE second report")
	check(0, want)
	if r, _ := fx.ns.Review(ctx, &fx.manager, fx.noticeID); !r.MeasuresChanged || len(r.Measures) != 2 || r.Version.Version != 2 {
		t.Fatalf("review of the draft of version 2: %+v", r)
	}
	fx.approveBoth(t)
	if _, err := fx.ns.Publish(ctx, &fx.manager, fx.noticeID); err != nil {
		t.Fatal(err)
	}
	want2 := []notices.PublishedMeasure{{TitleJA: "WAF introduced", Status: "done"}, {TitleJA: "LATE MEASURE", Status: "in_progress"}}
	check(0, want2)
	check(2, want2)
	check(1, want)
	pdf2, err := fx.ns.PublicPDF(ctx, fx.slug, 2, "en")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(apptest.PDFText(t, pdf2), "LATE MEASURE") {
		t.Fatal("version 2's PDF lacks its measures")
	}
	if r, _ := fx.ns.Review(ctx, &fx.manager, fx.noticeID); r.MeasuresChanged {
		t.Fatal("review says measures changed right after publishing them")
	}
	// A measure renamed after version 2: nothing public changes.
	fx.measure(t, wafID, "EVIL RENAMED", "done")
	check(0, want2)
	_, feed, err := fx.ns.Feed(ctx, "shop")
	if err != nil || len(feed) != 2 {
		t.Fatalf("feed: %d entries, %v", len(feed), err)
	}
	for _, e := range feed {
		for _, m := range e.Version.Measures {
			if strings.Contains(m.TitleJA, "EVIL") {
				t.Fatal("the feed shows a measure nobody approved")
			}
		}
	}
	// A published version cannot be changed in place.
	if err := fx.st.DB.Exec(`UPDATE notice_versions SET measures = '[{"title_ja":"EVIL","title_en":"","status":"done"}]' WHERE notice_id = ? AND version = 1`, fx.noticeID).Error; err == nil {
		t.Fatal("a published version's measures changed in place")
	}
}

// The migration adds the hashes and the frozen measures to a database
// with data: a version published before it keeps the measures it showed
// then, approvals given before it must be given again, and documents
// rendered before it can still be approved with the hash of what they
// show.
func TestApprovedVersionsMigrationKeepsWhatIsPublic(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	fx.approveBoth(t)
	if _, err := fx.ns.Publish(ctx, &fx.manager, fx.noticeID); err != nil {
		t.Fatal(err)
	}
	fx.save(t, "second report")
	fx.approveBoth(t)
	if err := fx.st.MigrateDown(ctx, 17); err != nil {
		t.Fatal(err)
	}
	// Data written by the code before this change.
	fx.st.DB.Exec(`INSERT INTO prevention_measures (organisation_id, case_id, title_ja, status) SELECT organisation_id, id, 'added before the upgrade', 'done' FROM cases WHERE id = ?`, fx.caseID)
	fx.st.DB.Exec(`INSERT INTO documents (organisation_id, case_id, kind, lang, version, template_version, status, fields, composed, pdf, sha256, rendered_at)
		SELECT organisation_id, id, 'police_memo', 'ja', 1, 'builtin', 'draft', '{}', E'# memo\n\ntext', '\x00', sha256('\x00'), now() FROM cases WHERE id = ?`, fx.caseID)
	if err := fx.st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// A fresh connection: the old one's cached statements know the old
	// columns.
	st, err := store.Open(ctx, fx.dbURL, clocktest.New(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var frozen string
	st.DB.Raw(`SELECT measures::text FROM notice_versions WHERE notice_id = ? AND version = 1`, fx.noticeID).Scan(&frozen)
	if !strings.Contains(frozen, "WAF introduced") || !strings.Contains(frozen, "added before the upgrade") {
		t.Fatalf("published version's measures after the migration: %s", frozen)
	}
	var stale, draftMeasures int64
	st.DB.Raw(`SELECT count(*) FROM notice_versions WHERE legal_approved_at IS NOT NULL AND legal_approved_sha256 IS NULL`).Scan(&stale)
	st.DB.Raw(`SELECT count(*) FROM notice_versions WHERE published_at IS NULL AND measures IS NOT NULL`).Scan(&draftMeasures)
	if stale != 2 || draftMeasures != 0 {
		t.Fatalf("after the migration: %d approvals without a hash (want 2), %d drafts with frozen measures", stale, draftMeasures)
	}
	var org, ref string
	var docID int64
	st.DB.Raw(`SELECT id, pdf_organisation, pdf_reference FROM documents WHERE kind = 'police_memo'`).Row().Scan(&docID, &org, &ref)
	if org == "" || !strings.HasPrefix(ref, "INC-") {
		t.Fatalf("document header after the migration: %q %q", org, ref)
	}
	// The services on the migrated database: the public page shows what
	// it showed before; the draft approvals are stale; the document
	// rendered before is approved with the hash of what it shows.
	clk := clocktest.New(t)
	cs, as := apptest.Cases(st, clk)
	ns := notices.NewService(st, clk, cs, as, apptest.Renderer(t))
	pub, err := ns.PublicPage(ctx, fx.slug, 0)
	if err != nil || len(pub.Measures) != 2 || pub.Measures[1].TitleJA != "added before the upgrade" {
		t.Fatalf("public page after the migration: %+v %v", pub.Measures, err)
	}
	if r, err := ns.Review(ctx, &fx.owner, fx.noticeID); err != nil || !r.LegalStale || !r.OwnerStale {
		t.Fatalf("review after the migration: %+v %v", r, err)
	}
	if _, err := ns.Publish(ctx, &fx.manager, fx.noticeID); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("publishing with approvals that name no content: %v", err)
	}
	ds := drafts.NewService(st, clk, cs, as, apptest.Renderer(t))
	d, err := ds.Get(ctx, &fx.legal, docID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Approve(ctx, &fx.legal, docID, d.ContentHash()); err != nil {
		t.Fatalf("approving a document rendered before the migration: %v", err)
	}
}
