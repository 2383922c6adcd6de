// Package chart draws the charts of debrief's HTML outputs as standalone
// SVG: counts over time (Time: lines or areas, with highlighted spans such
// as a baseline and a recent window, horizontal levels and vertical marks)
// and per-group values against a reference (Bars: horizontal bars with
// confidence intervals and the team's value as a line).
//
// The output is plain SVG 1.1 that parses as XML, with no script, no
// external reference and no style attribute: colours and fonts are
// presentation attributes, so the charts pass a Content-Security-Policy
// without 'unsafe-inline' when drawn inline in a page. Every label is
// escaped, and characters XML cannot carry are replaced, so names that come
// from alerts (technique names, analysts) cannot inject markup. Each chart
// has a title and a description for screen readers (role="img",
// aria-labelledby), axis labels, and a tooltip (<title>) on every data
// element. The same input always gives the same bytes.
package chart
