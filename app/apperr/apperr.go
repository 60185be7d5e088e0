// Package apperr defines the domain errors every service returns. The web
// layer's single error handler maps them to HTTP statuses, so services never
// know about HTTP.
package apperr

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrNotFound: no such resource in the caller's organisation. Also used
	// for another organisation's resources, so their existence never leaks.
	ErrNotFound = errors.New("not found")
	// ErrForbidden: the caller's role may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthenticated: no valid session or token.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrConflict: the change collides with the current state.
	ErrConflict = errors.New("conflict")
	// ErrThrottled: too many attempts; try again later.
	ErrThrottled = errors.New("too many attempts")
	// ErrBusy: the server is at its bound for this kind of work; try again
	// in a few seconds.
	ErrBusy = errors.New("the server is busy; try again in a few seconds")
)

// FieldError is one invalid input field.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// ValidationError lists every invalid field of one request.
type ValidationError struct {
	Fields []FieldError `json:"errors"`
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Reason
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Add records one invalid field.
func (e *ValidationError) Add(field, format string, args ...any) {
	e.Fields = append(e.Fields, FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

// OrNil returns e when it holds at least one field error, else nil.
func (e *ValidationError) OrNil() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Invalid returns a ValidationError for a single field.
func Invalid(field, format string, args ...any) error {
	v := &ValidationError{}
	v.Add(field, format, args...)
	return v
}

// For returns the reason recorded for field, or "".
func (e *ValidationError) For(field string) string {
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Reason
		}
	}
	return ""
}

// IsConflict reports whether err is (or wraps) ErrConflict.
func IsConflict(err error) bool { return errors.Is(err, ErrConflict) }
