package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// Debian package paths of the IPAex fonts. They are TrueType fonts with glyf
// outlines (despite the "opentype" folder), which is what gofpdf needs. We never
// commit or embed font files: the font comes from the system package or from
// BREACHDESK_PDF_FONT.
const (
	// GothicFontPath is where fonts-ipaexfont-gothic installs IPAexGothic,
	// the default font for every document.
	GothicFontPath = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
	// MinchoFontPath is where fonts-ipaexfont-mincho installs IPAexMincho,
	// usable for body text through WithBodyFont.
	MinchoFontPath = "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"
)

// fontCandidates are tried in order when no override is given. IPAGothic
// (fonts-ipafont-gothic) is also a glyf TrueType font and a fine fallback.
var fontCandidates = []string{
	GothicFontPath,
	"/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
	"/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
}

// FindFont returns the path of the PDF font: override (the value of
// BREACHDESK_PDF_FONT, passed in by the caller) when set, otherwise the first
// Debian package path that exists. It only checks that the file exists;
// NewRenderer checks that gofpdf can use it. The error says which package to
// install so that start-up failures are actionable.
func FindFont(override string) (string, error) {
	return findFontIn(override, fontCandidates)
}

func findFontIn(override string, candidates []string) (string, error) {
	if override != "" {
		if _, err := os.Stat(override); err != nil {
			return "", fmt.Errorf("documents: PDF font %q (BREACHDESK_PDF_FONT): %w", override, err)
		}
		return override, nil
	}
	for _, p := range candidates {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("documents: no Japanese PDF font found at %s: install it with `apt-get install fonts-ipaexfont-gothic` or set BREACHDESK_PDF_FONT to a TrueType (glyf) .ttf file", GothicFontPath)
}

// fontFile is a validated font: its bytes (read once, handed to gofpdf for
// every document because gofpdf cannot share a parsed font between documents)
// and the set of BMP code points it has glyphs for.
type fontFile struct {
	path  string
	data  []byte
	cover *[0x10000 / 64]uint64
}

// has reports whether the font has a glyph for r. gofpdf only handles the BMP
// (its width table has 65536 entries), so anything above is "missing".
func (f *fontFile) has(r rune) bool {
	if r < 0 || r > 0xFFFF {
		return false
	}
	return f.cover[r/64]&(1<<(uint(r)%64)) != 0
}

// loadFont reads and validates a font file. gofpdf accepts broken fonts
// silently (a CFF/TTC font prints to stdout, leaves Err() nil and fails much
// later with "undefined font"), so everything it relies on is checked here.
func loadFont(path string) (*fontFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("documents: read PDF font: %w", err)
	}
	cover, err := checkTrueType(data)
	if err != nil {
		return nil, fmt.Errorf("documents: PDF font %s: %w (use IPAexGothic: apt-get install fonts-ipaexfont-gothic)", path, err)
	}
	// A font without kana or common kanji would render every Japanese
	// character as tofu; refuse it at start-up instead.
	for _, r := range "あア漢字。" {
		if cover[r/64]&(1<<(uint(r)%64)) == 0 {
			return nil, fmt.Errorf("documents: PDF font %s has no glyph for %q: not a Japanese font (use IPAexGothic: apt-get install fonts-ipaexfont-gothic)", path, r)
		}
	}
	return &fontFile{path: path, data: data, cover: cover}, nil
}

// requiredTables are the sfnt tables gofpdf's TrueType parser reads; a font
// missing one makes it panic or produce a broken PDF.
var requiredTables = []string{"cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "OS/2", "post"}

// checkTrueType verifies the sfnt header and table directory and returns the
// BMP coverage from the cmap.
func checkTrueType(b []byte) (*[0x10000 / 64]uint64, error) {
	if len(b) < 12 {
		return nil, errors.New("file too short to be a font")
	}
	switch v := binary.BigEndian.Uint32(b); v {
	case 0x00010000, 0x74727565: // TrueType, Apple 'true'
	case 0x74746366: // 'ttcf'
		return nil, errors.New("font collections (.ttc) are not supported by gofpdf; use a single .ttf")
	case 0x4F54544F: // 'OTTO'
		return nil, errors.New("OpenType/CFF outlines are not supported by gofpdf; use a TrueType font with glyf outlines")
	default:
		return nil, fmt.Errorf("not a TrueType font (sfnt version %#08x)", v)
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	if len(b) < 12+16*n {
		return nil, errors.New("truncated table directory")
	}
	tables := make(map[string][]byte, n)
	for i := 0; i < n; i++ {
		rec := b[12+16*i:]
		off, ln := uint64(binary.BigEndian.Uint32(rec[8:])), uint64(binary.BigEndian.Uint32(rec[12:]))
		if off+ln > uint64(len(b)) {
			return nil, fmt.Errorf("table %q lies outside the file", rec[:4])
		}
		tables[string(rec[:4])] = b[off : off+ln]
	}
	for _, t := range requiredTables {
		if _, ok := tables[t]; !ok {
			if t == "glyf" {
				return nil, errors.New("no glyf table (CFF or bitmap font); gofpdf needs TrueType glyf outlines")
			}
			return nil, fmt.Errorf("missing %q table", t)
		}
	}
	return cmapCoverage(tables["cmap"])
}

// cmapCoverage reads the Unicode BMP subtable (format 4) of a cmap table and
// returns a bitset of the code points that map to a real glyph (not 0).
func cmapCoverage(c []byte) (*[0x10000 / 64]uint64, error) {
	if len(c) < 4 {
		return nil, errors.New("cmap table too short")
	}
	n := int(binary.BigEndian.Uint16(c[2:]))
	var sub []byte
	for i := 0; i < n && 4+8*i+8 <= len(c); i++ {
		rec := c[4+8*i:]
		pid, eid := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:])
		off := int(binary.BigEndian.Uint32(rec[4:]))
		if off+4 > len(c) || binary.BigEndian.Uint16(c[off:]) != 4 {
			continue
		}
		if (pid == 3 && eid == 1) || pid == 0 {
			sub = c[off:]
			break
		}
	}
	if sub == nil {
		return nil, errors.New("no Unicode BMP cmap (format 4) subtable")
	}
	if len(sub) < 14 {
		return nil, errors.New("cmap format 4 subtable too short")
	}
	segX2 := int(binary.BigEndian.Uint16(sub[6:]))
	if len(sub) < 16+4*segX2 {
		return nil, errors.New("cmap format 4 subtable truncated")
	}
	ends, starts := sub[14:], sub[16+segX2:]
	deltas, rangeOffs := sub[16+2*segX2:], sub[16+3*segX2:]
	var cover [0x10000 / 64]uint64
	for s := 0; s < segX2/2; s++ {
		end := int(binary.BigEndian.Uint16(ends[2*s:]))
		start := int(binary.BigEndian.Uint16(starts[2*s:]))
		delta := int(binary.BigEndian.Uint16(deltas[2*s:]))
		ro := int(binary.BigEndian.Uint16(rangeOffs[2*s:]))
		for cp := start; cp <= end && cp <= 0xFFFF; cp++ {
			var g int
			if ro == 0 {
				g = (cp + delta) & 0xFFFF
			} else {
				// idRangeOffset is relative to its own position in the table.
				pos := 16 + 3*segX2 + 2*s + ro + 2*(cp-start)
				if pos+2 > len(sub) {
					continue
				}
				if g = int(binary.BigEndian.Uint16(sub[pos:])); g != 0 {
					g = (g + delta) & 0xFFFF
				}
			}
			if g != 0 && cp != 0xFFFF {
				cover[cp/64] |= 1 << (uint(cp) % 64)
			}
		}
	}
	return &cover, nil
}
