package pan

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
)

// LogHandler wraps h so that no log line carries a card number: the
// message and every attribute (keys, strings, errors, numbers, anything
// printed, inside groups too) pass Mask before h sees them. Installed as
// the process's default handler, it covers every logger: request paths
// and query strings, database errors, River's and GORM's messages.
func LogHandler(h slog.Handler) slog.Handler { return logHandler{next: h} }

type logHandler struct{ next slog.Handler }

func (l logHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return l.next.Enabled(ctx, level)
}

func (l logHandler) Handle(ctx context.Context, r slog.Record) error {
	msg, _ := Mask(r.Message)
	out := slog.NewRecord(r.Time, r.Level, msg, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(maskAttr(a))
		return true
	})
	return l.next.Handle(ctx, out)
}

func (l logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		masked[i] = maskAttr(a)
	}
	return logHandler{next: l.next.WithAttrs(masked)}
}

func (l logHandler) WithGroup(name string) slog.Handler {
	name, _ = Mask(name)
	return logHandler{next: l.next.WithGroup(name)}
}

func maskAttr(a slog.Attr) slog.Attr {
	a.Key, _ = Mask(a.Key)
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		s, _ := Mask(v.String())
		return slog.String(a.Key, s)
	case slog.KindInt64:
		if s := strconv.FormatInt(v.Int64(), 10); Contains(s) {
			m, _ := Mask(s)
			return slog.String(a.Key, m)
		}
	case slog.KindUint64:
		if s := strconv.FormatUint(v.Uint64(), 10); Contains(s) {
			m, _ := Mask(s)
			return slog.String(a.Key, m)
		}
	case slog.KindGroup:
		g := v.Group()
		out := make([]slog.Attr, len(g))
		for i, x := range g {
			out[i] = maskAttr(x)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindAny:
		// Errors and other values are logged as they print.
		if s := fmt.Sprint(v.Any()); Contains(s) {
			m, _ := Mask(s)
			return slog.String(a.Key, m)
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
