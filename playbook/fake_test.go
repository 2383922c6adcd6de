package playbook_test

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/debrief-dev/debrief"
)

// memStore is an in-memory debrief.PlaybookStore.
type memStore struct {
	mu       sync.Mutex
	runs     map[string]debrief.PlaybookRun
	steps    map[string][]debrief.PlaybookStep
	comments map[string][]debrief.Comment
}

var _ debrief.PlaybookStore = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{runs: map[string]debrief.PlaybookRun{}, steps: map[string][]debrief.PlaybookStep{},
		comments: map[string][]debrief.Comment{}}
}

func (m *memStore) SaveRun(_ context.Context, r debrief.PlaybookRun) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r.Steps = nil
	if old, ok := m.runs[r.ID]; ok {
		r.Source = old.Source // kept from the insert, as the stores do
	}
	m.runs[r.ID] = r
	return nil
}

func (m *memStore) Waiting(_ context.Context) ([]debrief.PlaybookStep, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []debrief.PlaybookStep
	for _, ss := range m.steps {
		for _, s := range ss {
			if s.Status == debrief.RunWaiting {
				out = append(out, s)
			}
		}
	}
	slices.SortFunc(out, func(a, b debrief.PlaybookStep) int { return a.Deadline.Compare(b.Deadline) })
	return out, nil
}

func (m *memStore) SaveStep(_ context.Context, s debrief.PlaybookStep) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	ss := m.steps[s.RunID]
	for i := range ss {
		if ss[i].Key == s.Key {
			ss[i] = s
			return nil
		}
	}
	m.steps[s.RunID] = append(ss, s)
	return nil
}

func (m *memStore) DecideStep(_ context.Context, s debrief.PlaybookStep, now time.Time, timeout bool) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, old := range m.steps[s.RunID] {
		if old.Key != s.Key {
			continue
		}
		if old.Status != debrief.RunWaiting || old.ApprovedBy != "" ||
			(!old.Deadline.IsZero() && timeout == now.Before(old.Deadline)) {
			return false, nil
		}
		m.steps[s.RunID][i] = s
		return true, nil
	}
	return false, nil
}

func (m *memStore) Run(_ context.Context, id string) (*debrief.PlaybookRun, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.runs[id]
	if !ok {
		return nil, debrief.Errorf(debrief.ENOTFOUND, "no run %s", id)
	}
	r.Steps = slices.Clone(m.steps[id])
	return &r, nil
}

func (m *memStore) Runs(_ context.Context, incidentID string) ([]debrief.PlaybookRun, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []debrief.PlaybookRun
	for _, r := range m.runs {
		if incidentID == "" || r.IncidentID == incidentID {
			r.Source = nil
			out = append(out, r)
		}
	}
	return out, nil
}

func (m *memStore) SucceededKey(_ context.Context, key string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, ss := range m.steps {
		for _, s := range ss {
			if s.IdempotencyKey == key && s.Status == debrief.RunSucceeded {
				return true, nil
			}
		}
	}
	return false, nil
}

func (m *memStore) AddComment(_ context.Context, id string, c debrief.Comment) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.comments[id] = append(m.comments[id], c)
	return nil
}
