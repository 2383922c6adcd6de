// Package storetest is the conformance suite for debrief.Store
// implementations: Run checks, through the Store interface only, that a
// store round-trips incidents and alerts, writes idempotently, orders
// versions and history by time whatever order they arrive in, merges partial
// alerts, links alerts and incidents whichever arrives first, filters,
// reports missing things as debrief.ENOTFOUND, and leaves nothing of a
// failed or cancelled Write.
//
// The sqlite and postgres packages call it from their tests:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) debrief.Store { return openTestStore(t) })
//	}
//
// The fixtures are hand-written, realistic incidents: a phishing incident
// (mailbox, mail message, user, device, URL, file; T1566.001 and T1204.002),
// an identity attack (password spray, token theft, cloud app), and the
// versions of a Sentinel incident as its update rows arrive.
package storetest
