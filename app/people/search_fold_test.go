package people

import "testing"

func TestSearchFold(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"ヤマダ タロウ", "ヤマダタロウ"},
		{"やまだたろう", "ヤマダタロウ"},
		{"やまだ　たろう", "ヤマダタロウ"},  // full-width space
		{"ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ"}, // half-width, voiced mark composed
		{"ｻﾄｳ ﾕｰｺ", "サトウユーコ"},  // half-width prolonged sound mark kept as ー
		{"ゆうこ", "ユウコ"},
		{"か\u3099", "ガ"}, // a combining voiced mark composes
		{"Ｅｘａｍｐｌｅ", "example"},
		{"ゔぁ ゝゞ", "ヴァヽヾ"},
		{"ジョン・スミス", "ジョンスミス"},
		{"山田 太郎", "山田太郎"},
		{"東京都千代田区丸の内1-2-3", "東京都千代田区丸ノ内123"},
		{"100-0005", "1000005"},
		{"〒１００－０００５", "1000005"},
		{"User@Example.JP", "user@example.jp"},
		{"Ｃ０００１", "c0001"},
		{"a\tb\nc", "abc"},
		{"50%_off\\", "50%_off\\"}, // wildcards are escaped later, not removed
		{"  -  ", ""},
	} {
		if got := searchFold(c.in); got != c.want {
			t.Errorf("searchFold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPhoneDigits(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"03-1234-5678", "0312345678"},
		{"０３１２３４５６７８", "0312345678"},
		{"０３－１２３４－５６７８", "0312345678"},
		{"+81 3 1234 5678", "0312345678"},
		{"+81-3-1234-5678", "0312345678"},
		{"+81 (0)3 1234 5678", "0312345678"},
		{"＋８１ ９０ １２３４ ５６７８", "09012345678"},
		{"81312345678", "0312345678"},   // country code without the plus, whole number
		{"819012345678", "09012345678"}, // mobile
		{"8100001", "8100001"},          // a postal code (福岡市), not +81
		{"(03) 1234-5678", "0312345678"},
		{"", ""},
	} {
		if got := phoneDigits(c.in); got != c.want {
			t.Errorf("phoneDigits(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPhoneShapedAndKana(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"03-1234-5678": true, "+81 3 1234 5678": true, "０３ー１２３４ー５６７８": true, "(03) 1234.5678": true,
		"100-0005": true, "C0001": false, "丸の内1-2": false, "": false, "---": false,
	} {
		if got := phoneShaped(in); got != want {
			t.Errorf("phoneShaped(%q) = %v, want %v", in, got, want)
		}
	}
	for in, want := range map[string]bool{
		"ヤマダタロウ": true, "ユーコ": true, "ヴァ": true, "山田": false, "ヤマダ1": false, "yamada": false, "": false,
	} {
		if got := isKana(in); got != want {
			t.Errorf("isKana(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestSearchColumns(t *testing.T) {
	t.Parallel()
	r := record{Name: "山田 太郎", NameKana: "やまだ たろう", Address: "東京都千代田区丸の内1-2-3", PostalCode: "100-0005",
		Email: "taro@example.jp", CustomerID: "C-0001", Phone: "+81 3-1234-5678"}
	text, kana, phone := r.searchColumns()
	if want := "山田太郎\nヤマダタロウ\n東京都千代田区丸ノ内123\n1000005\ntaro@example.jp\nc0001\n0312345678"; text != want {
		t.Errorf("text = %q, want %q", text, want)
	}
	if kana != "ヤマダタロウ" || phone != "0312345678" {
		t.Errorf("kana, phone = %q, %q", kana, phone)
	}
	// No reading, but a name written in kana: the name serves as one.
	if _, kana, _ := (&record{Name: "すずき はなこ"}).searchColumns(); kana != "スズキハナコ" {
		t.Errorf("kana of a kana name = %q", kana)
	}
	if _, kana, _ := (&record{Name: "鈴木 花子"}).searchColumns(); kana != "" {
		t.Errorf("kana of a kanji name without reading = %q", kana)
	}
	// Taking the hyphens out of an address must not leave a card number
	// in the search column.
	text, _, _ = (&record{Name: "x", Address: "4111-11 11-1111 1111"}).searchColumns()
	if want := "x\n\n[visa ****1111]\n\n\n\n"; text != want {
		t.Errorf("text = %q, want %q", text, want)
	}
}
