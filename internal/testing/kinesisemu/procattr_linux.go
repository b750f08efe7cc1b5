package kinesisemu

import "syscall"

// ownProcessGroup starts the emulator in a process group of its own that the kernel kills with its parent.
func ownProcessGroup() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
