package obligations

import (
	"fmt"
	"slices"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// US state rules (RULES.md section D, checked against the statutes in the
// second review). A state rule applies when residents lists persons of that
// state and the data is "personal information" in the state's sense: a
// name plus an element of the state's list (usState.elements), or login
// credentials alone. Regulator thresholds use the state's resident count.
// Every modelled state excludes data encrypted with the key not acquired,
// and sends a party that maintains data it does not own to the owner
// instead of the residents and the regulator (usState.owner).

// usState is what differs between the modelled states.
type usState struct {
	j    Jurisdiction
	id   string // rule id prefix, e.g. "us.ca"
	zone string
	// elements make personal information together with a name.
	elements []DataItem
	basis    i18n.Text
	sources  []Source
	// owner is the deadline of the maintainer's notice to the owner.
	owner      Deadline
	ownerBasis i18n.Text
}

// usPI reports whether the data items make personal information for the
// state; provisional when elements come without a name item (most
// definitions need both, but assuming a miss would be the unsafe error).
func (st usState) usPI(c *evalCtx) (ok, provisional bool, why i18n.Text) {
	if c.f.Has(ItemLoginCredentials) {
		return true, false, tx("ログイン情報を含む。", "Login credentials involved.")
	}
	elems := c.f.presentOf(st.elements)
	if len(elems) == 0 {
		return false, false, i18n.Text{}
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

// applies is the common trigger: residents of the state, personal
// information, not covered by the encryption safe harbour.
func (st usState) applies(c *evalCtx, min int64) (n int64, v verdict, ok bool) {
	n = c.f.residents(st.j)
	if n < max(min, 1) {
		return n, no, false
	}
	pi, prov, why := st.usPI(c)
	if !pi || encryptionSafe(c) {
		return n, no, false
	}
	return n, verdict{applies: true, provisional: prov, why: join(residentsWhy(st.j, n), why)}, true
}

// rule builds one of the state's duties of the owner (or licensee) of the
// data; min is the least number of residents of the state that triggers it
// (1 for the resident notice).
func (st usState) rule(suffix string, recipient i18n.Text, min int64, minText i18n.Text, dl Deadline, content []i18n.Text, cav *i18n.Text) Rule {
	trigger := tx("個人情報（氏名＋州の定める要素、又はログイン情報）の漏えい。鍵が取得されていない暗号化データを除く",
		"Breach of personal information (name plus an element the state lists, or login credentials); data encrypted with the key not acquired is excluded")
	if min > 1 {
		trigger = join(trigger, minText)
	}
	return Rule{
		ID: st.id + "." + suffix, Jurisdiction: st.j, Recipient: recipient, Trigger: trigger, Deadline: dl,
		ClockStart: tx("侵害の発見（判断）日", "Discovery (determination) of the breach"),
		Content:    content, Basis: st.basis, Zone: st.zone, Sources: st.sources, Caveat: cav,
		when: func(c *evalCtx) verdict {
			_, v, ok := st.applies(c, min)
			if !ok || actsForOther(c) {
				return no
			}
			if min > 1 {
				v.why = join(v.why, minText)
			}
			return v
		},
	}
}

// ownerRule is the notice a party that maintains the data for its owner
// owes that owner; the owner then notifies the residents and regulators.
func (st usState) ownerRule() Rule {
	return Rule{
		ID: st.id + ".owner", Jurisdiction: st.j,
		Recipient: tx("データの所有者又はライセンシー（委託元）", "The owner or licensee of the data"),
		Trigger: tx("所有しない個人情報を保持（処理）している者の漏えい。鍵が取得されていない暗号化データを除く",
			"Breach of personal information the organisation maintains but does not own; data encrypted with the key not acquired is excluded"),
		Deadline:   st.owner,
		ClockStart: tx("侵害の発見（判断）日", "Discovery (determination) of the breach"),
		Content: []i18n.Text{
			tx("侵害の内容と発見の日時", "What happened and when it was discovered"),
			tx("対象の個人情報と影響を受けた居住者", "The personal information and residents affected"),
			tx("講じた措置と連絡先", "Measures taken and contact"),
		},
		Basis: st.ownerBasis, Zone: st.zone, Sources: st.sources,
		Caveat: caveat("居住者・州当局・信用情報機関への通知は所有者が行います。", "The owner notifies the residents, the state authorities and the credit bureaus."),
		when: func(c *evalCtx) verdict {
			_, v, ok := st.applies(c, 1)
			if !ok || !c.f.EntrustedProcessor.IsTrue() {
				return no
			}
			v.why = join(v.why, tx("他社のためにデータを保持している。", "The organisation maintains the data for another business."))
			return v
		},
	}
}

func days(n int, ja, en string) Deadline {
	return Deadline{Kind: KindDaysAfter, N: n, Text: tx(ja, en)}
}

func threshold(op string, n int) i18n.Text {
	return tx(fmt.Sprintf("（当該州の居住者%s%d人）", op, n), fmt.Sprintf(" (state residents %s %d)", op, n))
}

var (
	residentsRecipient = tx("影響を受ける州居住者", "Affected state residents")
	bureausRecipient   = tx("全米の消費者信用報告機関（Equifax、Experian、TransUnion）", "Nationwide consumer reporting agencies (Equifax, Experian, TransUnion)")
	bureausDeadline    = Deadline{Kind: KindPromptly, Text: tx("不当な遅滞なく", "Without unreasonable delay")}
	bureausContent     = []i18n.Text{tx("通知の時期、配布方法、内容", "Timing, distribution and content of the notices")}
	ownerImmediately   = Deadline{Kind: KindImmediately, Text: tx("発見後直ちに", "Immediately following discovery")}
)

func usRules() []Rule {
	const la, ny, chi, den = "America/Los_Angeles", "America/New_York", "America/Chicago", "America/Denver"
	ca := usState{j: USCA, id: "us.ca", zone: la, elements: usElementItems,
		basis: tx("カリフォルニア州民法典1798.82条（SB 446による改正、2026-01-01施行）", "Cal. Civ. Code § 1798.82 (as amended by SB 446, from 2026-01-01)"),
		sources: []Source{
			read(secondReview, "https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=CIV&sectionNum=1798.82",
				"カリフォルニア州民法典1798.82条（SB 446改正後）", "Cal. Civ. Code § 1798.82 (as amended by SB 446)",
				tx("現行条文をlexace.aiの写しで読了: (a)(1)暗号化（鍵の取得なし）は対象外、(a)(2)30日、(b)保持者から所有者へ直ちに", "Current text read through the lexace.ai copy: (a)(1) encrypted data counts only with the key, (a)(2) 30 days, (b) a maintainer tells the owner immediately")),
			commentary("dataprotectionreport.com 2025/11", "https://www.dataprotectionreport.com/2025/11/california-tightens-data-breach-notification-timelines-imposes-30-day-notice-requirement/"),
			commentary("dailyjournal.com", ""), commentary("swlaw.com", ""), commentary("carlsonlawgroup.com", ""),
		},
		owner: ownerImmediately, ownerBasis: tx("カリフォルニア州民法典1798.82条(b)", "Cal. Civ. Code § 1798.82(b)")}
	nys := usState{j: USNY, id: "us.ny", zone: ny, elements: usElementItems,
		basis: tx("ニューヨーク州一般事業法899-aa条", "N.Y. Gen. Bus. Law § 899-aa"),
		sources: []Source{
			read(secondReview, "https://www.nysenate.gov/legislation/laws/GBS/899-AA", "ニューヨーク州一般事業法899-aa条", "N.Y. Gen. Bus. Law § 899-aa",
				tx("(1)(b)をcliclaw.com・counselstack.comの写しで読了（鍵がアクセス・取得されていない暗号化データは対象外）。保持者の通知（3項）は未再読。", "(1)(b) read through the cliclaw.com and counselstack.com copies (data encrypted with a key not accessed or acquired is excluded); the maintainer's notice (subd. 3) was not re-read.")),
			commentary("covingtonblogs.com 2025/01", ""), commentary("shrm.org", ""),
		},
		owner: ownerImmediately, ownerBasis: tx("ニューヨーク州一般事業法899-aa条3項", "N.Y. Gen. Bus. Law § 899-aa(3)")}
	txs := usState{j: USTX, id: "us.tx", zone: chi, elements: usElementItems,
		basis: tx("テキサス州事業商業法521.002条・521.053条", "Tex. Bus. & Com. Code §§ 521.002, 521.053"),
		sources: []Source{
			read(secondReview, "https://statutes.capitol.texas.gov/Docs/BC/htm/BC.521.htm", "テキサス州事業商業法521.002条・521.053条", "Tex. Bus. & Com. Code §§ 521.002, 521.053",
				tx("lawserver.com・texas.public.lawの写しで読了: 521.002(a)(2)「氏名と項目が暗号化されていない場合」、521.053(a)暗号化データは鍵を持つ者の取得のみ侵害。保持者の通知（521.053(c)）は2007年の制定法案（capitol.texas.gov）と現行の要約で確認。",
					"Read through the lawserver.com and texas.public.law copies: § 521.002(a)(2) \"if the name and the items are not encrypted\"; § 521.053(a) encrypted data is breached only when the person has the key. The maintainer's notice (§ 521.053(c)) was read in the 2007 bill text (capitol.texas.gov) and a current summary.")),
			commentary("eyeonprivacy.com 2023/08", ""), commentary("complianceiq.site", ""),
		},
		owner: ownerImmediately, ownerBasis: tx("テキサス州事業商業法521.053条(c)", "Tex. Bus. & Com. Code § 521.053(c)")}
	fl := usState{j: USFL, id: "us.fl", zone: ny, elements: usElementItems,
		basis: tx("フロリダ州法501.171条", "Fla. Stat. § 501.171"),
		sources: []Source{
			read(secondReview, "http://www.leg.state.fl.us/statutes/index.cfm?App_mode=Display_Statute&URL=0500-0599/0501/Sections/0501.171.html", "フロリダ州法501.171条", "Fla. Stat. § 501.171",
				tx("fl.elaws.usの写しと引用で読了: (1)(g)2は暗号化等で使用不能な情報を除外。第三者代理人の10日（6項）は解説（jdsupra.com、Akerman）による。",
					"Read through the fl.elaws.us copy and quotes: (1)(g)2 excludes information encrypted or otherwise rendered unusable; the third-party agent's 10 days (subs. (6)) follow commentary (jdsupra.com, Akerman).")),
			commentary("complianceiq.site", ""), commentary("wordsbywit.com", ""),
			commentary("jdsupra.com (Akerman) Florida Information Protection Act of 2014", "http://www.jdsupra.com/legalnews/florida-information-protection-act-of-20-55168/"),
		},
		owner:      days(10, "侵害と判断してから10日以内", "Within 10 days after determining the breach"),
		ownerBasis: tx("フロリダ州法501.171条(6)", "Fla. Stat. § 501.171(6)")}
	co := usState{j: USCO, id: "us.co", zone: den, elements: usElementItems,
		basis: tx("コロラド州改正法6-1-716条", "Colo. Rev. Stat. § 6-1-716"),
		sources: []Source{
			read(secondReview, "https://law.counselstack.com/statute/co/06/6-1-716", "コロラド州改正法6-1-716条", "Colo. Rev. Stat. § 6-1-716",
				tx("counselstack.comの写しで読了: (1)(b)対象事業者に第三者サービス提供者を含まない、(1)(d)「暗号化」の定義。提供者から対象事業者への通知は解説（Mintz）による。",
					"Read through the counselstack.com copy: (1)(b) a covered entity excludes a third-party service provider; (1)(d) defines \"encrypted\". The provider's notice to the covered entity follows commentary (Mintz).")),
			commentary("complianceiq.site", ""), commentary("mintz.com Mintz Matrix: Colorado", "https://www.mintz.com/mintz-matrix/colorado"),
		},
		owner:      Deadline{Kind: KindPromptly, Text: tx("発見後、可能な限り迅速かつ不当な遅滞なく", "In the most expedient time possible and without unreasonable delay after discovery")},
		ownerBasis: tx("コロラド州改正法6-1-716条（第三者サービス提供者）", "Colo. Rev. Stat. § 6-1-716 (third-party service provider)")}
	wa := usState{j: USWA, id: "us.wa", zone: la,
		// RCW 19.255.005(2)(a)(i)(D): a name with the full date of birth is
		// personal information in Washington.
		elements: append(slices.Clone(usElementItems), ItemBirthDate),
		basis:    tx("ワシントン州改正法典19.255.005条・19.255.010条", "RCW 19.255.005, 19.255.010"),
		sources: []Source{
			read(secondReview, "https://app.leg.wa.gov/RCW/default.aspx?cite=19.255.005", "ワシントン州改正法典19.255.005条（定義）", "RCW 19.255.005 (definitions)",
				tx("州議会の公式サイトで読了: (2)(a)(i)(D)生年月日（完全なもの）", "Read on the legislature's site: (2)(a)(i)(D) full date of birth")),
			read(secondReview, "https://app.leg.wa.gov/RCW/default.aspx?cite=19.255.010", "ワシントン州改正法典19.255.010条", "RCW 19.255.010",
				tx("同文の行政機関向け規定RCW 42.56.590（lawserver.comの写し）で読了: 保護されていない（secured でない）情報、鍵の取得、保持者は所有者へ直ちに通知",
					"Read through the parallel agency section RCW 42.56.590 (lawserver.com copy): data not secured, key acquired, a maintainer tells the owner immediately")),
			commentary("atg.wa.gov", "https://www.atg.wa.gov/"),
		},
		owner: ownerImmediately, ownerBasis: tx("ワシントン州改正法典19.255.010条(2)", "RCW 19.255.010(2)")}

	thirty := days(30, "発見（判断）から30日以内", "Within 30 days after discovery (determination)")
	rules := []Rule{
		ca.rule("residents", residentsRecipient, 1, i18n.Text{}, thirty, []i18n.Text{
			tx("表題「Notice of Data Breach」、見出し: What Happened / What Information Was Involved / What We Are Doing / What You Can Do / For More Information（10ポイント以上）",
				"Title \"Notice of Data Breach\"; headings What Happened / What Information Was Involved / What We Are Doing / What You Can Do / For More Information; at least 10-pt type"),
			tx("事業者名と連絡先、個人情報の種類、侵害の日又は期間、警察による遅延の有無、概要", "Business name and contact; PI types; breach date or range; whether delayed for police; description"),
			tx("SSN・免許証番号の場合は信用情報機関の電話番号、12か月の個人情報盗用防止サービス", "If SSN or licence: credit bureau numbers and a 12-month identity-theft service offer"),
		}, caveat("法執行機関の要請又は範囲確定のための遅延は認められます。", "Delays are allowed for law enforcement or to determine the scope.")),
		ca.rule("ag", tx("カリフォルニア州司法長官", "California Attorney General"), 501, threshold(">", 500),
			days(45, "居住者への通知から15日以内に通知文の見本を提出（表示日は居住者期限＋15日の最終日）", "Sample notice within 15 days of notifying residents (date shown: resident deadline + 15 days, the latest)"),
			[]i18n.Text{tx("居住者向け通知文の見本", "A sample copy of the resident notice")}, nil),
		nys.rule("residents", residentsRecipient, 1, i18n.Text{}, thirty, []i18n.Text{
			tx("連絡先", "Contact information"),
			tx("関係機関の電話番号とウェブサイト", "Agency phone numbers and websites"),
			tx("データの種類と項目", "Categories of data and which elements"),
		}, caveat("2024-12-21以降30日。遅延は法執行機関の要請のみ。", "30 days since 2024-12-21; delay only for law enforcement.")),
		nys.rule("regulators", tx("州司法長官、州務省、州警察（金融サービス局（DFS）規制対象はDFSも）", "Attorney General, Department of State, State Police (and DFS for DFS-regulated entities)"), 1, i18n.Text{},
			days(30, "居住者への通知時（表示日は居住者期限）", "When residents are notified (date shown: the resident deadline)"),
			[]i18n.Text{tx("通知の時期・内容・配布方法と影響人数の概数", "Timing, content and distribution of the notices and the approximate number affected")},
			caveat("⚠ DFSへの通知はDFS規制対象事業者のみ。", "⚠ DFS notice applies to DFS-regulated entities only.")),
		nys.rule("credit_bureaus", bureausRecipient, 5001, threshold(">", 5000), thirty, bureausContent,
			caveat("⚠ 閾値5,000人は要確認。", "⚠ The 5,000 threshold needs verification.")),
		txs.rule("residents", residentsRecipient, 1, i18n.Text{}, days(60, "侵害と判断してから60日以内", "Within 60 days after determining the breach"), []i18n.Text{
			tx("侵害の内容と対象の個人情報、連絡先", "What happened, the PI involved, contact"),
		}, nil),
		txs.rule("ag", tx("テキサス州司法長官（オンラインフォーム）", "Texas Attorney General (online form)"), 250, threshold("≥", 250),
			days(30, "侵害と判断してから30日以内（2023-09-01以降）", "Within 30 days after determining the breach (since 2023-09-01)"), []i18n.Text{
				tx("概要", "Description"), tx("影響を受けたテキサス州民の数と通知済みの数", "Number of Texans affected and notified"),
				tx("講じた措置", "Measures taken"), tx("法執行機関の関与", "Law enforcement involved"),
			}, caveat("⚠ フォームの項目は要確認。", "⚠ Form items need verification.")),
		txs.rule("credit_bureaus", bureausRecipient, 10001, threshold(">", 10000), bureausDeadline, bureausContent, nil),
		fl.rule("residents", residentsRecipient, 1, i18n.Text{},
			days(30, "侵害と判断してから30日以内（正当な理由があれば15日延長可）", "Within 30 days after determination (+15 days for good cause)"), []i18n.Text{
				tx("侵害の日又は期間", "Date or range of the breach"), tx("対象の個人情報", "PI involved"), tx("連絡先", "Contact"),
			}, nil),
		fl.rule("dla", tx("フロリダ州法務局（Department of Legal Affairs）", "Florida Department of Legal Affairs"), 500, threshold("≥", 500),
			days(30, "侵害と判断してから30日以内（正当な理由があれば15日延長可）", "Within 30 days after determination (+15 days for good cause)"), []i18n.Text{
				tx("概要", "Synopsis"), tx("影響人数", "Number affected"), tx("提供するサービス", "Services offered"),
				tx("通知文の写し", "Copy of the notice"), tx("連絡先", "Contact"),
			}, nil),
		fl.rule("credit_bureaus", bureausRecipient, 1001, threshold(">", 1000), bureausDeadline, bureausContent, nil),
		co.rule("residents", residentsRecipient, 1, i18n.Text{}, days(30, "侵害と判断してから30日以内", "Within 30 days after determination"), []i18n.Text{
			tx("侵害の日又は期間", "Date or range of the breach"), tx("対象の個人情報", "PI involved"), tx("連絡先", "Contact"),
			tx("信用情報機関とFTCの情報", "Credit bureau and FTC information"), tx("凍結・不正警告の案内", "Freeze and fraud-alert information"),
		}, nil),
		co.rule("ag", tx("コロラド州司法長官", "Colorado Attorney General"), 500, threshold("≥", 500),
			days(30, "侵害と判断してから30日以内", "Within 30 days after determination"), []i18n.Text{tx("侵害の通知", "Notice of the breach")}, nil),
		co.rule("credit_bureaus", bureausRecipient, 1001, threshold(">", 1000), bureausDeadline, bureausContent, nil),
		wa.rule("residents", residentsRecipient, 1, i18n.Text{}, days(30, "発見から30日以内", "Within 30 calendar days after discovery"), []i18n.Text{
			tx("事業者名と連絡先", "Business name and contact"), tx("個人情報の種類", "PI types"),
			tx("侵害と発見の日", "Dates of breach and discovery"), tx("信用情報機関の電話番号", "Credit bureau numbers"),
		}, caveat("損害を生じさせる合理的なおそれがない場合は不要。", "Not required when the breach is not reasonably likely to cause harm.")),
		wa.rule("ag", tx("ワシントン州司法長官（ウェブフォーム）", "Washington Attorney General (web form)"), 501, threshold(">", 500),
			days(30, "発見から30日以内", "Within 30 calendar days after discovery"), []i18n.Text{
				tx("居住者向けと同じ事項", "The resident-notice items"), tx("封じ込めの概要", "Containment summary"), tx("通知文の見本", "Sample notice"),
			}, nil),
		wa.rule("credit_bureaus", bureausRecipient, 1001, threshold(">", 1000), bureausDeadline, bureausContent, nil),
	}
	for _, st := range []usState{ca, nys, txs, fl, co, wa} {
		rules = append(rules, st.ownerRule())
	}
	return rules
}
