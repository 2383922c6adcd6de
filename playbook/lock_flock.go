//go:build darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd

package playbook

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on f, waiting for it; other
// processes that lock the same file wait in turn.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}

// unlockFile releases the lock lockFile took.
func unlockFile(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
