package store

import "strings"

// likeEscaper escapes LIKE's wildcards and its escape character.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// EscapeLike makes s match literally inside a LIKE or ILIKE pattern (with
// PostgreSQL's default escape character, the backslash): a search for
// "100%_" finds that text, not everything.
func EscapeLike(s string) string { return likeEscaper.Replace(s) }
