package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/timeline"
)

// addTimeline adds a manual entry to a case's timeline.
func (s *Server) addTimeline(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	at, err := s.parseLocalTime(c, "occurred_at")
	if err != nil {
		return s.caseResult(c, id, "timeline", err, "")
	}
	var when time.Time
	if at != nil {
		when = *at
	}
	_, err = timeline.AddManual(c.UserContext(), s.deps.Store, principal(c), id, when, c.FormValue("summary"))
	return s.caseResult(c, id, "timeline", err, "flash.timeline_added")
}
