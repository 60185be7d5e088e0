// Package i18n looks up UI messages in the Japanese and English catalogues
// and picks a request's language.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Languages are the supported UI languages, the first being the default.
var Languages = []string{"ja", "en"}

// Catalogue maps language → key → message. Messages may contain
// fmt verbs, filled from the lookup's arguments.
type Catalogue map[string]map[string]string

// Load reads the catalogues in dir: for each supported language,
// <lang>.json plus any <part>.<lang>.json (so that features can keep their
// messages in their own files). A key defined twice is an error.
func Load(fsys fs.FS, dir string) (Catalogue, error) {
	c := Catalogue{}
	for _, lang := range Languages {
		c[lang] = map[string]string{}
	}
	files, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		base := strings.TrimSuffix(path.Base(f), ".json")
		lang := base[strings.LastIndex(base, ".")+1:]
		if _, ok := c[lang]; !ok {
			return nil, fmt.Errorf("i18n %s: unknown language %q (want <part>.<lang>.json)", f, lang)
		}
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n %s: %w", f, err)
		}
		for k, v := range m {
			if _, dup := c[lang][k]; dup {
				return nil, fmt.Errorf("i18n %s: key %q is defined twice", f, k)
			}
			c[lang][k] = v
		}
	}
	return c, nil
}

// T returns the message for key in lang, formatted with args. A missing key
// shows as the key itself in brackets, so it is noticed, never blank; the
// completeness test keeps that from shipping.
func (c Catalogue) T(lang, key string, args ...any) string {
	msg, ok := c[lang][key]
	if !ok {
		msg, ok = c[Languages[0]][key]
	}
	if !ok {
		return "[" + key + "]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Has reports whether key exists in lang.
func (c Catalogue) Has(lang, key string) bool {
	_, ok := c[lang][key]
	return ok
}

// MissingKeys lists "lang:key" for every key present in one language only.
func (c Catalogue) MissingKeys() []string {
	all := map[string]bool{}
	for _, m := range c {
		for k := range m {
			all[k] = true
		}
	}
	var out []string
	for k := range all {
		for _, lang := range Languages {
			if _, ok := c[lang][k]; !ok {
				out = append(out, lang+":"+k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Supported returns lang if it is supported, else "".
func Supported(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	for _, l := range Languages {
		if lang == l || strings.HasPrefix(lang, l+"-") {
			return l
		}
	}
	return ""
}

// FromAcceptLanguage picks the best supported language from an
// Accept-Language header, honouring q-values; "" when none matches.
func FromAcceptLanguage(header string) string {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		lang := Supported(fields[0])
		if lang == "" {
			continue
		}
		q := 1.0
		for _, f := range fields[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(f), "q="); ok {
				if parsed, err := strconv.ParseFloat(v, 64); err == nil {
					q = parsed
				}
			}
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}
