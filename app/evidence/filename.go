package evidence

import (
	"strings"
	"unicode"

	"github.com/breachdesk/breachdesk/app/pan"
)

// DefaultFilename names an upload whose client name has nothing usable.
const DefaultFilename = "evidence.bin"

// maxFilenameRunes matches the schema's length(filename) <= 255.
const maxFilenameRunes = 255

// SanitiseFilename turns a client-supplied name into a display name. The
// name is never used as a path (files live in the database), but it is
// shown in pages and in Content-Disposition, so directory parts of either
// separator style, control and bidirectional-override characters (which
// can disguise "exe.pdf" as "fdp.exe") and invalid UTF-8 are removed. A
// card number in the name is masked like in any other text.
func SanitiseFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || isBidiControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == ".." {
		name = ""
	}
	name, _ = pan.Mask(name)
	if r := []rune(name); len(r) > maxFilenameRunes {
		name = strings.TrimSpace(string(r[:maxFilenameRunes]))
	}
	if name == "" {
		return DefaultFilename
	}
	return name
}

func isBidiControl(r rune) bool {
	switch {
	case r == '\u200e', r == '\u200f', r == '\u061c':
		return true
	case r >= '\u202a' && r <= '\u202e':
		return true
	case r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}
