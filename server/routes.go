package server

import (
	_ "embed"
	"net/http"

	"github.com/debrief-dev/debrief"
)

//go:embed openapi.json
var openapiDoc []byte

// routes is every endpoint; the OpenAPI document describes the API ones
// (a test keeps them in step).
func (s *Server) routes() []route {
	v, a, adm := debrief.RoleViewer, debrief.RoleAnalyst, debrief.RoleAdmin
	api := func(method, path string, role debrief.Role, h handlerFunc) route {
		return route{method: method, path: "/api/v1" + path, role: role, api: true, h: h}
	}
	rs := []route{
		api("POST", "/ingest", a, s.ingest),
		api("GET", "/incidents", v, s.incidents),
		api("GET", "/incidents/{id}", v, s.incident),
		api("GET", "/incidents/{id}/review", v, s.review),
		api("GET", "/incidents/{id}/attribution", v, s.attribution),
		api("GET", "/review", v, s.review),
		api("GET", "/campaigns", v, s.campaigns),
		api("GET", "/trends", v, s.trends),
		api("GET", "/skills", v, s.skills),
		api("GET", "/coverage", v, s.coverage),
		api("GET", "/playbooks", v, s.listPlaybooks),
		api("GET", "/playbooks/runs", v, s.listRuns),
		api("POST", "/playbooks/runs/{run}/steps/{step}/approve", a, s.approveStep),
		api("POST", "/playbooks/runs/{run}/steps/{step}/deny", a, s.denyStep),
		api("GET", "/tokens", adm, s.listTokens),
		api("POST", "/tokens", adm, s.createToken),
		api("DELETE", "/tokens/{id}", adm, s.revokeToken),
		api("GET", "/openapi.json", "", s.openapi),
		{method: "GET", path: "/healthz", api: true, h: s.healthz},
		{method: "GET", path: "/readyz", api: true, h: s.readyz},
	}
	rs[0].maxBody = s.cfg.MaxIngest
	return append(rs, s.uiRoutes()...)
}

func (s *Server) openapi(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openapiDoc)
	return err
}
