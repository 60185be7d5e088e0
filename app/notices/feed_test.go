package notices_test

import (
	"context"
	"testing"

	"github.com/breachdesk/breachdesk/app/notices"
)

// The Atom feed carries the newest FeedLimit published versions across
// the organisation's published notices, newest first: an organisation
// with a long history does not make every poll read all of it, and an
// unpublished notice's versions stay out.
func TestFeedIsCappedNewestFirst(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	fx.approveBoth(t)
	if _, err := fx.ns.Publish(ctx, &fx.manager, fx.noticeID); err != nil {
		t.Fatal(err)
	}
	// Many more published versions (第2報 … and a second notice's), an
	// hour apart, interleaved; copies of version 1 keep every constraint.
	exec := func(q string, args ...any) {
		t.Helper()
		if err := fx.st.DB.Exec(q, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO notices (organisation_id, case_id, slug, status, published_version)
		SELECT organisation_id, case_id, 'second-notice', 'published', 40 FROM notices WHERE id = ?`, fx.noticeID)
	exec(`INSERT INTO notices (organisation_id, case_id, slug, status, published_version)
		SELECT organisation_id, case_id, 'gone-notice', 'unpublished', 1 FROM notices WHERE id = ?`, fx.noticeID)
	copyVersions := func(slug string, from, to, offset int) {
		t.Helper()
		exec(`INSERT INTO notice_versions (organisation_id, notice_id, version, title_ja, title_en, sections, measures, content_sha256, published_at)
			SELECT v.organisation_id, (SELECT id FROM notices WHERE slug = ?), g, v.title_ja || ' 第' || g || '報', v.title_en, v.sections, v.measures, v.content_sha256,
				v.published_at + make_interval(hours => 2*g + ?)
			FROM notice_versions v, generate_series(?::int, ?::int) g WHERE v.notice_id = ? AND v.version = 1`, slug, offset, from, to, fx.noticeID)
	}
	copyVersions("shop-notice", 2, 40, 0)   // hours 4, 6, … 80
	copyVersions("second-notice", 1, 40, 1) // hours 3, 5, … 81: the newest
	copyVersions("gone-notice", 1, 1, 500)  // newest of all, but not public
	var total int64
	fx.st.DB.Raw(`SELECT count(*) FROM notice_versions WHERE published_at IS NOT NULL`).Scan(&total)
	if total != 81 || total <= notices.FeedLimit {
		t.Fatalf("%d published versions: the test needs more than the cap", total)
	}

	org, feed, err := fx.ns.Feed(ctx, "shop")
	if err != nil || org.Slug != "shop" {
		t.Fatal(org.Slug, err)
	}
	if len(feed) != notices.FeedLimit {
		t.Fatalf("%d entries, want the cap %d", len(feed), notices.FeedLimit)
	}
	if e := feed[0]; e.Notice.Slug != "second-notice" || e.Version.Version != 40 {
		t.Errorf("first entry %s v%d, want second-notice v40 (the newest public one)", e.Notice.Slug, e.Version.Version)
	}
	slugs := map[string]int{}
	for i, e := range feed {
		slugs[e.Notice.Slug]++
		if e.Notice.ID != e.Version.NoticeID || e.Version.PublishedAt == nil {
			t.Fatalf("entry %d: notice %d with version of notice %d", i, e.Notice.ID, e.Version.NoticeID)
		}
		if len(e.Version.PDFJA) > 0 || len(e.Version.PDFEN) > 0 {
			t.Errorf("entry %d loaded the PDFs", i)
		}
		if i > 0 && e.Version.PublishedAt.After(*feed[i-1].Version.PublishedAt) {
			t.Errorf("entry %d is newer than entry %d", i, i-1)
		}
	}
	if slugs["shop-notice"] != 25 || slugs["second-notice"] != 25 || slugs["gone-notice"] != 0 {
		t.Errorf("entries per notice %v, want 25 and 25 and none of the unpublished one", slugs)
	}
	if last := feed[len(feed)-1]; last.Notice.Slug != "shop-notice" || last.Version.Version != 16 {
		t.Errorf("last entry %s v%d, want shop-notice v16 (older ones fall off)", last.Notice.Slug, last.Version.Version)
	}
}
