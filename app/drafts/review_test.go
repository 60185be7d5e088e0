package drafts_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/documents"
)

// Legal can send a draft back with a comment instead of approving it
// (issue 19, item 5): the comment is required, the version leaves the
// queue, the author is notified, and the next version is queued again.
func TestSendingADraftBack(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	d, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, "ppc_preliminary", "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	d = fx.render(t, d.ID)
	queue := func() []int64 {
		t.Helper()
		list, err := fx.drafts.AwaitingApproval(ctx, &fx.legal)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, a := range list {
			ids = append(ids, a.ID)
		}
		return ids
	}
	if !slices.Contains(queue(), d.ID) {
		t.Fatal("the rendered draft is not in legal's queue")
	}
	if _, err := fx.drafts.SendBack(ctx, &fx.owner, d.ID, "直してください"); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("the owner sent a draft back: %v", err)
	}
	var v *apperr.ValidationError
	if _, err := fx.drafts.SendBack(ctx, &fx.legal, d.ID, "  "); !errors.As(err, &v) || v.For("comment") == "" {
		t.Fatalf("sent back without a comment: %v", err)
	}
	back, err := fx.drafts.SendBack(ctx, &fx.legal, d.ID, "原因の欄に、侵入経路を書いてください。カード 4111 1111 1111 1111 の件も。")
	if err != nil {
		t.Fatal(err)
	}
	if back.ReturnedAt == nil || !strings.Contains(back.ReturnComment, "侵入経路") || strings.Contains(back.ReturnComment, "4111 1111 1111 1111") {
		t.Fatalf("sent back as %+v", back)
	}
	if slices.Contains(queue(), d.ID) {
		t.Fatal("a draft sent back is still in legal's queue")
	}
	var note struct {
		Title, Body, Link string
	}
	fx.st.DB.Raw(`SELECT title, body, link FROM notifications WHERE user_id = ?`, fx.owner.User.ID).Scan(&note)
	if !strings.Contains(note.Title, "差し戻し") || !strings.Contains(note.Body, "侵入経路") || note.Link == "" {
		t.Fatalf("the author's notification: %+v", note)
	}
	var entries int64
	fx.st.DB.Raw(`SELECT count(*) FROM timeline_entries WHERE case_id = ? AND action = 'document.send_back'`, fx.caseID).Scan(&entries)
	if entries != 1 {
		t.Fatalf("timeline entries for the send-back: %d", entries)
	}
	// The next version waits for legal again; the old one can no longer
	// be sent back (or approved).
	v2, err := fx.drafts.Regenerate(ctx, &fx.owner, d.ID, map[string]string{"cause": "管理画面への不正ログインによる決済画面の改ざん"})
	if err != nil {
		t.Fatal(err)
	}
	v2 = fx.render(t, v2.ID)
	if q := queue(); !slices.Contains(q, v2.ID) || slices.Contains(q, d.ID) {
		t.Fatalf("queue after regenerating: %v (v1 %d, v2 %d)", q, d.ID, v2.ID)
	}
	if _, err := fx.drafts.SendBack(ctx, &fx.legal, d.ID, "again"); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("a replaced version was sent back: %v", err)
	}
}

// Legal sees, before approving, which items the draft would print as not
// yet known; the queue says how many.
func TestUnfilledItemsAreListedBeforeApproval(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	fx.st.DB.Exec(`UPDATE organisations SET address = '', representative = '' WHERE slug = 'shop'`)
	d, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, "ppc_final", "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	d = fx.render(t, d.ID)
	review := documents.ReviewOf(d.Composed)
	for _, want := range []string{"所在地", "代表者", "発生日・発生期間"} {
		if !slices.Contains(review.Unfilled, want) {
			t.Errorf("unfilled items %v lack %q", review.Unfilled, want)
		}
	}
	if slices.Contains(review.Unfilled, "法人番号") || slices.Contains(review.Unfilled, "本人の数") {
		t.Errorf("known items listed as unfilled: %v", review.Unfilled)
	}
	if len(review.Blocks) == 0 {
		t.Fatal("no preview blocks")
	}
	list, err := fx.drafts.AwaitingApproval(ctx, &fx.legal)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || !slices.Equal(list[0].Unfilled, review.Unfilled) {
		t.Fatalf("queue: %+v, want the unfilled items %v", list, review.Unfilled)
	}
}

// The final report starts from what was written in the preliminary one
// (the version sent, if any): its first version carries those fields.
func TestFinalReportStartsFromThePreliminary(t *testing.T) {
	t.Parallel()
	fx := setup(t)
	ctx := context.Background()
	pre, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, "ppc_preliminary", "ja", map[string]string{
		"cause": "管理画面の認証情報が窃取され、決済画面が改ざんされた。", "secondary_damage": "不正利用の報告は現時点でなし。"})
	if err != nil {
		t.Fatal(err)
	}
	fx.render(t, pre.ID)
	final, err := fx.drafts.Generate(ctx, &fx.owner, fx.caseID, "ppc_final", "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	final = fx.render(t, final.ID)
	f := final.FieldMap()
	if f["cause"] != "管理画面の認証情報が窃取され、決済画面が改ざんされた。" || f["secondary_damage"] != "不正利用の報告は現時点でなし。" {
		t.Fatalf("the final report did not start from the preliminary: %v", f)
	}
	if !strings.Contains(final.Composed, "管理画面の認証情報が窃取され") {
		t.Fatal("the preliminary's cause is not in the final report")
	}
	// Only the first version: a later one keeps what was edited.
	v2, err := fx.drafts.Regenerate(ctx, &fx.owner, final.ID, map[string]string{"cause": "確定した原因"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fx.render(t, v2.ID).FieldMap()["cause"]; got != "確定した原因" {
		t.Fatalf("second version's cause: %q", got)
	}
}
