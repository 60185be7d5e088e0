package pan

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// Whatever way a card number reaches a log line, the line holds brand and
// last four only.
func TestLogHandlerMasksEveryPart(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(LogHandler(slog.NewJSONHandler(&buf, nil)))
	log = log.With("path", "/notices/4532013211234564").WithGroup("req")
	log.Error("failed for 4111 1111 1111 1111",
		"err", errors.New("pq: bad value 5555555555554444"),
		"n", int64(4111111111111111),
		"u", uint64(378282246310005),
		slog.Group("g", "q", "?card=6011111111111117"),
		"4012888888881881", "as key",
		"struct", struct{ S string }{"30569309025904"})
	line := buf.String()
	for _, d := range []string{"4532013211234564", "4111 1111 1111 1111", "5555555555554444", "4111111111111111", "378282246310005", "6011111111111117", "4012888888881881", "30569309025904"} {
		if strings.Contains(line, d) {
			t.Errorf("the log line holds %s: %s", d, line)
		}
	}
	if n := strings.Count(line, "****"); n != 8 {
		t.Errorf("%d masked values in %s, want 8", n, line)
	}
}
