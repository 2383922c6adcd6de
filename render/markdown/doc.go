// Package markdown writes a review as GitHub-flavoured Markdown: tables
// for the impact, timeline, kill chain, metrics, techniques and action
// items, a Mermaid flowchart of the attack through the kill chain, and the
// NIST lessons-learned questions with their facts and room for answers.
// Text that comes from alerts is escaped, so it cannot add markup, links
// or HTML.
package markdown
