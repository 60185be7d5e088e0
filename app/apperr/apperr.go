// Package apperr defines the domain errors every service returns. The web
// layer's single error handler maps them to HTTP statuses, so services never
// know about HTTP, and translates their messages, so services never write a
// sentence a user reads: a message is a code (a key of the i18n catalogue,
// such as "validation.required") and the arguments that fill it.
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
	// ErrBadCredentials: a wrong e-mail, password or code. Its message
	// never says which.
	ErrBadCredentials = errors.New("bad credentials")
	// ErrConflict: the change collides with the current state.
	ErrConflict = errors.New("conflict")
	// ErrThrottled: too many attempts; try again later.
	ErrThrottled = errors.New("too many attempts")
	// ErrBusy: the server is at its bound for this kind of work; try again
	// in a few seconds.
	ErrBusy = errors.New("the server is busy; try again in a few seconds")
)

// Error is a domain error with a message for the user: a case of Kind (one
// of the sentinels above, matched with errors.Is, which also gives the
// status), the catalogue message Code filled with Args, the input Field it
// is about if one, and Details an API client can act on (the open tasks
// that block a phase change, say).
type Error struct {
	Kind    error
	Code    string
	Args    []any
	Field   string
	Details map[string]any
}

// New returns an error of kind with the message code filled with args.
func New(kind error, code string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Args: args}
}

// Conflict returns an ErrConflict with the message code filled with args.
func Conflict(code string, args ...any) *Error { return New(ErrConflict, code, args...) }

// Forbidden returns an ErrForbidden with the message code filled with args.
func Forbidden(code string, args ...any) *Error { return New(ErrForbidden, code, args...) }

// Error says the kind, the field and the code with its arguments: it is
// for logs; users read the translated message.
func (e *Error) Error() string {
	s := e.Kind.Error() + ": "
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + message(e.Code, e.Args)
}

// Unwrap makes errors.Is match the error's kind.
func (e *Error) Unwrap() error { return e.Kind }

// FieldError is one invalid input field: the catalogue message Code,
// filled with Args, says what is wrong with it.
type FieldError struct {
	Field string
	Code  string
	Args  []any
}

// ValidationError lists every invalid field of one request.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + message(f.Code, f.Args)
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Add records one invalid field: code names the catalogue message that
// says what is wrong, args fill its verbs.
func (e *ValidationError) Add(field, code string, args ...any) {
	e.Fields = append(e.Fields, FieldError{Field: field, Code: code, Args: args})
}

// Merge adds the fields of err when it is, or wraps, a validation error
// and returns nil; any other error is returned as it is.
func (e *ValidationError) Merge(err error) error {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	e.Fields = append(e.Fields, ve.Fields...)
	return nil
}

// OrNil returns e when it holds at least one field error, else nil.
func (e *ValidationError) OrNil() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Invalid returns a ValidationError for a single field.
func Invalid(field, code string, args ...any) error {
	v := &ValidationError{}
	v.Add(field, code, args...)
	return v
}

// For returns the code recorded for field, or "".
func (e *ValidationError) For(field string) string {
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Code
		}
	}
	return ""
}

// Message is a message code with its arguments, given as an argument of
// another message: it is translated too.
type Message struct {
	Code string
	Args []any
}

// Msg returns the message code filled with args.
func Msg(code string, args ...any) Message { return Message{Code: code, Args: args} }

// MessageCode returns the message's code and arguments, for the
// translation (app/i18n).
func (m Message) MessageCode() (string, []any) { return m.Code, m.Args }

// List is an argument naming several items (messages, or text): they are
// joined in the reader's language.
type List []any

// Items returns the list's items, for the translation (app/i18n).
func (l List) Items() []any { return l }

// message writes a code and its arguments for a log line.
func message(code string, args []any) string {
	if len(args) == 0 {
		return code
	}
	return code + fmt.Sprint(args)
}
