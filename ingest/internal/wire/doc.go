// Package wire holds what every vendor decoder needs to read JSON exports:
// a streaming splitter that finds the records of NDJSON files, JSON arrays,
// API envelopes such as {"value":[…]} and {"records":[…]} and search
// responses; a Scanner that decodes a record it found into a decoder's
// structs without reflection; and lenient parsers for the timestamps
// vendors write.
package wire
