package obligations

import "time"

// Policy holds the organisation's own targets for deadlines the law leaves
// open. "Promptly" (速やかに, without undue delay) and "immediately" (直ちに)
// have no legal date, so the engine never invents a due_at for them; it
// shows a target_at = clock start + the duration below, which the
// organisation may tighten or relax.
type Policy struct {
	// Immediately is the target for "immediately" rules. Default 24 h:
	// acquirers and Mastercard expect contact within a day.
	Immediately time.Duration `json:"immediately"`
	// Promptly is the target for "promptly" rules. Default 72 h: the
	// shortest fixed deadline in the table (GDPR, Korea), so a team that
	// meets it meets every "promptly" reading a regulator is likely to take.
	Promptly time.Duration `json:"promptly"`
	// Targets overrides the target per rule id (e.g. a longer target for
	// jp.appi.individual_notice while the forensic investigation runs).
	Targets map[string]time.Duration `json:"targets,omitempty"`
}

// DefaultPolicy returns the documented defaults: immediately = 24 h,
// promptly = 72 h.
func DefaultPolicy() Policy {
	return Policy{Immediately: 24 * time.Hour, Promptly: 72 * time.Hour}
}

// target returns the target duration for a rule of the given kind; zero or
// negative values fall back to the defaults.
func (p Policy) target(ruleID string, kind DeadlineKind) time.Duration {
	if d, ok := p.Targets[ruleID]; ok && d > 0 {
		return d
	}
	def := DefaultPolicy()
	if kind == KindImmediately {
		if p.Immediately > 0 {
			return p.Immediately
		}
		return def.Immediately
	}
	if p.Promptly > 0 {
		return p.Promptly
	}
	return def.Promptly
}
