//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd)

package playbook

import "os"

// lockFile does nothing on systems without flock: appends in one process
// are still serialised by the Audit's mutex, but two processes appending to
// one log at once can break its chain.
func lockFile(*os.File) error { return nil }

// unlockFile does nothing, as lockFile.
func unlockFile(*os.File) error { return nil }
