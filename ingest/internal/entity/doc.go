// Package entity holds the rules the vendor decoders share for debrief
// entities: stable ids (a host by its lower-case name without domain, a
// user by UPN, a file by the strongest hash else its path, an IP address
// in netip's canonical form, a process by host, pid and start time),
// attribute maps without empty values, and merging or dropping repeated
// entities. What a vendor's fields mean stays in its decoder.
package entity
