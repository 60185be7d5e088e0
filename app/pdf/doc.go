// Package pdf is the document engine: a small line-based block grammar
// (Parse, Execute; see grammar.go) and Renderer, which lays the blocks out
// on A4 pages with gofpdf. PlainText gives the blocks as text instead. It
// knows nothing of cases or organisations: package documents builds what
// to say, this package only how it looks on paper.
//
// This package is the only importer of gofpdf. It never uses gofpdf's own
// text layout (MultiCell, SplitText, SplitLines): those drop a kanji at every
// automatic line break. Wrap breaks lines itself, measured per character and
// with kinsoku rules, and each line is written with CellFormat.
//
// The font is IPAexGothic (optionally IPAexMincho for running text) from the
// Debian packages fonts-ipaexfont-gothic/-mincho, or the TrueType file named
// by BREACHDESK_PDF_FONT (see FindFont). Font files are not committed or
// embedded in the binary; NewRenderer fails at start-up when the font is
// missing or unusable.
package pdf
