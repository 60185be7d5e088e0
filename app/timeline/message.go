package timeline

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/i18n"
	"github.com/breachdesk/breachdesk/app/store"
)

// Arg is one argument of an automatic entry's message, kept as JSON with
// its kind, so that the reader's language and zone are applied when the
// entry is read, not when it is written.
type Arg struct {
	Text    *string       `json:"s,omitempty"`
	Number  *int64        `json:"n,omitempty"`
	Both    *i18n.Text    `json:"t,omitempty"`
	At      *time.Time    `json:"at,omitempty"`
	Message *MessageValue `json:"m,omitempty"`
	List    Args          `json:"l,omitempty"`
}

// Args are an entry's message arguments, stored as a JSON array (empty,
// never null, for an entry without any).
type Args []Arg

// Value stores the arguments as JSON.
func (a Args) Value() (driver.Value, error) {
	if a == nil {
		a = Args{}
	}
	b, err := json.Marshal([]Arg(a))
	return string(b), err
}

// Scan reads the arguments back.
func (a *Args) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*a = nil
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("timeline: cannot read message arguments from %T", src)
	}
	return json.Unmarshal(b, (*[]Arg)(a))
}

// MessageValue is a catalogue message used as an argument (a status word,
// say), itself with arguments.
type MessageValue struct {
	Code string `json:"code"`
	Args Args   `json:"args,omitempty"`
}

// Record writes an automatic entry for a change made in tx, at the current
// time, by the actor in ctx. The entry is the catalogue message code
// filled with args: strings, integers, i18n.Text, times and messages
// (apperr.Message); anything else is kept as its fmt.Sprint.
func Record(ctx context.Context, tx *store.Tx, orgID, caseID int64, action, code string, args ...any) error {
	e := Entry{OrganisationID: orgID, CaseID: caseID, OccurredAt: tx.Now(), Kind: "auto", Action: action,
		MessageCode: code, MessageArgs: toArgs(args)}
	if a := audit.ActorFrom(ctx); a.UserID != 0 {
		id := a.UserID
		e.ActorID = &id
	}
	return tx.DB.WithContext(ctx).Create(&e).Error
}

func toArgs(args []any) Args {
	out := make(Args, len(args))
	for i, a := range args {
		out[i] = toArg(a)
	}
	return out
}

func toArg(a any) Arg {
	switch v := a.(type) {
	case string:
		return Arg{Text: &v}
	case int:
		n := int64(v)
		return Arg{Number: &n}
	case int64:
		return Arg{Number: &v}
	case i18n.Text:
		return Arg{Both: &v}
	case time.Time:
		u := v.UTC()
		return Arg{At: &u}
	case *time.Time:
		if v == nil {
			return Arg{Message: &MessageValue{Code: "timeline.no_date"}}
		}
		u := v.UTC()
		return Arg{At: &u}
	case apperr.Message:
		return Arg{Message: &MessageValue{Code: v.Code, Args: toArgs(v.Args)}}
	case apperr.List:
		return Arg{List: toArgs(v)}
	}
	s := fmt.Sprint(a)
	return Arg{Text: &s}
}

// Text says an entry in the words of tr, a catalogue bound to the
// reader's language (i18n.Catalogue.Message), with times shown by at in
// the reader's zone. An entry without a message code is its summary.
func (e Entry) Text(tr func(code string, args ...any) string, at func(time.Time) string) string {
	if e.MessageCode == "" {
		return e.Summary
	}
	return tr(e.MessageCode, values(e.MessageArgs, at)...)
}

// values returns args as the values the catalogue fills a message with:
// strings, integers, i18n.Text, messages (apperr.Message) and lists
// (apperr.List), a time as at says it.
func values(args Args, at func(time.Time) string) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch {
		case a.Text != nil:
			out[i] = *a.Text
		case a.Number != nil:
			out[i] = *a.Number
		case a.Both != nil:
			out[i] = *a.Both
		case a.At != nil:
			out[i] = at(*a.At)
		case a.Message != nil:
			out[i] = apperr.Msg(a.Message.Code, values(a.Message.Args, at)...)
		case a.List != nil:
			out[i] = apperr.List(values(a.List, at))
		default:
			out[i] = ""
		}
	}
	return out
}
