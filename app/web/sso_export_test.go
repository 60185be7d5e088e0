package web

// SSODeps returns the dependencies s was built with, without its metrics
// registry, so a test can build a second server that differs only in its
// single sign-on (whatever services the harness wires today).
func (s *Server) SSODeps() Deps {
	d := s.deps
	d.Registry = nil
	return d
}
