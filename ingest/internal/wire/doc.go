// Package wire holds what every vendor decoder needs to read JSON exports:
// a streaming splitter that finds the records of NDJSON files, JSON arrays,
// API envelopes such as {"value":[…]} and {"records":[…]} and search
// responses; a Scanner that decodes a record it found into a decoder's
// structs without reflection; and lenient parsers for the timestamps
// vendors write.
//
// The splitter checks each record once, with its own one-pass checker
// (syntax and UTF-8, see validEnd), and leaves to jsontext only what that
// checker will not judge, so that errors keep jsontext's wording. It hands
// the ends of the record's strings to the Scanner (Item.Strings), which
// then need not look for them again.
//
// A decoder may do better still and give the splitter a ParseFunc
// (RecordsParsed, EachParsed): its Scanner, reset with ResetStrict, checks
// the record as validEnd would while it decodes it, so that each byte of a
// record is read once. A record it cannot decode goes the way above. A
// ParseFunc that also refuses the records whose top level names a
// container (RecordsParsedRoot, EachParsedRoot) spares the splitter its
// search for the containers' names in each line of NDJSON. A
// KeptParseFunc (RecordsParsedKept, EachParsedKept) is told which records
// lie in buffers that nothing writes to again (the elements of arrays,
// Item.Kept): its Scanner, told so (Scanner.Keep), then reads their
// strings as views rather than copies. Those buffers are read into again
// only once nothing refers to them: the collector hands them back to the
// splitter (see recycled), so that reading an array needs little new
// memory.
//
// A decoder that numbers the member names of an object type (Names) reads
// such objects with Scanner.ObjectNamed: its member switch is on numbers,
// and the scanner, which learns the order the members come in (Shape),
// matches most names where it expects them instead of reading them.
package wire
