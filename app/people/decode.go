package people

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// Encodings an upload may be in, as recorded on the import.
const (
	EncodingUTF8    = "utf-8"
	EncodingUTF8BOM = "utf-8-bom"
	EncodingSJIS    = "shift_jis" // includes the CP932 (Windows) extensions
)

// sniffBytes is how much of the file decides its encoding. Japanese text
// appears in the header already, so 64 KiB is plenty.
const sniffBytes = 64 << 10

var errUTF16 = errors.New("is UTF-16; save it as \"CSV UTF-8\" or \"CSV (comma delimited)\"")

// decode detects the encoding of a streamed file and returns a reader of
// its UTF-8 text. UTF-8, with or without a byte-order mark, is taken when
// the first 64 KiB are valid UTF-8; anything else is read as Shift_JIS,
// which is what Japanese Excel writes. x/text's ShiftJIS decoder also knows
// the CP932 extensions (NEC and IBM characters, ①, ㈱ …).
func decode(r io.Reader) (io.Reader, string, error) {
	br := bufio.NewReaderSize(r, sniffBytes)
	head, err := br.Peek(sniffBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, "", err
	}
	complete := err != nil // the whole file fits in head
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
		return br, EncodingUTF8BOM, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, "", errUTF16
	case validUTF8Prefix(head, complete):
		return br, EncodingUTF8, nil
	}
	return transform.NewReader(br, japanese.ShiftJIS.NewDecoder()), EncodingSJIS, nil
}

// validUTF8Prefix reports whether b is valid UTF-8, allowing one rune cut
// off at the end when b is only the start of a longer file.
func validUTF8Prefix(b []byte, complete bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if complete {
		return false
	}
	for cut := 1; cut < utf8.UTFMax && cut <= len(b); cut++ {
		tail := b[len(b)-cut:]
		if utf8.RuneStart(tail[0]) && !utf8.FullRune(tail) {
			return utf8.Valid(b[:len(b)-cut])
		}
	}
	return false
}
