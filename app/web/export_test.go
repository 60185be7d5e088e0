package web

// SetPlainTemplates makes the server write pages with the templates as
// parsed instead of pretranslated, so a test can compare the two.
func (s *Server) SetPlainTemplates(on bool) { s.pages.plain.Store(on) }
