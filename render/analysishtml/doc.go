// Package analysishtml writes the history analyses as self-contained HTML
// pages: Trends for a trend.Result (the series of the most frequent keys,
// then each emerging, fading and new key with its series over the
// baseline and the recent window and its rate before and after) and
// Skills for a skill.Result (the gaps and strengths with their intervals
// against the team's value, each group's metrics beside the team's, and
// what to practise).
//
// A page needs nothing from the network: its CSS is inline and allowed by
// its own hash in the page's Content-Security-Policy, the charts are inline
// SVG from render/chart, and there is no script. Every string from the
// incidents (technique names, analysts) is escaped by html/template or by
// render/chart. The chart builders (TrendOverview, TrendChange,
// SkillCharts) are exported for the server's pages, which draw the same
// charts.
package analysishtml
