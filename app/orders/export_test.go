package orders

// Test hooks: small limits and chunks, and a crash between chunks, without
// widening the package's API.

// SetChunkRows sets about how many rows one transaction takes.
func SetChunkRows(s *Service, n int) { s.chunkRows = n }

// SetMaxRows sets the row limit of one file.
func SetMaxRows(s *Service, n int64) { s.maxRows = n }

// SetAfterChunk installs a function run after each committed chunk; an
// error from it stops Run as a crash would.
func SetAfterChunk(s *Service, f func() error) { s.afterChunk = f }
