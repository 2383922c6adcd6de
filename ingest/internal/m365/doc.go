// Package m365 holds the mapping rules the Defender XDR incidents API and
// the Microsoft Graph security API decoders share: product names of
// serviceSource values, determinations that mean none, tag lists, and the
// incident times derived from its alerts and comments.
package m365
