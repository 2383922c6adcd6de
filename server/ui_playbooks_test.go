package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/server"
)

var approveForm = regexp.MustCompile(`action="(/playbooks/runs/[^"]+/approve)"`)

// TestUIPlaybookApproval approves a waiting step from the runs page: only
// an analyst sees the buttons, and a post needs the session's CSRF token.
func TestUIPlaybookApproval(t *testing.T) {
	e, ids := withRuns(t, 1, nil)
	base := e.srv.URL
	viewer := browser(t)
	login(t, viewer, base, e.tokens[debrief.RoleViewer])
	if _, page := fetch(t, viewer, base+"/playbooks", nil); !strings.Contains(page, ids[0]) || approveForm.MatchString(page) {
		t.Errorf("viewer's runs page: want the run and no approve button:\n%s", page)
	}
	c := browser(t)
	csrf := login(t, c, base, e.tokens[debrief.RoleAnalyst])
	resp, page := fetch(t, c, base+"/playbooks", nil)
	m := approveForm.FindStringSubmatch(page)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("analyst's runs page: %d, no approve form:\n%s", resp.StatusCode, page)
	}
	if !strings.Contains(page, "by 2026-02-02 00:00 UTC") {
		t.Errorf("analyst's runs page does not show the approval deadline (a day after the run began to wait):\n%s", page)
	}
	tests := []struct {
		name   string
		c      *http.Client
		csrf   string
		header []string
		want   int
	}{
		{"viewer", viewer, csrf, nil, 403},
		{"no csrf", c, "", nil, 403},
		{"forged csrf", c, "forged", nil, 403},
		{"cross origin", c, csrf, []string{"Origin", "https://evil.example"}, 403},
		{"approve", c, csrf, nil, http.StatusSeeOther},
		{"twice", c, csrf, nil, 409},
	}
	for _, tc := range tests {
		resp, body := fetch(t, tc.c, base+m[1], url.Values{"csrf": {tc.csrf}}, tc.header...)
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d: %s", tc.name, resp.StatusCode, tc.want, body)
		}
		if tc.want == http.StatusSeeOther && resp.Header.Get("Location") != "/playbooks?msg=resumed" {
			t.Errorf("%s: redirected to %q, want /playbooks?msg=resumed", tc.name, resp.Header.Get("Location"))
		}
	}
	if _, page := fetch(t, c, base+"/playbooks?msg=resumed", nil); !strings.Contains(page, `role="status">Step approved; the run went on`) {
		t.Errorf("runs page after approval lacks the notice:\n%s", page)
	}
	// The notice is a fixed text chosen by code: the URL cannot put words on the page.
	spoof := "Your session expired: call +1 555 0100 to restore access"
	if _, page := fetch(t, c, base+"/playbooks?msg="+url.QueryEscape(spoof), nil); strings.Contains(page, "555 0100") || strings.Contains(page, `id="message"`) {
		t.Errorf("runs page shows the text of its msg parameter:\n%s", page)
	}
	run, err := e.st.Run(context.Background(), ids[0])
	if err != nil || run.Status != debrief.RunSucceeded || !strings.Contains(run.Steps[0].ApprovedBy, "test analyst") {
		t.Errorf("run after approval: %+v %v", run, err)
	}
	if _, page := fetch(t, c, base+"/playbooks", nil); approveForm.MatchString(page) || !strings.Contains(page, "succeeded") {
		t.Errorf("runs page after approval still offers it or lacks the outcome:\n%s", page)
	}
}

// TestUICoverageLayer checks the matrix's coverage layer and a cell's page
// with its incidents and rules.
func TestUICoverageLayer(t *testing.T) {
	e, _ := withRuns(t, 0, func(c *server.Config) { c.Rules = []string{"testdata/rules"} })
	c := browser(t)
	login(t, c, e.srv.URL, e.tokens[debrief.RoleViewer])
	_, page := fetch(t, c, e.srv.URL+"/matrix?since=365d", nil)
	cell := regexp.MustCompile(`<a class="cell heat\d cov(\d)" href="(/matrix/techniques/T1059\?[^"]*)" title="T1059 [^"]*coverage ([0-9.]+)/5 from 1 rules">[^<]*<b>\d+</b>( <span class="gap">gap</span>)?</a>`).FindStringSubmatch(page)
	if !strings.Contains(page, `id="coverage"`) || cell == nil || cell[1] == "0" {
		t.Fatalf("matrix without a coverage layer on T1059:\n%s", page)
	}
	// An observed technique scored under 2 is marked a gap, and counted.
	if score, _ := strconv.ParseFloat(cell[3], 64); (score < 2) != (cell[4] != "") {
		t.Errorf("T1059 scored %s: gap mark %q", cell[3], cell[4])
	}
	gaps := strings.Count(page, `</b> <span class="gap">gap</span></a>`)
	if !strings.Contains(page, "scored under 2 ("+strconv.Itoa(gaps)+" here)") {
		t.Errorf("the legend does not count the %d gaps", gaps)
	}
	resp, tp := fetch(t, c, e.srv.URL+strings.ReplaceAll(cell[2], "&amp;", "&"), nil)
	if resp.StatusCode != 200 || !strings.Contains(tp, "Encoded PowerShell command line") || !strings.Contains(tp, `href="/incidents/`) {
		t.Errorf("technique page: %d, want the rule and the incident:\n%s", resp.StatusCode, tp)
	}
	plain := newEnv(t, nil)
	c2 := browser(t)
	login(t, c2, plain.srv.URL, plain.tokens[debrief.RoleViewer])
	if _, page := fetch(t, c2, plain.srv.URL+"/matrix", nil); strings.Contains(page, " cov") {
		t.Errorf("a coverage layer without rules")
	}
	if resp, _ := fetch(t, c2, plain.srv.URL+"/matrix/techniques/nonsense", nil); resp.StatusCode != 400 {
		t.Errorf("bad technique id: %d, want 400", resp.StatusCode)
	}
}
