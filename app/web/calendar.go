package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/calendar"
	"github.com/breachdesk/breachdesk/app/cases"
)

// calendarRoutes are the calendar feeds (issue 23, item 3): the feed
// itself, public because its secret URL is the credential (a calendar
// client has no session), and the forms that make and revoke feeds on the
// settings page (the user's) and on the case page (the case's).
func (s *Server) calendarRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/calendar/:token.ics", Access: Public, Handler: s.calendarFeed},
		{Method: "POST", Path: "/settings/calendar", Access: Tenant, Handler: s.createUserCalendar},
		{Method: "POST", Path: "/settings/calendar/revoke", Access: Tenant, Handler: s.revokeUserCalendar},
		{Method: "POST", Path: "/cases/:id/calendar", Access: Tenant, Param: "case", Handler: s.createCaseCalendar},
		{Method: "POST", Path: "/cases/:id/calendar/revoke", Access: Tenant, Param: "case", Handler: s.revokeCaseCalendar},
	}
}

// redactedFeedPath is what the request log and error log show instead of
// a feed's path: the path is the secret.
const redactedFeedPath = "/calendar/[redacted].ics"

// calendarFeed answers a calendar client. Unknown and revoked secrets are
// 404 like any missing page. The feed is private to whoever holds the URL
// (Cache-Control: private: no shared cache keeps it) and carries an ETag,
// so a client polling an unchanged feed gets 304 and no body.
func (s *Server) calendarFeed(c *fiber.Ctx) error {
	secret := c.Params("token")
	// The request log and the error handler print c.Path() after this
	// handler returns; they must not print the secret.
	defer c.Path(redactedFeedPath)
	feed, err := s.deps.Calendar.Render(c.UserContext(), secret)
	if err != nil {
		return err
	}
	// A calendar client keeps no cookies, and a Set-Cookie (the pre-login
	// CSRF cookie every anonymous GET gets) would only make the feed look
	// personal to caches in a second way: none is sent with it.
	c.Response().Header.DelAllCookies()
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	c.Set(fiber.HeaderETag, feed.ETag)
	c.Set("X-Robots-Tag", "noindex")
	if c.Get(fiber.HeaderIfNoneMatch) == feed.ETag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	return c.Send(feed.Body)
}

// calendarSection is what the settings page and the case page show of the
// feeds: the live ones, and the URL of one just made (shown once).
type calendarSection struct {
	NewURL string
	// Mine is the user's live feed of the organisation (settings page).
	Mine *calendar.Feed
	// Case are the case's live feeds (case page, owner/manager/legal).
	Case []calendar.Listed
}

// loadUserCalendar fills the settings page's section, keeping NewURL.
func (s *Server) loadUserCalendar(c *fiber.Ctx, sec *calendarSection) error {
	f, ok, err := s.deps.Calendar.UserFeed(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	if ok {
		sec.Mine = &f
	}
	return nil
}

// localCalendarURL carries a case feed's URL, just made, to the case page
// that shows it once (the page is loaded by loadCasePage, for every
// action that shows the case).
const localCalendarURL = "calendar_new_url"

// loadCaseCalendar fills the case page's section.
func (s *Server) loadCaseCalendar(c *fiber.Ctx, cs cases.Case, sec *calendarSection) error {
	sec.NewURL, _ = c.Locals(localCalendarURL).(string)
	feeds, err := s.deps.Calendar.CaseFeeds(c.UserContext(), principal(c), cs)
	sec.Case = feeds
	return err
}

func (s *Server) createUserCalendar(c *fiber.Ctx) error {
	secret, _, err := s.deps.Calendar.CreateUserFeed(c.UserContext(), principal(c))
	if err != nil {
		return s.settingsResult(c, err, "")
	}
	// The URL is on this response only: it is never stored in clear.
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.settingsPage(c, fiber.StatusOK, s.newPage(c, "settings.title", "settings"), settingsData{Calendar: calendarSection{NewURL: s.deps.Calendar.URL(secret)}})
}

func (s *Server) revokeUserCalendar(c *fiber.Ctx) error {
	if err := s.deps.Calendar.RevokeUserFeed(c.UserContext(), principal(c)); err != nil {
		return err
	}
	s.flash(c, "flash.calendar_revoked")
	return c.Redirect("/settings", fiber.StatusSeeOther)
}

func (s *Server) createCaseCalendar(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	secret, _, err := s.deps.Calendar.CreateCaseFeed(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Locals(localCalendarURL, s.deps.Calendar.URL(secret))
	pg := s.newPage(c, "", "dashboard")
	pg.Flash = pg.T("calendar.created")
	return s.renderCaseByID(c, id, fiber.StatusOK, pg)
}

func (s *Server) revokeCaseCalendar(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	feed, err := strconv.ParseInt(c.FormValue("feed"), 10, 64)
	if err != nil || feed <= 0 {
		return apperr.Invalid("feed", "validation.required")
	}
	err = s.deps.Calendar.RevokeCaseFeed(c.UserContext(), principal(c), id, feed)
	return s.caseResult(c, id, "calendar", err, "flash.calendar_revoked")
}
