package pdf

import (
	"strings"
	"text/template"
	"time"
)

// Sample data for the render tests and benchmarks: a realistic public notice
// with mixed Japanese, Latin, numbers, URLs and e-mail addresses.

type sampleKV struct{ Key, Value string }

type sampleNotice struct {
	Title, Greeting, History, Cause, Phishing, Closing string
	Items, Requests                                    []string
	Facts                                              []sampleKV
	Desk, Phone, Mail, Hours                           string
	Date, Company, Representative                      string
}

var sampleAt = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

func sampleMeta(draft bool) Meta {
	return Meta{
		Title:        "不正アクセスによる個人情報漏えいに関するお詫びとお知らせ",
		Organisation: "株式会社デモショップ",
		Reference:    "BD-2026-0042",
		Lang:         "ja",
		Draft:        draft,
		GeneratedAt:  sampleAt,
	}
}

func sampleData() sampleNotice {
	return sampleNotice{
		Title: "弊社が運営する「デモショップ オンラインストア」への不正アクセスによる個人情報漏えいに関するお詫びとお知らせ",
		Greeting: "このたび、弊社が運営する「デモショップ オンラインストア」（https://shop.example.jp/）におきまして、第三者による不正アクセスを受け、お客様のクレジットカード情報（4,800件）および個人情報（12,345件）が漏えいした可能性があることが判明いたしました。\n" +
			"お客様には多大なるご迷惑とご心配をおかけする事態となりましたこと、深くお詫び申し上げます。",
		History: "2026年9月15日、一部のクレジットカード会社から、弊社サイトを利用したお客様のクレジットカード情報の漏えい懸念について連絡を受け、同日、弊社が運営する「デモショップ オンラインストア」でのカード決済を停止いたしました。\n\n" +
			"同時に、第三者調査機関（PCI Forensic Investigator、以下「PFI」）による調査を開始いたしました。2026年10月30日、調査機関による調査が完了し、2025年12月1日～2026年9月15日の期間に当サイトで購入されたお客様のクレジットカード情報が漏えいし、一部のお客様のクレジットカード情報が不正利用された可能性があることを確認いたしました。" +
			"以上の事実が確認できたため、本日の発表に至りました。なお、調査の詳細は PFI report (final, ver. 2.1) に基づくものであり、ID: PFI-2026-000123 として管理しております。",
		Cause: "弊社が運営する「デモショップ オンラインストア」のシステムの一部の脆弱性をついたことによる第三者の不正アクセスにより、ペイメントアプリケーションの改ざんが行われたため（いわゆるWebスキミング、Magecart型攻撃）と考えられます。" +
			"攻撃者は管理画面（/admin/login.php）に対する総当たり攻撃（brute-force attack）で認証を突破し、決済画面のJavaScriptファイル（checkout-v3.min.js）に不正なコードを追記していました。",
		Items: []string{
			"カード名義人名、クレジットカード番号、有効期限、セキュリティコード（4,800件）",
			"氏名、住所、電話番号、メールアドレス、生年月日、性別、購入履歴（12,345件。うち「メールマガジン購読」を選択されたお客様は8,765件）",
			"ログインID（メールアドレス）およびハッシュ化されたパスワード（bcrypt, cost=12）",
		},
		Facts: []sampleKV{
			{"対象期間", "2025年12月1日（月）～2026年9月15日（火）の期間に、「デモショップ オンラインストア」においてクレジットカード決済をご利用になったお客様"},
			{"対象件数", "クレジットカード情報：最大4,800件／個人情報：最大12,345件（重複を除いた実人数は約11,000名と推定しております）"},
			{"漏えい項目", "カード名義人名、クレジットカード番号、有効期限、セキュリティコード、氏名、住所、電話番号、メールアドレス"},
			{"発覚の経緯", "クレジットカード会社からの不正利用懸念の連絡（2026年9月15日）による。同日中にカード決済を停止し、決済代行会社（株式会社エグザンプルペイメント）にも報告いたしました。"},
			{"調査機関", "株式会社フォレンジック・サンプル（PCI SSC認定 PFI、https://forensic.example.com/pfi/reports/2026/PFI-2026-000123）"},
			{"二次被害", "一部のお客様のクレジットカード情報が不正利用された可能性があります（2026年10月30日現在、カード会社により確認された不正利用は37件、被害総額は約1,234,567円）。"},
			{"届出状況", "個人情報保護委員会へは2026年9月18日に速報、2026年11月13日に確報を提出済みです。所轄警察署（警視庁サイバー犯罪対策課）へは2026年9月20日に被害申告を行っております。"},
			{"再発防止策", "調査結果を踏まえてシステムのセキュリティ対策および監視体制の強化を行い、再発防止を図ってまいります。改修後のサイトは、決済処理を外部の決済代行会社の画面へ遷移する「リンク型」へ変更し、WAF（Web Application Firewall）の導入、管理画面へのアクセスのIPアドレス制限および二要素認証（TOTP）を導入いたします。再開日につきましては、決定次第、改めてWebサイト上にてお知らせいたします。"},
			{"備考", "本件に関するお問い合わせには、下記の専用窓口にて対応いたします。「なりすましメール」「フィッシングサイト」にご注意ください（弊社からお客様にクレジットカード番号などをお尋ねすることは一切ございません）。"},
		},
		Requests: []string{
			"クレジットカードのご利用明細書に身に覚えのない請求項目がないか、今一度ご確認をお願いいたします。万が一、身に覚えのない請求項目の記載があった場合は、たいへんお手数ですが同クレジットカードの裏面に記載のカード会社にお問い合わせいただきますよう、併せてお願い申し上げます。",
			"なお、上記の「対象期間」にカード決済をご利用になったお客様がクレジットカードの差し替えを希望される場合、カード再発行の手数料はお客様にご負担をお掛けしないよう、各クレジットカード会社に依頼しております。",
			"弊社を装った不審なメール（差出人：support@shop-example.jp など、正規のドメイン「shop.example.jp」と異なるもの）にご注意ください。",
		},
		Phishing: "※ 弊社からお客様に対して、電話やメール（info@shop.example.jp）でクレジットカード番号、セキュリティコード、パスワード等をお尋ねすることは一切ございません。不審な電話・メールを受け取られた場合は、情報を提供なさらないようお願いいたします。",
		Desk:     "株式会社デモショップ　お客様相談窓口（個人情報漏えい専用ダイヤル）",
		Phone:    "0120-000-000（フリーダイヤル）／携帯電話・IP電話からは 03-0000-0000（通話料有料）",
		Mail:     "privacy-desk@shop.example.jp",
		Hours:    "10:00～18:00（土日祝日、12月29日～1月3日を除く）。2026年12月31日までは土日も受け付けております。",
		Closing: "弊社では、今回の事態を厳粛に受け止め、再発防止のための対策を講じてまいります。\n" +
			"お客様をはじめ、関係者の皆様に多大なるご迷惑およびご心配をおかけしましたことを、改めて深くお詫び申し上げます。\n\n" +
			"For customers outside Japan: an English version of this notice is available at https://shop.example.jp/en/notice-2026-11-24.html. Please contact privacy-desk@shop.example.jp if you have any questions about this incident.",
		Date:           "2026年11月24日",
		Company:        "株式会社デモショップ",
		Representative: "代表取締役　山田 太郎",
	}
}

var sampleTemplate = template.Must(template.New("notice.ja.tmpl").Funcs(Funcs()).ParseFiles("testdata/notice.ja.tmpl"))

func sampleDoc() (Document, error) {
	return Execute(sampleTemplate, sampleData())
}

// letterSource is a one-page customer letter for the benchmarks, written
// directly in the block grammar.
var letterSource = strings.TrimSpace(`
# 個人情報漏えいに関するお詫びとお知らせ

山田 花子 様

拝啓　平素より「デモショップ オンラインストア」をご利用いただき、誠にありがとうございます。
このたび、弊社サイトへの第三者による不正アクセスにより、お客様のクレジットカード情報および個人情報が漏えいした可能性があることが判明いたしました。お客様には多大なるご迷惑とご心配をおかけしますことを、心より深くお詫び申し上げます。

## 漏えいした可能性のある情報
- カード名義人名、クレジットカード番号、有効期限、セキュリティコード
- 氏名、住所、電話番号、メールアドレス

## お客様へのお願い
お手数ではございますが、クレジットカードのご利用明細書に身に覚えのない請求項目がないか、ご確認をお願いいたします。身に覚えのない請求があった場合は、カード裏面に記載のカード会社にお問い合わせください。カード再発行の手数料はかかりません。

| お問い合わせ | 株式会社デモショップ お客様相談窓口 0120-000-000（10:00～18:00、土日祝日を除く）／privacy-desk@shop.example.jp

敬具

@sign 2026年11月24日 | 株式会社デモショップ | 代表取締役　山田 太郎
`)
