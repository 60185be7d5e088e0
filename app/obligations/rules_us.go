package obligations

import "fmt"

// US state rules (RULES.md section D). A state rule applies when residents
// lists persons of that state and the data is "personal information" in
// the sense these statutes share: a name plus an element (SSN, licence or
// ID number, card or account number, medical data), or login credentials
// alone. Regulator thresholds use the state's resident count. The
// encryption safe harbour is applied where RULES.md records "unencrypted"
// (California).

// usPI reports whether the data items make personal information for the
// US statutes; provisional when elements come without a name item (most
// definitions need both, but assuming a miss would be the unsafe error).
func usPI(c *evalCtx) (ok, provisional bool, why Text) {
	if c.f.Has(ItemLoginCredentials) {
		return true, false, tx("ログイン情報を含む。", "Login credentials involved.")
	}
	elems := c.f.presentOf(usElementItems)
	if len(elems) == 0 {
		return false, false, Text{}
	}
	why = tx("対象項目: "+joinStrings(elems)+"。", "Elements: "+joinStrings(elems)+".")
	if !c.f.HasAny(nameItems...) {
		c.rs.add(ReviewUSNameElement, "data_items", tx(
			"米国州法の個人情報の定義は通常「氏名＋要素（SSN、免許証番号、カード番号等）」です。氏名がデータ項目にないため、該当する前提で暫定的に表示しています。",
			"US state definitions usually need a name plus an element (SSN, licence, card number, ...). No name item is listed, so the state obligations are shown provisionally."))
		return true, true, why
	}
	return true, false, why
}

// usRule builds a US state rule; min is the least number of residents of
// the state that triggers it (1 for the resident notice).
func usRule(id string, j Jurisdiction, zone string, recipient Text, min int64, minText Text, dl Deadline,
	basis Text, content []Text, sources []string, encryption bool, cav *Text) Rule {
	trigger := tx("暗号化されていない個人情報（氏名＋SSN・免許証・カード番号等、又はログイン情報）の漏えい", "Breach of (unencrypted) personal information: name plus SSN, licence, card or account number, medical data, or login credentials")
	if min > 1 {
		trigger = join(trigger, minText)
	}
	return Rule{
		ID: id, Jurisdiction: j, Recipient: recipient, Trigger: trigger, Deadline: dl,
		ClockStart: tx("侵害の発見（判断）日", "Discovery (determination) of the breach"),
		Content:    content, Basis: basis, Zone: zone, VerifiedOn: DefaultVerifiedOn, Sources: sources, Caveat: cav,
		when: func(c *evalCtx) verdict {
			n := c.f.residents(j)
			if n < max(min, 1) {
				return no
			}
			ok, prov, why := usPI(c)
			if !ok || (encryption && encryptionSafe(c)) {
				return no
			}
			why = join(residentsWhy(j, n), why)
			if min > 1 {
				why = join(why, minText)
			}
			return verdict{applies: true, provisional: prov, why: why}
		},
	}
}

func days(n int, ja, en string) Deadline {
	return Deadline{Kind: KindDaysAfter, N: n, Text: tx(ja, en)}
}

func threshold(op string, n int) Text {
	return tx(fmt.Sprintf("（当該州の居住者%s%d人）", op, n), fmt.Sprintf(" (state residents %s %d)", op, n))
}

var (
	residentsRecipient = tx("影響を受ける州居住者", "Affected state residents")
	bureausRecipient   = tx("全米の消費者信用報告機関（Equifax、Experian、TransUnion）", "Nationwide consumer reporting agencies (Equifax, Experian, TransUnion)")
	bureausDeadline    = Deadline{Kind: KindPromptly, Text: tx("不当な遅滞なく", "Without unreasonable delay")}
	bureausContent     = []Text{tx("通知の時期、配布方法、内容", "Timing, distribution and content of the notices")}
)

func usRules() []Rule {
	caSrc := []string{"dataprotectionreport.com 2025/11", "dailyjournal.com", "swlaw.com", "carlsonlawgroup.com"}
	caBasis := tx("カリフォルニア州民法典1798.82条（SB 446による改正、2026-01-01施行）", "Cal. Civ. Code § 1798.82 (as amended by SB 446, from 2026-01-01)")
	nySrc := []string{"covingtonblogs.com 2025/01", "shrm.org"}
	nyBasis := tx("ニューヨーク州一般事業法899-aa条", "N.Y. Gen. Bus. Law § 899-aa")
	txSrc := []string{"eyeonprivacy.com 2023/08", "complianceiq.site"}
	txBasis := tx("テキサス州事業商業法521.053条", "Tex. Bus. & Com. Code § 521.053")
	flSrc := []string{"complianceiq.site", "wordsbywit.com"}
	flBasis := tx("フロリダ州法501.171条", "Fla. Stat. § 501.171")
	coSrc := []string{"complianceiq.site"}
	coBasis := tx("コロラド州改正法6-1-716条", "Colo. Rev. Stat. § 6-1-716")
	waSrc := []string{"atg.wa.gov"}
	waBasis := tx("ワシントン州改正法典19.255.010条", "RCW 19.255.010")
	thirty := days(30, "発見（判断）から30日以内", "Within 30 days after discovery (determination)")
	const la, ny, chi, den = "America/Los_Angeles", "America/New_York", "America/Chicago", "America/Denver"
	return []Rule{
		usRule("us.ca.residents", USCA, la, residentsRecipient, 1, Text{}, thirty, caBasis, []Text{
			tx("表題「Notice of Data Breach」、見出し: What Happened / What Information Was Involved / What We Are Doing / What You Can Do / For More Information（10ポイント以上）",
				"Title \"Notice of Data Breach\"; headings What Happened / What Information Was Involved / What We Are Doing / What You Can Do / For More Information; at least 10-pt type"),
			tx("事業者名と連絡先、個人情報の種類、侵害の日又は期間、警察による遅延の有無、概要", "Business name and contact; PI types; breach date or range; whether delayed for police; description"),
			tx("SSN・免許証番号の場合は信用情報機関の電話番号、12か月の個人情報盗用防止サービス", "If SSN or licence: credit bureau numbers and a 12-month identity-theft service offer"),
		}, caSrc, true, caveat("法執行機関の要請又は範囲確定のための遅延は認められます。", "Delays are allowed for law enforcement or to determine the scope.")),
		usRule("us.ca.ag", USCA, la, tx("カリフォルニア州司法長官", "California Attorney General"), 501, threshold(">", 500),
			days(45, "居住者への通知から15日以内に通知文の見本を提出（表示日は居住者期限＋15日の最終日）", "Sample notice within 15 days of notifying residents (date shown: resident deadline + 15 days, the latest)"),
			caBasis, []Text{tx("居住者向け通知文の見本", "A sample copy of the resident notice")}, caSrc, true, nil),
		usRule("us.ny.residents", USNY, ny, residentsRecipient, 1, Text{}, thirty, nyBasis, []Text{
			tx("連絡先", "Contact information"),
			tx("関係機関の電話番号とウェブサイト", "Agency phone numbers and websites"),
			tx("データの種類と項目", "Categories of data and which elements"),
		}, nySrc, false, caveat("2024-12-21以降30日。遅延は法執行機関の要請のみ。", "30 days since 2024-12-21; delay only for law enforcement.")),
		usRule("us.ny.regulators", USNY, ny, tx("州司法長官、州務省、州警察（金融サービス局（DFS）規制対象はDFSも）", "Attorney General, Department of State, State Police (and DFS for DFS-regulated entities)"), 1, Text{},
			days(30, "居住者への通知時（表示日は居住者期限）", "When residents are notified (date shown: the resident deadline)"),
			nyBasis, []Text{tx("通知の時期・内容・配布方法と影響人数の概数", "Timing, content and distribution of the notices and the approximate number affected")}, nySrc, false,
			caveat("⚠ DFSへの通知はDFS規制対象事業者のみ。", "⚠ DFS notice applies to DFS-regulated entities only.")),
		usRule("us.ny.credit_bureaus", USNY, ny, bureausRecipient, 5001, threshold(">", 5000), thirty, nyBasis, bureausContent, nySrc, false,
			caveat("⚠ 閾値5,000人は要確認。", "⚠ The 5,000 threshold needs verification.")),
		usRule("us.tx.residents", USTX, chi, residentsRecipient, 1, Text{}, days(60, "侵害と判断してから60日以内", "Within 60 days after determining the breach"), txBasis, []Text{
			tx("侵害の内容と対象の個人情報、連絡先", "What happened, the PI involved, contact"),
		}, txSrc, false, nil),
		usRule("us.tx.ag", USTX, chi, tx("テキサス州司法長官（オンラインフォーム）", "Texas Attorney General (online form)"), 250, threshold("≥", 250),
			days(30, "侵害と判断してから30日以内（2023-09-01以降）", "Within 30 days after determining the breach (since 2023-09-01)"), txBasis, []Text{
				tx("概要", "Description"), tx("影響を受けたテキサス州民の数と通知済みの数", "Number of Texans affected and notified"),
				tx("講じた措置", "Measures taken"), tx("法執行機関の関与", "Law enforcement involved"),
			}, txSrc, false, caveat("⚠ フォームの項目は要確認。", "⚠ Form items need verification.")),
		usRule("us.tx.credit_bureaus", USTX, chi, bureausRecipient, 10001, threshold(">", 10000), bureausDeadline, txBasis, bureausContent, txSrc, false, nil),
		usRule("us.fl.residents", USFL, ny, residentsRecipient, 1, Text{},
			days(30, "侵害と判断してから30日以内（正当な理由があれば15日延長可）", "Within 30 days after determination (+15 days for good cause)"), flBasis, []Text{
				tx("侵害の日又は期間", "Date or range of the breach"), tx("対象の個人情報", "PI involved"), tx("連絡先", "Contact"),
			}, flSrc, false, nil),
		usRule("us.fl.dla", USFL, ny, tx("フロリダ州法務局（Department of Legal Affairs）", "Florida Department of Legal Affairs"), 500, threshold("≥", 500),
			days(30, "侵害と判断してから30日以内（正当な理由があれば15日延長可）", "Within 30 days after determination (+15 days for good cause)"), flBasis, []Text{
				tx("概要", "Synopsis"), tx("影響人数", "Number affected"), tx("提供するサービス", "Services offered"),
				tx("通知文の写し", "Copy of the notice"), tx("連絡先", "Contact"),
			}, flSrc, false, nil),
		usRule("us.fl.credit_bureaus", USFL, ny, bureausRecipient, 1001, threshold(">", 1000), bureausDeadline, flBasis, bureausContent, flSrc, false, nil),
		usRule("us.co.residents", USCO, den, residentsRecipient, 1, Text{}, days(30, "侵害と判断してから30日以内", "Within 30 days after determination"), coBasis, []Text{
			tx("侵害の日又は期間", "Date or range of the breach"), tx("対象の個人情報", "PI involved"), tx("連絡先", "Contact"),
			tx("信用情報機関とFTCの情報", "Credit bureau and FTC information"), tx("凍結・不正警告の案内", "Freeze and fraud-alert information"),
		}, coSrc, false, nil),
		usRule("us.co.ag", USCO, den, tx("コロラド州司法長官", "Colorado Attorney General"), 500, threshold("≥", 500),
			days(30, "侵害と判断してから30日以内", "Within 30 days after determination"), coBasis, []Text{tx("侵害の通知", "Notice of the breach")}, coSrc, false, nil),
		usRule("us.co.credit_bureaus", USCO, den, bureausRecipient, 1001, threshold(">", 1000), bureausDeadline, coBasis, bureausContent, coSrc, false, nil),
		usRule("us.wa.residents", USWA, la, residentsRecipient, 1, Text{}, days(30, "発見から30日以内", "Within 30 calendar days after discovery"), waBasis, []Text{
			tx("事業者名と連絡先", "Business name and contact"), tx("個人情報の種類", "PI types"),
			tx("侵害と発見の日", "Dates of breach and discovery"), tx("信用情報機関の電話番号", "Credit bureau numbers"),
		}, waSrc, false, caveat("損害を生じさせる合理的なおそれがない場合は不要。", "Not required when the breach is not reasonably likely to cause harm.")),
		usRule("us.wa.ag", USWA, la, tx("ワシントン州司法長官（ウェブフォーム）", "Washington Attorney General (web form)"), 501, threshold(">", 500),
			days(30, "発見から30日以内", "Within 30 calendar days after discovery"), waBasis, []Text{
				tx("居住者向けと同じ事項", "The resident-notice items"), tx("封じ込めの概要", "Containment summary"), tx("通知文の見本", "Sample notice"),
			}, waSrc, false, nil),
		usRule("us.wa.credit_bureaus", USWA, la, bureausRecipient, 1001, threshold(">", 1000), bureausDeadline, waBasis, bureausContent, waSrc, false, nil),
	}
}
