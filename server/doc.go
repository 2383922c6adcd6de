// Package server is debrief's HTTP face: a JSON API under /api/v1, described
// by the OpenAPI 3.1 document at /api/v1/openapi.json, and a web UI rendered
// on the server with html/template (assets embedded, nothing loaded from the
// network, no script).
//
// The API calls the packages the CLI calls: ingest.Run for a POSTed vendor
// payload (format identified from its first bytes), the store's incident
// queries, review.Load with the render package for reviews, and the
// attribution, trend and skill analyses, and the playbook runner for the
// playbook folder's list, runs and approvals.
//
// The incident list pages by cursor: each page's next field (and Link
// header) is an opaque debrief.IncidentKey that ?after= reads on from, so
// pages hold still while incidents are written and a deep page costs what
// the first does; limit and offset work as well.
//
// Access: every API request carries a bearer token (debrief token create);
// only its SHA-256 hash is stored, in a debrief.TokenStore. Roles are viewer
// (read), analyst (also ingest) and admin (also tokens). A missing or unknown
// token is 401, a role too low 403. The UI logs in with a token and then
// holds a session cookie (HttpOnly, SameSite=Strict); its forms carry CSRF
// tokens. Each token has its own rate limit; request bodies are bounded;
// every request is logged through the injected slog.Logger.
//
// Errors are JSON bodies {"error":{"code":…,"message":…}}; status maps
// debrief error codes to HTTP statuses in one place.
package server
