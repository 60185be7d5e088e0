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
	var q listQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	tasks, err := s.deps.Cases.Tasks(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	items, meta := page(tasks, q)
	return c.JSON(taskList{Tasks: items, listMeta: meta})
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
	var q listQuery
	if err := parseQuery(c, &q); err != nil {
		return err
	}
	list, err := s.deps.Cases.Comments(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	items, meta := page(list, q)
	return c.JSON(commentList{Comments: items, listMeta: meta})
}

func (s *Server) apiAddComment(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in commentInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	added, err := s.deps.Cases.AddComment(c.UserContext(), principal(c), id, in.Body)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(commentAdded{Comment: added.Comment, MaskedCardNumbers: added.MaskedCardNumbers})
}

// taskAPIRoutes are a case's tasks and their comments.
func (s *Server) taskAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases/:id/tasks", Access: Tenant, API: true, Param: "case", Handler: s.apiTasks, Op: &Op{ID: "listTasks", Tag: "tasks",
			Summary: "The case's tasks, by phase and position", Query: listQuery{}, Out: taskList{}}},
		{Method: "POST", Path: "/api/v1/cases/:id/tasks", Access: Tenant, API: true, Param: "case", Handler: s.apiAddTask, Op: &Op{ID: "createTask", Tag: "tasks",
			Summary: "Add a task of the team's own to the case", Body: cases.NewTask{}, Status: fiber.StatusCreated, Out: cases.Task{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "PATCH", Path: "/api/v1/tasks/:id", Access: Tenant, API: true, Param: "task", Handler: s.apiPatchTask, Op: &Op{ID: "updateTask", Tag: "tasks",
			Summary: "Change a task's status (skipped needs skip_reason), assignee or due date", Body: cases.TaskPatch{}, Out: cases.Task{}, Errors: []int{fiber.StatusConflict}}},
		{Method: "GET", Path: "/api/v1/tasks/:id/comments", Access: Tenant, API: true, Param: "task", Handler: s.apiComments, Op: &Op{ID: "listTaskComments", Tag: "tasks",
			Summary: "A task's comments, oldest first", Query: listQuery{}, Out: commentList{}}},
		{Method: "POST", Path: "/api/v1/tasks/:id/comments", Access: Tenant, API: true, Param: "task", Handler: s.apiAddComment, Op: &Op{ID: "addTaskComment", Tag: "tasks",
			Summary: "Comment on a task; card numbers are masked", Body: commentInput{}, Status: fiber.StatusCreated, Out: commentAdded{}, Errors: []int{fiber.StatusConflict}}},
	}
}

// taskList answers GET /api/v1/cases/{id}/tasks.
type taskList struct {
	Tasks []cases.Task `json:"tasks"`
	listMeta
}

// commentList answers GET /api/v1/tasks/{id}/comments.
type commentList struct {
	Comments []cases.Comment `json:"comments"`
	listMeta
}

// commentInput is the body of POST /api/v1/tasks/{id}/comments.
type commentInput struct {
	Body string `json:"body" required:"true" maxLength:"10000"`
}

// commentAdded answers a comment, with the card numbers masked in it.
type commentAdded struct {
	Comment           cases.Comment `json:"comment"`
	MaskedCardNumbers int           `json:"masked_card_numbers" doc:"how many card numbers were masked in what was sent"`
}
