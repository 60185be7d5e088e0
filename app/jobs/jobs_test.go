package jobs_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/breachdesk/breachdesk/app/jobs"
)

func TestFailureReasonStaysValidText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		want     int // bytes kept
	}{
		{"short", "connection refused", len("connection refused")},
		{"exactly the bound", strings.Repeat("a", jobs.MaxFailureReason), jobs.MaxFailureReason},
		{"ASCII past the bound", strings.Repeat("a", 900), jobs.MaxFailureReason},
		// 3-byte characters: 500 is not on a boundary (498 is).
		{"Japanese past the bound", strings.Repeat("取", 400), 498},
	} {
		got := jobs.FailureReason(tc.in)
		if len(got) != tc.want || !utf8.ValidString(got) || !strings.HasPrefix(tc.in, got) {
			t.Errorf("%s: kept %d bytes (valid %v), want %d", tc.name, len(got), utf8.ValidString(got), tc.want)
		}
	}
}
