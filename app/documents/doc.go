// Package documents says what each generated document contains: Kinds
// lists the documents and their editable fields, Build makes a kind's
// view-model (CaseView) from a case, and Compose runs the kind's Go
// text/template over it into the block grammar of package pdf, which lays
// it out. Email frames a letter's text as the customer e-mail.
package documents
