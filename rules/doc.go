// Package rules turns detection content into debrief.Rule values: the
// machinery the corpus packages share (rules/sigma, rules/elastic,
// rules/sentinel, rules/splunk, rules/navigator) and Auto, which picks the
// corpus of each file.
//
// Load walks files and folders, decodes files on several goroutines and
// yields the rules in file order, so memory stays flat however large the
// corpus. A file that cannot be decoded is yielded as a *FileError naming
// the file, the line when known, the field and what was expected, and the
// walk goes on. Normalise checks technique ids against an ATT&CK catalog:
// revoked ids are replaced (Rule.Remapped keeps old → new); ATT&CK v19 ids
// a v18 catalog does not know are read as their v18 technique when
// attack.V19ToV18 lists them (T1685 → T1562.001, kept in Rule.Remapped
// and gathered by Set.Translated); other ids the catalog does not know
// (such as v19's T1690) are kept in Rule.Unknown and counted by Set,
// never dropped. Deprecated rules are yielded, marked by
// their status; coverage leaves them out unless asked.
package rules
