package scoping

// The merge of orders into persons. Orders that share a customer id, an
// e-mail key or a name+address key belong to one person, transitively:
// a guest order with a member's e-mail joins the member, and an order
// sharing that guest order's name and address joins them too. It is a
// union-find over the orders, fed the keys as dense ranks (numbered by the
// database), so that it holds a few ints per order and never the keys'
// text. The partition does not depend on the order in which orders
// arrive; person numbers follow the first order of each person in the
// order they were added (the run adds them by order id), so a run is
// deterministic.

// keyKinds are the three matching keys, in merge order.
const keyKinds = 3

// merger folds orders into persons.
type merger struct {
	parent []int32
	// first[k][r] is 1 + the first order whose key of kind k has rank r.
	first [keyKinds][]int32
}

// add takes the next order with its key ranks (0: no key of that kind)
// and returns the kinds (bit k) whose key the order is the first to have.
func (m *merger) add(ranks [keyKinds]int32) uint8 {
	var firsts uint8
	i := int32(len(m.parent))
	m.parent = append(m.parent, i)
	for k, r := range ranks {
		if r <= 0 {
			continue
		}
		f := m.first[k]
		if int(r) >= len(f) {
			f = append(f, make([]int32, int(r)+1-len(f))...)
			f = f[:cap(f)]
			m.first[k] = f
		}
		if f[r] == 0 {
			f[r] = i + 1
			firsts |= 1 << k
		} else {
			m.union(i, f[r]-1)
		}
	}
	return firsts
}

// find returns the root of i's set, halving the path on the way.
func (m *merger) find(i int32) int32 {
	for m.parent[i] != i {
		m.parent[i] = m.parent[m.parent[i]]
		i = m.parent[i]
	}
	return i
}

// union joins the sets of a and b; the smaller index is the root.
func (m *merger) union(a, b int32) {
	ra, rb := m.find(a), m.find(b)
	switch {
	case ra < rb:
		m.parent[rb] = ra
	case rb < ra:
		m.parent[ra] = rb
	}
}

// persons numbers the sets 1, 2, … by their first order and returns each
// order's person number and the count. The key tables are released.
func (m *merger) persons() ([]int32, int32) {
	m.first = [keyKinds][]int32{}
	out := make([]int32, len(m.parent))
	var n int32
	for i := range m.parent {
		r := m.find(int32(i))
		if r == int32(i) {
			n++
			out[i] = n
		} else {
			out[i] = out[r] // r < i: numbered already
		}
	}
	return out, n
}
