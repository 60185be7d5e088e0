package people

// Test hooks: small limits and chunks, and a crash between chunks, without
// widening the package's API.

// SetChunkRows sets how many rows one transaction takes.
func SetChunkRows(s *Service, n int) { s.chunkRows = n }

// SetMaxBytes sets the upload limit.
func SetMaxBytes(s *Service, n int64) { s.maxBytes = n }

// SetMemSpill sets how much of an upload stays in memory.
func SetMemSpill(s *Service, n int) { s.memSpill = n }

// SetAfterChunk installs a function run after each committed chunk; an
// error from it stops Run as a crash would.
func SetAfterChunk(s *Service, f func() error) { s.afterChunk = f }
