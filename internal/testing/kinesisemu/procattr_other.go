//go:build unix && !linux

package kinesisemu

import "syscall"

// ownProcessGroup starts the emulator in a process group of its own (no parent-death signal outside Linux).
func ownProcessGroup() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
