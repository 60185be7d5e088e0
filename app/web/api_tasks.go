package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/breachdesk/breachdesk/app/cases"
)

func (s *Server) apiTasks(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	tasks, err := s.deps.Cases.Tasks(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"tasks": tasks})
}

func (s *Server) apiAddTask(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in cases.NewTask
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.deps.Cases.AddTask(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (s *Server) apiPatchTask(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in cases.TaskPatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.deps.Cases.UpdateTask(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (s *Server) apiComments(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	list, err := s.deps.Cases.Comments(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"comments": list})
}

func (s *Server) apiAddComment(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	added, err := s.deps.Cases.AddComment(c.UserContext(), principal(c), id, in.Body)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"comment": added.Comment, "masked_card_numbers": added.MaskedCardNumbers})
}

// taskAPIRoutes are a case's tasks and their comments.
func (s *Server) taskAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases/:id/tasks", Access: Tenant, API: true, Param: "case", Handler: s.apiTasks},
		{Method: "POST", Path: "/api/v1/cases/:id/tasks", Access: Tenant, API: true, Param: "case", Handler: s.apiAddTask},
		{Method: "PATCH", Path: "/api/v1/tasks/:id", Access: Tenant, API: true, Param: "task", Handler: s.apiPatchTask},
		{Method: "GET", Path: "/api/v1/tasks/:id/comments", Access: Tenant, API: true, Param: "task", Handler: s.apiComments},
		{Method: "POST", Path: "/api/v1/tasks/:id/comments", Access: Tenant, API: true, Param: "task", Handler: s.apiAddComment},
	}
}
