package web

import "github.com/gofiber/fiber/v2"

// openAPI serves the API description. It is built from Go values so that
// it changes with the code; routes are added here as the API grows.
func (s *Server) openAPI(c *fiber.Ctx) error {
	errResp := fiber.Map{"description": "error", "content": fiber.Map{"application/json": fiber.Map{"schema": fiber.Map{"$ref": "#/components/schemas/Error"}}}}
	return c.JSON(fiber.Map{
		"openapi":  "3.1.0",
		"info":     fiber.Map{"title": "BreachDesk API", "version": "1"},
		"servers":  []fiber.Map{{"url": "/api/v1"}},
		"security": []fiber.Map{{"bearer": []string{}}},
		"paths": fiber.Map{
			"/me": fiber.Map{"get": fiber.Map{"summary": "The caller and the current organisation",
				"responses": fiber.Map{"200": fiber.Map{"description": "caller", "content": fiber.Map{"application/json": fiber.Map{"schema": fiber.Map{"$ref": "#/components/schemas/Me"}}}}, "401": errResp}}},
			"/members/{id}": fiber.Map{"get": fiber.Map{"summary": "A member of the current organisation",
				"parameters": []fiber.Map{{"name": "id", "in": "path", "required": true, "schema": fiber.Map{"type": "integer"}}},
				"responses":  fiber.Map{"200": fiber.Map{"description": "member"}, "404": errResp}}},
		},
		"components": fiber.Map{
			"securitySchemes": fiber.Map{"bearer": fiber.Map{"type": "http", "scheme": "bearer", "description": "An API token from Settings or `breachdesk token create`."}},
			"schemas": fiber.Map{
				"Error": fiber.Map{"type": "object", "properties": fiber.Map{"error": fiber.Map{"type": "string"}, "status": fiber.Map{"type": "integer"},
					"errors": fiber.Map{"type": "array", "items": fiber.Map{"type": "object", "properties": fiber.Map{"field": fiber.Map{"type": "string"}, "reason": fiber.Map{"type": "string"}}}}}},
				"Me": fiber.Map{"type": "object", "properties": fiber.Map{
					"user":         fiber.Map{"type": "object", "properties": fiber.Map{"id": fiber.Map{"type": "integer"}, "email": fiber.Map{"type": "string"}, "name": fiber.Map{"type": "string"}, "is_operator": fiber.Map{"type": "boolean"}, "totp_enabled": fiber.Map{"type": "boolean"}}},
					"organisation": fiber.Map{"type": []string{"object", "null"}, "properties": fiber.Map{"id": fiber.Map{"type": "integer"}, "slug": fiber.Map{"type": "string"}, "name": fiber.Map{"type": "string"}, "timezone": fiber.Map{"type": "string"}}},
					"role":         fiber.Map{"type": "string", "enum": []string{"owner", "manager", "responder", "legal", "viewer", ""}},
				}},
			},
		},
	})
}
