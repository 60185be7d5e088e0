package cases

import (
	"time"

	"github.com/breachdesk/breachdesk/app/apperr"
)

// APPIReportingDutyFrom is when the amended APPI made reporting a leak to
// the PPC and telling the persons a duty (1 April 2022, JST). An
// awareness date before it is almost always a typo (1999 for 2025).
var APPIReportingDutyFrom = time.Date(2022, 4, 1, 0, 0, 0, 0, time.FixedZone("JST", 9*3600))

// oldAwareYears is how far back an awareness date may lie before it must
// be confirmed: a team learns of most leaks within days or weeks.
const oldAwareYears = 2

// OldAwareAt reports whether aware, at now, lies so far back that it must
// be confirmed before a case is saved with it: before the amended APPI's
// reporting duty began, or more than two years ago. Such a date starts
// every legal clock in the past, so each deadline shows as long overdue.
func OldAwareAt(aware, now time.Time) bool {
	if aware.IsZero() {
		return false
	}
	return aware.Before(APPIReportingDutyFrom) || aware.Before(now.AddDate(-oldAwareYears, 0, 0))
}

// checkOldAwareAt asks for confirmation of an old awareness date: unless
// confirmed, the field is refused with validation.aware_at_confirm, which
// the form answers with a "this date is correct" box and the API with
// confirm_old_aware_at.
func (s *Service) checkOldAwareAt(v *apperr.ValidationError, aware time.Time, confirmed bool) {
	if !confirmed && OldAwareAt(aware, s.now()) {
		v.Add("aware_at", "validation.aware_at_confirm")
	}
}
