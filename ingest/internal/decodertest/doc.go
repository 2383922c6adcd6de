// Package decodertest holds the test harness the vendor decoders share:
// decoding into records and record errors, goldens of what was decoded,
// the good fixtures, the table of bad inputs, Sniff against the shared
// samples, fuzzing and the decoding benchmark. It is for tests only.
package decodertest
