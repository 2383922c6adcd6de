// Package faketest is the harness the connect tests share: a fake source
// API (an httptest server) that counts requests and applies the fault
// planned for each one (429 with Retry-After, a server error, a hung
// request, a truncated page, an expired token) around the pages a source
// package renders in its vendor's shape, a client credentials token
// endpoint, and a Harness that pulls a feed into an in-memory SQLite
// store with its backoff waits recorded rather than slept.
package faketest
