// Package navigator writes and reads ATT&CK Navigator layers (layer format
// 4.5), the files teams open in the ATT&CK Navigator to colour the matrix.
package navigator
