package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/webhooks"
)

// webhookRoutes are the organisation's webhook settings (owner and
// manager: the service checks auth.ManageCases).
func (s *Server) webhookRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/settings/webhooks", Access: Tenant, Handler: s.webhooksPage},
		{Method: "POST", Path: "/settings/webhooks", Access: Tenant, Handler: s.createWebhook},
		{Method: "GET", Path: "/settings/webhooks/:id", Access: Tenant, Param: "webhook_endpoint", Handler: s.webhookPage},
		{Method: "POST", Path: "/settings/webhooks/:id", Access: Tenant, Param: "webhook_endpoint", Handler: s.updateWebhook},
		{Method: "POST", Path: "/settings/webhooks/:id/delete", Access: Tenant, Param: "webhook_endpoint", Handler: s.deleteWebhook},
		{Method: "POST", Path: "/settings/webhooks/:id/test", Access: Tenant, Param: "webhook_endpoint", Handler: s.testWebhook},
	}
}

type webhooksPageData struct {
	Endpoints []webhooks.Endpoint
	Endpoint  *webhooks.Endpoint // the one page: edit form and log
	Log       []webhooks.LogEntry
	Form      webhooks.EndpointInput
	Secret    string // shown once, right after the endpoint is made
	Events    []webhooks.Event
	Formats   []string
}

// Picked reports whether the form has event e ticked.
func (d webhooksPageData) Picked(e webhooks.Event) bool {
	for _, x := range d.Form.Events {
		if x == string(e) {
			return true
		}
	}
	return false
}

func (s *Server) renderWebhooks(c *fiber.Ctx, status int, pg *Page, d webhooksPageData) error {
	eps, err := s.deps.Webhooks.List(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	d.Endpoints, d.Events, d.Formats = eps, webhooks.Events, webhooks.Formats
	pg.Data = d
	return s.render(c, status, "webhooks", pg)
}

func (s *Server) webhooksPage(c *fiber.Ctx) error {
	return s.renderWebhooks(c, fiber.StatusOK, s.newPage(c, "webhooks.title", "settings"),
		webhooksPageData{Form: webhooks.EndpointInput{Active: true, Format: webhooks.FormatStandard, Language: "ja"}})
}

// webhookForm reads the endpoint form.
func webhookForm(c *fiber.Ctx) webhooks.EndpointInput {
	in := webhooks.EndpointInput{URL: c.FormValue("url"), Description: c.FormValue("description"), Format: c.FormValue("format"),
		Language: c.FormValue("language"), Active: c.FormValue("active") != ""}
	for _, v := range c.Request().PostArgs().PeekMulti("events") {
		in.Events = append(in.Events, strings.Clone(string(v)))
	}
	return in
}

func (s *Server) createWebhook(c *fiber.Ctx) error {
	in := webhookForm(c)
	e, secret, err := s.deps.Webhooks.Create(c.UserContext(), principal(c), in)
	pg := s.newPage(c, "webhooks.title", "settings")
	if err != nil {
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		return s.renderWebhooks(c, fiber.StatusUnprocessableEntity, pg, webhooksPageData{Form: in})
	}
	// The secret is on this response only: it is stored sealed.
	c.Set(fiber.HeaderCacheControl, "no-store")
	pg.Flash = pg.T("flash.webhook_saved")
	return s.renderWebhook(c, fiber.StatusOK, pg, e.ID, secret, nil)
}

// renderWebhook shows one endpoint: its form (form, or the endpoint as
// stored), the secret when just made, and its delivery log.
func (s *Server) renderWebhook(c *fiber.Ctx, status int, pg *Page, id int64, secret string, form *webhooks.EndpointInput) error {
	ctx, p := c.UserContext(), principal(c)
	e, err := s.deps.Webhooks.Get(ctx, p, id)
	if err != nil {
		return err
	}
	log, err := s.deps.Webhooks.Log(ctx, p, id)
	if err != nil {
		return err
	}
	d := webhooksPageData{Endpoint: &e, Log: log, Secret: secret, Events: webhooks.Events, Formats: webhooks.Formats,
		Form: webhooks.EndpointInput{URL: e.URL, Description: e.Description, Events: e.Events, Format: e.Format, Language: e.Language, Active: e.Active}}
	if form != nil {
		d.Form = *form
	}
	pg.Data = d
	return s.render(c, status, "webhooks", pg)
}

func (s *Server) webhookPage(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.renderWebhook(c, fiber.StatusOK, s.newPage(c, "webhooks.title", "settings"), id, "", nil)
}

func (s *Server) updateWebhook(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := webhookForm(c)
	if _, err := s.deps.Webhooks.Update(c.UserContext(), principal(c), id, in); err != nil {
		pg := s.newPage(c, "webhooks.title", "settings")
		if err := fieldErrors(pg, err); err != nil {
			return err
		}
		return s.renderWebhook(c, fiber.StatusUnprocessableEntity, pg, id, "", &in)
	}
	s.flash(c, "flash.webhook_saved")
	return c.Redirect(c.Path(), fiber.StatusSeeOther)
}

func (s *Server) deleteWebhook(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.deps.Webhooks.Delete(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	s.flash(c, "flash.webhook_deleted")
	return c.Redirect("/settings/webhooks", fiber.StatusSeeOther)
}

func (s *Server) testWebhook(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.deps.Webhooks.SendTest(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	s.flash(c, "flash.webhook_test_queued")
	return c.Redirect(strings.TrimSuffix(c.Path(), "/test"), fiber.StatusSeeOther)
}
