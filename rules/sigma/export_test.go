package sigma

import "github.com/debrief-dev/debrief"

// Compare decodes data with the scanner and with the parser; scanned is false
// when the scanner stepped aside.
func Compare(data []byte, file string) (fast, slow debrief.Rule, scanned bool, err error) {
	f, ok := scan(data)
	if !ok {
		return fast, slow, false, nil
	}
	s, err := parse(data, file)
	return f.rule(file), s.rule(file), true, err
}
