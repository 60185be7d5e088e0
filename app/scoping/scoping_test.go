package scoping_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/obligations"
	"github.com/breachdesk/breachdesk/app/scoping"
)

// Orders merge into persons by customer id, e-mail key and name+address
// key, transitively; guests without a shared key stay apart.
func TestMergeIntoPersons(t *testing.T) {
	t.Parallel()
	const at = "2026-10-10 12:00"
	guest := func(no, email, name, address string) ord { return card(no, at, "", email, name, address) }
	for _, tc := range []struct {
		name   string
		orders []ord
		want   []string
	}{
		{"same customer id, different e-mail and address", []ord{
			card("A", at, "M1", "taro@example.jp", "山田太郎", "東京都千代田区1-1"),
			card("B", at, "M1", "yamada@example.jp", "山田 太郎", "大阪府大阪市2-2"),
		}, []string{"confirmed:A,B"}},
		{"same e-mail written in another case and width", []ord{
			guest("A", "Taro@Example.JP", "山田太郎", "東京都千代田区1-1"),
			guest("B", " ｔａｒｏ@example.jp", "ヤマダ", "北海道札幌市3-3"),
		}, []string{"confirmed:A,B"}},
		{"name and address only, spaced differently", []ord{
			guest("A", "", "山田 太郎", "東京都千代田区 1-1"),
			guest("B", "", "山田　太郎", "東京都千代田区1-1"),
		}, []string{"confirmed:A,B"}},
		{"transitive chain: member, guest with its e-mail, guest with that guest's address", []ord{
			card("A", at, "M1", "taro@example.jp", "山田太郎", "東京都千代田区1-1"),
			guest("B", "taro@example.jp", "山田花子", "神奈川県横浜市5-5"),
			guest("C", "", "山田花子", "神奈川県横浜市5-5"),
			card("D", at, "M2", "hanako@example.jp", "山田花子", "神奈川県横浜市5-5"),
			card("E", at, "M2", "other@example.jp", "別人", "沖縄県那覇市9-9"),
		}, []string{"confirmed:A,B,C,D,E"}},
		{"guests with nothing in common stay apart", []ord{
			guest("A", "a@example.jp", "佐藤一郎", "東京都港区1"),
			guest("B", "b@example.jp", "佐藤一郎", "東京都港区2"),
			guest("C", "", "佐藤一郎", ""),
			guest("D", "", "", ""),
		}, []string{"confirmed:A", "confirmed:B", "confirmed:C", "confirmed:D"}},
		{"same name, different members", []ord{
			card("A", at, "M1", "", "鈴木次郎", "東京都港区1"),
			card("B", at, "M2", "", "鈴木次郎", "東京都港区2"),
		}, []string{"confirmed:A", "confirmed:B"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.addOrders(tc.orders...)
			e.setWindows(window("2026-10-01 09:12", "2026-11-30 18:40", scoping.ConfidenceConfirmed))
			r := e.scope()
			if got := e.groups(r); !slices.Equal(got, tc.want) {
				t.Errorf("persons = %v, want %v", got, tc.want)
			}
			if int(r.PersonsUpperBound) != len(tc.want) || r.OrdersMatched != int64(len(tc.orders)) {
				t.Errorf("run counts %d persons of %d orders, want %d of %d", r.PersonsUpperBound, r.OrdersMatched, len(tc.want), len(tc.orders))
			}
		})
	}
}

// A window is refused with the field named; changes are versions, each
// on the timeline, and a change against an old version is a conflict.
func TestWindowValidationAndVersions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	ok := window("2026-10-01 09:12", "2026-11-30 18:40", scoping.ConfidenceConfirmed)
	for _, tc := range []struct {
		name   string
		change func(*scoping.Window)
		want   []string
	}{
		{"end before start", func(w *scoping.Window) { w.End = jst("2026-09-30 00:00") }, []string{"end"}},
		{"end equal to start", func(w *scoping.Window) { w.End = w.Start }, []string{"end"}},
		{"no start", func(w *scoping.Window) { w.Start = time.Time{} }, []string{"start"}},
		{"year out of range", func(w *scoping.Window) { w.End = w.End.AddDate(200, 0, 0) }, []string{"end"}},
		{"no source, bad confidence", func(w *scoping.Window) { w.Source, w.Confidence = "", "likely" }, []string{"confidence", "source"}},
		{"unknown data item", func(w *scoping.Window) { w.DataItems = []obligations.DataItem{"card_pin"} }, []string{"data_items"}},
		{"no data item", func(w *scoping.Window) { w.DataItems = nil }, []string{"data_items"}},
		{"too many paths", func(w *scoping.Window) {
			for i := range scoping.MaxPaths + 1 {
				w.Paths = append(w.Paths, "path "+string(rune('A'+i)))
			}
		}, []string{"paths"}},
	} {
		w := ok
		w.Paths = slices.Clone(ok.Paths)
		tc.change(&w)
		_, err := e.svc.SaveWindow(ctx, e.owner, e.caseID, 0, w)
		if got := fields(err); !slices.Equal(got, tc.want) {
			t.Errorf("%s: fields %v (%v), want %v", tc.name, got, err, tc.want)
		}
	}
	if _, err := e.svc.SaveWindow(ctx, e.viewer, e.caseID, 0, ok); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("viewer adding a window: %v", err)
	}
	if _, err := e.svc.SaveWindow(ctx, e.other, e.caseID, 0, ok); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation adding a window: %v", err)
	}
	v1 := e.setWindows(ok)
	edited := ok
	edited.No, edited.End = v1.Windows[0].No, jst("2026-11-15 00:00")
	v2, err := e.svc.SaveWindow(ctx, e.owner, e.caseID, v1.Version, edited)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SaveWindow(ctx, e.owner, e.caseID, v1.Version, edited); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("saving against version %d after %d: %v", v1.Version, v2.Version, err)
	}
	v3, err := e.svc.RemoveWindow(ctx, e.owner, e.caseID, v2.Version, edited.No)
	if err != nil {
		t.Fatal(err)
	}
	v4 := e.setWindows(ok)
	if len(v3.Windows) != 0 || v4.Windows[0].No != 2 {
		t.Errorf("after removing: %v; a new window got number %d, want 2 (numbers are never reused)", v3.Windows, v4.Windows[0].No)
	}
	vs, err := e.svc.WindowVersions(ctx, e.owner, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 4 || vs[3].Version != 1 || vs[1].Change != "removed" || vs[2].Windows[0].End != jst("2026-11-15 00:00").UTC() || vs[0].CreatedBy == nil {
		t.Errorf("versions: %+v", vs)
	}
	if n := e.count(`SELECT count(*) FROM timeline_entries WHERE case_id = ? AND action LIKE 'scoping.window_%'`, e.caseID); n != 4 {
		t.Errorf("%d timeline entries, want 4", n)
	}
	// A path copied in full-width forms is kept as the orders keep their
	// payment methods (NFKC), so that it matches them.
	fw := v4.Windows[0]
	fw.Paths = []string{"　クレジットカード（ＶＩＳＡ）　", "クレジットカード(VISA)"}
	v5, err := e.svc.SaveWindow(ctx, e.owner, e.caseID, v4.Version, fw)
	if err != nil {
		t.Fatal(err)
	}
	if got := v5.Windows[len(v5.Windows)-1].Paths; !slices.Equal(got, []string{"クレジットカード(VISA)"}) {
		t.Errorf("paths %q, want the NFKC form once", got)
	}
	v4 = v5
	for range scoping.MaxWindows - 1 {
		e.setWindows(ok)
	}
	cur, _ := e.svc.Windows(ctx, e.owner, e.caseID)
	if _, err := e.svc.SaveWindow(ctx, e.owner, e.caseID, cur.Version, ok); !slices.Equal(fields(err), []string{"windows"}) {
		t.Errorf("window %d: %v", scoping.MaxWindows+1, err)
	}
}

// Confirmed persons paid by card on an affected path in a confirmed
// window; the upper bound adds those only in suspected windows and
// those whose orders do not say how they were paid.
func TestConfirmedAndUpperBound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	jcb := func(o ord) ord { o.brand, o.last4 = "jcb", "3333"; return o }
	e.addOrders(
		card("in-confirmed", "2026-10-05 10:00", "M1", "m1@example.jp", "一", "東京1"),
		jcb(card("in-both", "2026-09-25 10:00", "M2", "m2@example.jp", "二", "東京2")),
		card("m2-confirmed", "2026-10-20 10:00", "M2", "m2@example.jp", "二", "東京2"),
		card("only-suspected", "2026-09-20 10:00", "M3", "m3@example.jp", "三", "東京3"),
		ord{no: "unknown-payment", at: "2026-10-06 10:00", method: "", cid: "M4", email: "m4@example.jp", name: "四", address: "東京4"},
		ord{no: "other-path", at: "2026-10-06 10:00", method: "Amazon Pay", card: true, brand: "visa", cid: "M5", email: "m5@example.jp", name: "五", address: "東京5"},
		ord{no: "konbini", at: "2026-10-06 10:00", method: "コンビニ決済", cid: "M6", email: "m6@example.jp", name: "六", address: "東京6"},
		card("outside", "2026-12-05 10:00", "M7", "m7@example.jp", "七", "東京7"),
		card("at-end", "2026-11-30 18:40", "M8", "m8@example.jp", "八", "東京8"),
		card("after-end", "2026-11-30 18:41", "M9", "m9@example.jp", "九", "東京9"),
	)
	sus := window("2026-09-15 00:00", "2026-09-30 23:59", scoping.ConfidenceSuspected, cardPay)
	sus.DataItems = []obligations.DataItem{obligations.ItemCardNumber, obligations.ItemEmail}
	e.setWindows(window("2026-10-01 09:12", "2026-11-30 18:40", scoping.ConfidenceConfirmed, cardPay), sus)
	r := e.scope()
	want := []string{"confirmed:at-end", "confirmed:in-both,m2-confirmed", "confirmed:in-confirmed", "possible:only-suspected", "possible:unknown-payment"}
	if got := e.groups(r); !slices.Equal(got, want) {
		t.Errorf("persons = %v, want %v", got, want)
	}
	if r.PersonsConfirmed != 3 || r.PersonsUpperBound != 5 || r.OrdersMatched != 6 || r.OrdersUnknown != 1 {
		t.Errorf("counts: %+v", r)
	}
	// "in-both" is confirmed through window 1: it counts as confirmed
	// there, and only as possible in the suspected window 2 and for the
	// e-mail address only window 2 captured.
	wantWindows := []scoping.WindowCount{{No: 1, Orders: 4, Persons: 4, Confirmed: 3}, {No: 2, Orders: 2, Persons: 2, Confirmed: 0}}
	if !slices.Equal(r.ByWindow, wantWindows) {
		t.Errorf("by window %+v, want %+v", r.ByWindow, wantWindows)
	}
	wantBrands := []scoping.BrandCount{{Brand: "visa", Persons: 4, Orders: 4}, {Brand: "jcb", Persons: 1, Orders: 1}, {Brand: "", Persons: 1, Orders: 1}}
	if !slices.Equal(r.ByBrand, wantBrands) {
		t.Errorf("by brand %+v, want %+v", r.ByBrand, wantBrands)
	}
	wantItems := []scoping.ItemCount{{Item: "card_number", Persons: 5, Confirmed: 3}, {Item: "card_expiry", Persons: 4, Confirmed: 3},
		{Item: "security_code", Persons: 4, Confirmed: 3}, {Item: "name", Persons: 4, Confirmed: 3}, {Item: "email", Persons: 2, Confirmed: 0}}
	if !slices.Equal(r.ByItem, wantItems) {
		t.Errorf("by item %+v, want %+v", r.ByItem, wantItems)
	}
	if _, err := e.svc.Scope(context.Background(), e.viewer, e.caseID); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("viewer scoping: %v", err)
	}
	if _, _, err := e.svc.Persons(context.Background(), e.other, r.ID, "", 10, 0); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation reading the run: %v", err)
	}
}

// A window reported "09:12 to 18:40" takes the whole of its end minute and
// nothing before its start minute.
func TestWindowTakesItsWholeEndMinute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addOrders(
		card("early", "2026-10-01 09:11:59", "M1", "m1@example.jp", "一郎", "東京1"),
		card("start", "2026-10-01 09:12:00", "M2", "m2@example.jp", "二郎", "東京2"),
		card("end", "2026-11-30 18:40:59", "M3", "m3@example.jp", "三郎", "東京3"),
		card("late", "2026-11-30 18:41:00", "M4", "m4@example.jp", "四郎", "東京4"),
	)
	w := window("2026-10-01 09:12", "2026-11-30 18:40", scoping.ConfidenceConfirmed)
	w.End = w.End.Add(30 * time.Second) // seconds given are dropped: windows are kept to the minute
	e.setWindows(w)
	r := e.scope()
	if got := e.names(r); len(got) != 2 || !slices.Contains(got, "confirmed 二郎") || !slices.Contains(got, "confirmed 三郎") {
		t.Errorf("persons %v, want 二郎 and 三郎", got)
	}
	if r.PersonsConfirmed != 2 || r.PersonsUpperBound != 2 {
		t.Errorf("confirmed %d, upper bound %d; want 2 and 2", r.PersonsConfirmed, r.PersonsUpperBound)
	}
}
