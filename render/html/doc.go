// Package html writes a review as one self-contained HTML page: inline CSS
// and SVG, no script, font or image from the network, printable. It draws
// an ATT&CK matrix heatmap of the techniques seen, a timeline chart of the
// alerts with the milestones marked, the kill chain with its gaps, the
// metrics beside the team's baseline, the NIST lessons-learned questions
// with space for answers, and the action items.
//
// The page is made with html/template, so every string that comes from an
// alert, a product or an analyst is escaped for the context it lands in.
package html
