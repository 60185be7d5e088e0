package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// unmatchedRoute labels requests no route of the table answers (404s of
// made-up paths): one label for all of them, so a scanner cannot grow the
// metrics without bound.
const unmatchedRoute = "unmatched"

// routeLabel is the route pattern a request's metrics are filed under.
// Fiber names the route whose handler answered; a request refused before
// its route ran (a bad bearer token in loadPrincipal, a missing CSRF
// token) was answered by middleware mounted at "/", which would put every
// refused login, API call and form under "/". Those are matched against
// the route table instead, so an attack on one endpoint shows as that
// endpoint.
func (s *Server) routeLabel(c *fiber.Ctx) string {
	if r := c.Route(); r != nil && r.Path != "/" && r.Path != "" {
		return r.Path
	}
	return s.matchRoute(c.Method(), c.Path())
}

// matchRoute finds the table's pattern for method and path (HEAD as GET),
// or unmatchedRoute. It runs only for requests middleware answered, so a
// walk of the table is cheap enough.
func (s *Server) matchRoute(method, path string) string {
	if method == fiber.MethodHead {
		method = fiber.MethodGet
	}
	if path == "" {
		path = "/"
	}
	got := strings.Split(strings.TrimSuffix(path, "/"), "/")
	if path == "/" {
		got = []string{""}
	}
	for _, r := range s.routes {
		if r.Method == method && patternMatches(r.Path, got) {
			return r.Path
		}
	}
	return unmatchedRoute
}

// patternMatches reports whether the path's segments fit a Fiber route
// pattern made of literal segments and :params, a param possibly followed
// by a literal suffix (":token.ics").
func patternMatches(pattern string, got []string) bool {
	want := strings.Split(strings.TrimSuffix(pattern, "/"), "/")
	if pattern == "/" {
		want = []string{""}
	}
	if len(want) != len(got) {
		return false
	}
	for i, w := range want {
		g := got[i]
		if name, ok := strings.CutPrefix(w, ":"); ok {
			suffix := ""
			if dot := strings.IndexByte(name, '.'); dot >= 0 {
				suffix = name[dot:]
			}
			if len(g) <= len(suffix) || !strings.HasSuffix(g, suffix) {
				return false
			}
			continue
		}
		if w != g {
			return false
		}
	}
	return true
}
