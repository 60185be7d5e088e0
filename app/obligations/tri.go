package obligations

import (
	"bytes"
)

// Tri is a three-state flag: true, false or unknown. The zero value is
// Unknown, so a flag absent from the JSON input stays unknown rather than
// silently becoming false: an unknown answer must show up for review.
type Tri uint8

// The three values of Tri.
const (
	Unknown Tri = iota
	False
	True
)

// IsTrue reports whether t is known to be true.
func (t Tri) IsTrue() bool { return t == True }

// IsFalse reports whether t is known to be false.
func (t Tri) IsFalse() bool { return t == False }

// IsUnknown reports whether t is unknown (or an invalid value, which is
// treated the same way so that a corrupt value can never look certain).
func (t Tri) IsUnknown() bool { return t != True && t != False }

// Or combines two flags: true if either is true, false if both are false,
// unknown otherwise.
func (t Tri) Or(u Tri) Tri {
	switch {
	case t.IsTrue() || u.IsTrue():
		return True
	case t.IsFalse() && u.IsFalse():
		return False
	}
	return Unknown
}

// String returns "true", "false" or "unknown".
func (t Tri) String() string {
	switch t {
	case True:
		return "true"
	case False:
		return "false"
	}
	return "unknown"
}

// MarshalJSON writes true, false or null (unknown).
func (t Tri) MarshalJSON() ([]byte, error) {
	switch t {
	case True:
		return []byte("true"), nil
	case False:
		return []byte("false"), nil
	}
	return []byte("null"), nil
}

// errTriType is returned for anything but true, false or null.
var errTriType = invalid("", "validation.facts.tri", "must be true, false or null (unknown)")

// UnmarshalJSON accepts true, false or null (unknown).
func (t *Tri) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "true":
		*t = True
	case "false":
		*t = False
	case "null":
		*t = Unknown
	default:
		return errTriType
	}
	return nil
}
