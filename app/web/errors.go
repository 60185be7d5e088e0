package web

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/breachdesk/breachdesk/app/apperr"
)

// statusOf maps a domain error to its HTTP status.
func statusOf(err error) int {
	var fe *fiber.Error
	var ve *apperr.ValidationError
	switch {
	case errors.As(err, &fe):
		return fe.Code
	case errors.As(err, &ve):
		return fiber.StatusUnprocessableEntity
	case errors.Is(err, apperr.ErrNotFound):
		return fiber.StatusNotFound
	case errors.Is(err, apperr.ErrForbidden), errors.Is(err, errCSRF):
		return fiber.StatusForbidden
	case errors.Is(err, apperr.ErrUnauthenticated), errors.Is(err, apperr.ErrBadCredentials):
		return fiber.StatusUnauthorized
	case errors.Is(err, apperr.ErrConflict):
		return fiber.StatusConflict
	case errors.Is(err, apperr.ErrThrottled):
		return fiber.StatusTooManyRequests
	case errors.Is(err, apperr.ErrBusy):
		return fiber.StatusServiceUnavailable
	}
	return fiber.StatusInternalServerError
}

// retryable reports a transaction PostgreSQL gave up on because another
// one raced it (serialization failure 40001, deadlock 40P01): nothing was
// wrong with the request, and trying again will do.
func retryable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40001" || pg.Code == "40P01")
}

// badText reports a PostgreSQL refusal of a text value: a NUL character
// or invalid UTF-8 (22021), or \u0000 in JSON (22P05). Typed or sent by
// the client, it is bad input, not an internal error.
func badText(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "22021" || pg.Code == "22P05")
}

// handleError is the one place errors become responses: JSON for the API,
// a page for the browser. Internal errors are logged, never shown.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	if badText(err) {
		err = apperr.Invalid("text", "validation.bad_text")
	}
	if retryable(err) {
		slog.Warn("request raced another; answered busy", "method", c.Method(), "path", c.Path(), "err", err)
		err = apperr.ErrBusy
	}
	status := statusOf(err)
	if status >= 500 {
		slog.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	if status == fiber.StatusUnauthorized {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="breachdesk"`)
	}
	titleKey, textKey := "error.internal", "error.internal_text"
	switch status {
	case fiber.StatusNotFound, fiber.StatusMethodNotAllowed:
		titleKey, textKey = "error.not_found", "error.not_found_text"
	case fiber.StatusForbidden:
		titleKey, textKey = "error.forbidden", "error.forbidden_text"
		if errors.Is(err, errCSRF) {
			titleKey, textKey = "error.csrf", "error.csrf_text"
		}
	case fiber.StatusUnauthorized:
		titleKey, textKey = "login.title", "login.title"
	case fiber.StatusConflict:
		titleKey, textKey = "error.conflict", ""
	case fiber.StatusTooManyRequests:
		titleKey, textKey = "error.throttled", "login.throttled"
	case fiber.StatusServiceUnavailable:
		titleKey, textKey = "error.busy", "error.busy_text"
	case fiber.StatusUnprocessableEntity, fiber.StatusBadRequest:
		titleKey, textKey = "error.bad_request", ""
	case fiber.StatusRequestEntityTooLarge:
		// Fiber's own text ("Request Entity Too Large") does not say the limit.
		titleKey, textKey = "error.too_large", "error.too_large_text"
		err = fmt.Errorf("the request is larger than the limit of %d MiB", s.app.Config().BodyLimit>>20)
	}
	var ve *apperr.ValidationError
	var me *apperr.Error
	if isAPI(c) {
		return c.Status(status).JSON(s.apiErrorOf(err, status, titleKey))
	}
	pg := s.newPage(c, titleKey, "")
	switch {
	case errors.As(err, &ve), errors.As(err, &me):
		// Each field named, in one line: no form shows them next to it.
		pg.Data = pg.msgs.ErrorText(pg.Lang, err)
	case status == fiber.StatusRequestEntityTooLarge:
		pg.Data = pg.T(textKey, s.app.Config().BodyLimit>>20)
	case textKey != "":
		pg.Data = pg.T(textKey)
	case status < 500:
		pg.Data = err.Error()
	}
	if rerr := s.render(c, status, "error", pg); rerr != nil {
		slog.Error("error page failed", "err", rerr)
		return c.Status(status).SendString(pg.Title)
	}
	return nil
}

// apiError is every API error's body: the status, a title and a stable
// code for programs, the message in English, and what the error is about.
type apiError struct {
	Error  string `json:"error" doc:"the kind of error in words (English)"`
	Status int    `json:"status"`
	Code   string `json:"code" doc:"a stable machine-readable code (e.g. conflict.case_closed, validation.invalid, not_found); the wording of detail may change, the code does not"`
	Detail string `json:"detail,omitempty" doc:"what went wrong, in English"`
	Field  string `json:"field,omitempty" doc:"the field the error is about, when one"`
	// Errors names each invalid field (422).
	Errors []apiFieldError `json:"errors,omitempty"`
	// OpenTasks and OpenObligations answer a refused phase change (409).
	OpenTasks       []string `json:"open_tasks,omitempty" doc:"409 on a phase change: the open tasks that need a reason"`
	OpenObligations []string `json:"open_obligations,omitempty" doc:"409 on closing: the obligations not yet submitted or waived"`
}

// statusCodes are the codes of errors that carry none of their own.
var statusCodes = map[int]string{
	fiber.StatusBadRequest: "bad_request", fiber.StatusUnauthorized: "unauthenticated", fiber.StatusForbidden: "forbidden",
	fiber.StatusNotFound: "not_found", fiber.StatusMethodNotAllowed: "method_not_allowed", fiber.StatusConflict: "conflict",
	fiber.StatusRequestEntityTooLarge: "too_large", fiber.StatusUnsupportedMediaType: "unsupported_media_type",
	fiber.StatusUnprocessableEntity: "validation.invalid", fiber.StatusTooManyRequests: "throttled",
	fiber.StatusServiceUnavailable: "busy", fiber.StatusInternalServerError: "internal",
}

// apiErrorOf is err as the API answers it.
func (s *Server) apiErrorOf(err error, status int, titleKey string) apiError {
	body := apiError{Error: s.msgs.T("en", titleKey), Status: status, Code: statusCodes[status]}
	if body.Code == "" {
		body.Code = "error"
	}
	var ve *apperr.ValidationError
	var me *apperr.Error
	switch {
	case errors.As(err, &ve):
		body.Errors = make([]apiFieldError, len(ve.Fields))
		for i, f := range ve.Fields {
			body.Errors[i] = apiFieldError{Field: f.Field, Reason: s.msgs.Message("en", f.Code, f.Args...), Code: f.Code}
		}
		if len(ve.Fields) == 1 {
			body.Field, body.Detail = ve.Fields[0].Field, ve.Fields[0].Field+": "+body.Errors[0].Reason
		}
	case errors.As(err, &me):
		body.Detail, body.Code, body.Field = s.msgs.Message("en", me.Code, me.Args...), me.Code, me.Field
		body.OpenTasks, _ = me.Details["open_tasks"].([]string)
		body.OpenObligations, _ = me.Details["open_obligations"].([]string)
	case errors.Is(err, errCSRF):
		body.Code = "forbidden.csrf"
	case status < 500 && status != fiber.StatusNotFound:
		body.Detail = err.Error()
	}
	return body
}

// apiFieldError is one invalid field as the API answers it: the message
// in English and its code, which stays the same when the wording changes.
type apiFieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
	Code   string `json:"code"`
}

func isAPI(c *fiber.Ctx) bool {
	p := c.Path()
	return len(p) >= 5 && p[:5] == "/api/"
}
