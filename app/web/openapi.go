package web

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"
)

// openAPI serves the API description, reflected from the routes' Go types
// when the server was built (apispec.go).
func (s *Server) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(s.spec)
}

// OpenAPI is the API's OpenAPI document as the server serves it, built
// from the route table alone: no database or other dependency is needed.
func OpenAPI() ([]byte, error) {
	s := &Server{}
	doc, err := buildSpec(s.routeTable())
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(doc, "", "  ")
}
