package obligations

import (
	"slices"

	"github.com/breachdesk/breachdesk/app/i18n"
)

// DataItem names one kind of personal data involved in the leak. The list is
// closed (KnownDataItems) so that a typo is a validation error instead of a
// silently ignored item that would have triggered a rule.
type DataItem string

// The data-item vocabulary.
const (
	ItemCardNumber       DataItem = "card_number"       // primary account number (PAN)
	ItemCardExpiry       DataItem = "card_expiry"       // card expiry date
	ItemSecurityCode     DataItem = "security_code"     // CVV2/CVC2/CID
	ItemCardholderName   DataItem = "cardholder_name"   // name as embossed on the card
	ItemName             DataItem = "name"              // personal name
	ItemAddress          DataItem = "address"           // postal address
	ItemPhone            DataItem = "phone"             // telephone number
	ItemEmail            DataItem = "email"             // e-mail address
	ItemBirthDate        DataItem = "birth_date"        // date of birth
	ItemGender           DataItem = "gender"            // gender
	ItemPurchaseHistory  DataItem = "purchase_history"  // order / purchase history
	ItemLoginCredentials DataItem = "login_credentials" // user id + password (or token)
	ItemBankAccount      DataItem = "bank_account"      // bank account number
	ItemSensitiveHealth  DataItem = "sensitive_health"  // health data (要配慮個人情報)
	ItemGovernmentID     DataItem = "government_id"     // passport, national id, resident registration no.
	ItemSSN              DataItem = "ssn"               // US social security number
	ItemDriversLicense   DataItem = "drivers_license"   // driver's licence number
	ItemMyNumber         DataItem = "my_number"         // Japanese individual number (マイナンバー)
)

// DataItemInfo documents one data item for help pages and the UI.
type DataItemInfo struct {
	Item  DataItem  `json:"item"`
	Label i18n.Text `json:"label"`
}

// KnownDataItems is the closed data-item vocabulary, in display order.
var KnownDataItems = []DataItemInfo{
	{ItemCardNumber, tx("クレジットカード番号", "card number")},
	{ItemCardExpiry, tx("有効期限", "card expiry date")},
	{ItemSecurityCode, tx("セキュリティコード", "card security code")},
	{ItemCardholderName, tx("カード名義人名", "cardholder name")},
	{ItemName, tx("氏名", "name")},
	{ItemAddress, tx("住所", "postal address")},
	{ItemPhone, tx("電話番号", "phone number")},
	{ItemEmail, tx("メールアドレス", "e-mail address")},
	{ItemBirthDate, tx("生年月日", "date of birth")},
	{ItemGender, tx("性別", "gender")},
	{ItemPurchaseHistory, tx("購入履歴", "purchase history")},
	{ItemLoginCredentials, tx("ログインID・パスワード", "login credentials")},
	{ItemBankAccount, tx("銀行口座番号", "bank account number")},
	{ItemSensitiveHealth, tx("健康情報（要配慮個人情報）", "health data (sensitive)")},
	{ItemGovernmentID, tx("公的身分証番号", "government ID number")},
	{ItemSSN, tx("社会保障番号（米国）", "social security number (US)")},
	{ItemDriversLicense, tx("運転免許証番号", "driver's licence number")},
	{ItemMyNumber, tx("マイナンバー（個人番号）", "My Number (Japanese individual number)")},
}

// Known reports whether d is in the vocabulary.
func (d DataItem) Known() bool {
	return slices.ContainsFunc(KnownDataItems, func(i DataItemInfo) bool { return i.Item == d })
}

// Label returns the display label of d, or the raw name for an unknown item.
func (d DataItem) Label() i18n.Text {
	for _, i := range KnownDataItems {
		if i.Item == d {
			return i.Label
		}
	}
	return i18n.Text{JA: string(d), EN: string(d)}
}

// Item groups used by the triggers. They are declared once here so that the
// APPI test, the card rules and the US rules cannot drift apart.
var (
	// financialRiskItems imply APPI T2 (財産的被害のおそれ) unless the flag is
	// set explicitly: the PPC names card numbers and net-banking credentials
	// as the typical case; a bank account number is the same kind of risk.
	financialRiskItems = []DataItem{ItemCardNumber, ItemSecurityCode, ItemLoginCredentials, ItemBankAccount}
	// sensitiveItems imply APPI T1 (要配慮個人情報) unless the flag is set.
	sensitiveItems = []DataItem{ItemSensitiveHealth}
	// cardDataItems make a leak a card-data compromise for the acquirer and
	// the brands. Expiry or holder name alone is not account data.
	cardDataItems = []DataItem{ItemCardNumber, ItemSecurityCode}
	// nameItems identify a person for the US "name plus element" definitions.
	nameItems = []DataItem{ItemName, ItemCardholderName}
	// usElementItems are the elements that, with a name, make "personal
	// information" under the US state breach laws modelled here.
	usElementItems = []DataItem{ItemSSN, ItemDriversLicense, ItemGovernmentID, ItemCardNumber, ItemBankAccount, ItemSensitiveHealth}
	// uniqueIDItems are unique identifiers (Korea reports any leak of them).
	uniqueIDItems = []DataItem{ItemGovernmentID, ItemSSN, ItemDriversLicense, ItemMyNumber}
)

// Jurisdiction is a code for where affected persons live, used as a key of
// Facts.Residents and on every rule.
type Jurisdiction string

// The jurisdictions the engine knows. OTHER counts persons elsewhere: they
// count toward totals, but no rule is modelled for them.
const (
	JP    Jurisdiction = "JP"
	EU    Jurisdiction = "EU" // EU/EEA, one code because GDPR is one regime
	UK    Jurisdiction = "UK"
	USCA  Jurisdiction = "US-CA"
	USNY  Jurisdiction = "US-NY"
	USTX  Jurisdiction = "US-TX"
	USFL  Jurisdiction = "US-FL"
	USCO  Jurisdiction = "US-CO"
	USWA  Jurisdiction = "US-WA"
	SG    Jurisdiction = "SG"
	KR    Jurisdiction = "KR"
	AU    Jurisdiction = "AU"
	CA    Jurisdiction = "CA" // Canada (PIPEDA), not California
	OTHER Jurisdiction = "OTHER"
	// Card is the pseudo-jurisdiction of card-brand contract rules.
	Card Jurisdiction = "CARD"
)

// KnownJurisdictions lists the codes accepted in Facts.Residents.
var KnownJurisdictions = []Jurisdiction{JP, EU, UK, USCA, USNY, USTX, USFL, USCO, USWA, SG, KR, AU, CA, OTHER}

// Known reports whether j may be used as a residents key.
func (j Jurisdiction) Known() bool { return slices.Contains(KnownJurisdictions, j) }

// CardBrand is a payment card brand.
type CardBrand string

// The accepted brands. Visa, Mastercard, American Express and JCB have rules;
// the others are accepted and raise a review note (no researched deadline).
const (
	Visa       CardBrand = "visa"
	Mastercard CardBrand = "mastercard"
	Amex       CardBrand = "amex"
	JCB        CardBrand = "jcb"
	Diners     CardBrand = "diners"
	Discover   CardBrand = "discover"
	UnionPay   CardBrand = "unionpay"
)

// KnownCardBrands lists the accepted brands.
var KnownCardBrands = []CardBrand{Visa, Mastercard, Amex, JCB, Diners, Discover, UnionPay}

// Known reports whether b is an accepted brand.
func (b CardBrand) Known() bool { return slices.Contains(KnownCardBrands, b) }

// brandNames are the brands as they write their own names.
var brandNames = map[CardBrand]i18n.Text{
	Visa: {JA: "Visa", EN: "Visa"}, Mastercard: {JA: "Mastercard", EN: "Mastercard"},
	Amex: {JA: "American Express", EN: "American Express"}, JCB: {JA: "JCB", EN: "JCB"},
	Diners: {JA: "Diners Club", EN: "Diners Club"}, Discover: {JA: "Discover", EN: "Discover"},
	UnionPay: {JA: "銀聯（UnionPay）", EN: "UnionPay"},
}

// Name is the brand as pages and documents print it ("Visa", not the
// key "visa"); an unknown key is printed as it is.
func (b CardBrand) Name() i18n.Text {
	if n, ok := brandNames[b]; ok {
		return n
	}
	return i18n.Text{JA: string(b), EN: string(b)}
}

// EURisk is the controller's GDPR risk assessment: none ("unlikely to result
// in a risk", Art. 33(1)), risk, or high (Art. 34). Empty means unknown.
type EURisk string

// The values of EURisk.
const (
	EURiskUnknown EURisk = ""
	EURiskNone    EURisk = "none"
	EURiskRisk    EURisk = "risk"
	EURiskHigh    EURisk = "high"
)

// EURisks are the accepted values of EURisk, unknown included.
var EURisks = []EURisk{EURiskUnknown, EURiskNone, EURiskRisk, EURiskHigh}

// Known reports whether r is one of the accepted values (unknown included).
func (r EURisk) Known() bool { return slices.Contains(EURisks, r) }
