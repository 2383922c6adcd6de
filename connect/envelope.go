package connect

import (
	"bytes"
	"fmt"
	"net/url"

	"github.com/go-json-experiment/json/jsontext"
)

// Envelope checks that page is one well-formed JSON object whose array
// member list is present (Graph's and Azure's "value") and returns its
// string member link ("@odata.nextLink", "nextLink"), "" when absent or
// null. It is a Request.Check for paged APIs: a truncated page fails it.
func Envelope(page []byte, list, link string) (next string, err error) {
	next, _, err = EnvelopeLen(page, list, link)
	return next, err
}

// EnvelopeLen is Envelope that also counts the elements of list, for
// APIs that page by offset ($skip) and end with a short page.
func EnvelopeLen(page []byte, list, link string) (next string, n int, err error) {
	dec := jsontext.NewDecoder(bytes.NewReader(page))
	tok, err := dec.ReadToken()
	if err != nil {
		return "", 0, fmt.Errorf("want a JSON object: %w", err)
	}
	if tok.Kind() != '{' {
		return "", 0, fmt.Errorf("want a JSON object, got %s", tok.Kind())
	}
	hasList := false
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return "", 0, err
		}
		name := tok.String()
		switch name {
		case list:
			hasList = dec.PeekKind() == '['
			n, err = count(dec, hasList)
		case link:
			var v jsontext.Token
			if v, err = dec.ReadToken(); err == nil && v.Kind() == '"' {
				next = v.String()
			}
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return "", 0, fmt.Errorf("member %q: %w", name, err)
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return "", 0, err
	}
	if !hasList {
		return "", 0, fmt.Errorf("want an array member %q", list)
	}
	return next, n, nil
}

// SameOrigin checks that a link a page names (a next link) points at
// the API's own scheme and host, so credentials never go elsewhere.
func SameOrigin(base, link string) error {
	b, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("base URL %q: %w", base, err)
	}
	l, err := url.Parse(link)
	if err != nil {
		return fmt.Errorf("next link %q: %w", redact(link), err)
	}
	if l.Scheme != b.Scheme || l.Host != b.Host {
		return fmt.Errorf("next link %s://%s is not the API's %s://%s", l.Scheme, l.Host, b.Scheme, b.Host)
	}
	return nil
}

// count reads the array (or other value) at dec and counts its elements.
func count(dec *jsontext.Decoder, array bool) (int, error) {
	if !array {
		return 0, dec.SkipValue()
	}
	if _, err := dec.ReadToken(); err != nil {
		return 0, err
	}
	n := 0
	for dec.PeekKind() != ']' {
		if err := dec.SkipValue(); err != nil {
			return n, err
		}
		n++
	}
	_, err := dec.ReadToken()
	return n, err
}
