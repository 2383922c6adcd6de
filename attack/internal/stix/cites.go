package stix

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/go-json-experiment/json/jsontext"
)

// citeNames are the names of the "(Citation: X)" marks in a text member
// (a description, a campaign's first and last seen citations); the text
// itself is not kept.
type citeNames []string

// description holds the citation names of an object's description. The
// objects whose citations debrief keeps are relationships and campaigns:
// when the object's type was read before its description (as ATT&CK
// writes them), the description of any other object is skipped.
type description struct {
	owner *wireObject
	names citeNames
}

// UnmarshalJSONFrom reads the description, or skips it.
func (d *description) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if d.owner != nil && d.owner.Type != "" && d.owner.Type != "relationship" && d.owner.Type != "campaign" {
		return dec.SkipValue()
	}
	return d.names.UnmarshalJSONFrom(dec)
}

var citeMark = []byte("(Citation: ")

// UnmarshalJSONFrom reads a string (or null) and keeps its citation
// names.
func (c *citeNames) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := rawStringOrNull(dec)
	if v == nil || err != nil {
		return err
	}
	text := []byte(v)
	if !bytes.Contains(text, citeMark) {
		return nil
	}
	if bytes.IndexByte(text, '\\') >= 0 {
		if text, err = jsontext.AppendUnquote(nil, text); err != nil {
			return err
		}
	}
	*c = appendCiteNames(*c, text)
	return nil
}

// appendCiteNames appends the names of the citation marks in text: what
// follows "(Citation: " up to the next ")", when that is not empty.
func appendCiteNames(out []string, text []byte) []string {
	for {
		i := bytes.Index(text, citeMark)
		if i < 0 {
			return out
		}
		text = text[i+len(citeMark):]
		j := bytes.IndexByte(text, ')')
		if j < 0 {
			return out
		}
		if j > 0 {
			out = append(out, string(text[:j]))
			text = text[j+1:]
		}
	}
}

// citeDescription tells whether an external reference's description is
// only a citation mark, as the alias entries of groups and campaigns are.
type citeDescription bool

// UnmarshalJSONFrom reads a string (or null).
func (c *citeDescription) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := rawStringOrNull(dec)
	if v == nil || err != nil {
		return err
	}
	*c = citeDescription(bytes.HasPrefix(v, []byte(`"(Citation`)))
	return nil
}

// rawStringOrNull reads a string, quoted as it is written, or null (a nil
// value).
func rawStringOrNull(dec *jsontext.Decoder) (jsontext.Value, error) {
	v, err := dec.ReadValue()
	if err != nil {
		return nil, err
	}
	switch v.Kind() {
	case 'n':
		return nil, nil
	case '"':
		return v, nil
	}
	return nil, fmt.Errorf("want string, got %s", kindName(v.Kind()))
}

// relationCites are the citations of a relationship: the source names of
// its external references but ATT&CK's own, and the citation names of its
// description; sorted, without repeats.
func relationCites(w *wireObject) []string {
	out := []string(w.Description.names)
	for _, r := range w.ExtRefs {
		if r.SourceName != "mitre-attack" && r.SourceName != "" {
			out = append(out, r.SourceName)
		}
	}
	return sortedSet(out)
}

// campaignCites are a campaign's report citations: the source names of
// its external references but ATT&CK's own and the alias entries (no URL,
// a description that is only a citation mark), and the citation names of
// its description and of its first and last seen citations.
func campaignCites(w *wireObject) []string {
	out := slices.Concat([]string(w.Description.names), []string(w.FirstSeenCite), []string(w.LastSeenCite))
	for _, r := range w.ExtRefs {
		if r.SourceName == "mitre-attack" || r.SourceName == "" {
			continue
		}
		if r.URL != "" || !bool(r.CiteOnly) {
			out = append(out, r.SourceName)
		}
	}
	return sortedSet(out)
}

func sortedSet(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	return slices.Clip(slices.Compact(s))
}
