package obligations

import (
	"errors"
	"sync"
	"time"
	// The zone database is embedded so that Asia/Tokyo resolves on minimal
	// containers without /usr/share/zoneinfo: a wrong zone would shift every
	// Japanese deadline by a day near midnight.
	_ "time/tzdata"
)

var (
	zoneMu    sync.Mutex
	zoneCache = map[string]*time.Location{}
)

// errLocalZone rejects zone names whose meaning depends on the machine.
var errLocalZone = errors.New(`must be an IANA zone name such as Asia/Tokyo, not the machine-dependent "Local"`)

// LoadZone is time.LoadLocation with a cache (it reads the zone database
// on every call) and without the machine-dependent "Local": the check for
// a zone name a person types in (the facts, the organisation's profile).
func LoadZone(name string) (*time.Location, error) {
	if name == "Local" {
		return nil, errLocalZone
	}
	zoneMu.Lock()
	defer zoneMu.Unlock()
	if loc, ok := zoneCache[name]; ok {
		return loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zoneCache[name] = loc
	return loc, nil
}

// Location returns the zone called name, or DefaultTimezone's when name is
// empty or names no zone (Validate reports a wrong name where one is typed
// in). It is the one place a zone name becomes a *time.Location: the
// engine's facts and an organisation's pages (auth.Organisation.Location)
// read the same name the same way, so the deadlines the engine computes
// and the times the pages show are in one zone.
func Location(name string) *time.Location {
	if name != "" {
		if loc, err := LoadZone(name); err == nil {
			return loc
		}
	}
	loc, err := LoadZone(DefaultTimezone)
	if err != nil {
		panic(err) // the zone database is embedded (time/tzdata)
	}
	return loc
}
