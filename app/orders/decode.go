package orders

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/people"
)

// sniffBytes is how much of the file an explicit encoding is checked
// against: the header and the first rows.
const sniffBytes = 64 << 10

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decode returns a reader of the file's UTF-8 text in the chosen encoding
// and the encoding it was read in. A file that plainly is in the other
// encoding than the one chosen is refused with an error that says so,
// rather than read as garbage: Japanese text in Shift_JIS is almost never
// valid UTF-8, and UTF-8 text of more than ASCII is almost never what a
// Shift_JIS export would hold. Cells that still do not decode are caught
// line by line (see badText).
func decode(r io.Reader, encoding string) (io.Reader, string, error) {
	if encoding == EncodingAuto {
		return people.Decode(r)
	}
	br := bufio.NewReaderSize(r, sniffBytes)
	head, err := br.Peek(sniffBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, "", err
	}
	complete := err != nil
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return nil, "", people.ErrUTF16
	}
	bom := bytes.HasPrefix(head, utf8BOM)
	switch encoding {
	case EncodingUTF8:
		if !people.LooksUTF8(head, complete) {
			return nil, "", apperr.Invalid("encoding", "validation.order_encoding_not_utf8")
		}
		if bom {
			_, _ = br.Discard(len(utf8BOM))
		}
		return br, EncodingUTF8, nil
	default: // EncodingSJIS
		if bom || (people.LooksUTF8(head, complete) && !isASCII(head)) {
			return nil, "", apperr.Invalid("encoding", "validation.order_encoding_is_utf8")
		}
		return transform.NewReader(br, japanese.ShiftJIS.NewDecoder()), EncodingSJIS, nil
	}
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// badText reports whether a decoded cell holds what no export writes: the
// replacement character (bytes that did not decode) or NUL.
func badText(s string) bool {
	return strings.ContainsRune(s, utf8.RuneError) || strings.IndexByte(s, 0) >= 0
}
