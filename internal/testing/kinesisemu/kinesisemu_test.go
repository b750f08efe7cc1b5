package kinesisemu

import (
	"errors"
	"net"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestStartOnATakenPortSaysSo: a second emulator on the port of a running one (or of anything else) must say the
// port is taken, not start and then fail on "stream already exists".
func TestStartOnATakenPortSaysSo(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = StartAt(l.Addr().(*net.TCPAddr).Port)
	if !errors.Is(err, ErrPortInUse) {
		t.Fatalf("StartAt on a taken port: %v, want ErrPortInUse", err)
	}
}

// TestStopEndsTheWholeProcessGroup: Stop ends the process it started and every process that one started (node's
// children would otherwise keep the port). A shell with a background child stands in for node.
func TestStopEndsTheWholeProcessGroup(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 300 & sleep 300")
	cmd.SysProcAttr = ownProcessGroup()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	(&Emulator{cmd: cmd, dir: t.TempDir()}).Stop()
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(-pgid, 0) == nil { // signal 0: does any process of the group still exist?
		if time.Now().After(deadline) {
			t.Fatalf("process group %d still has processes after Stop", pgid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
