// Package render lists the output formats of a review. Each format is a
// package of its own (render/markdown, render/html, render/jsonout,
// render/navigator, render/attackflow) with a Renderer that takes a
// *review.Review and nothing else: no flags, no store, no clock.
//
// All returns them in the order the CLI lists them; ByName picks one by
// its --format name.
package render
