// Command fabkind puts a Hyperledger Fabric network on a local kind cluster
// and builds, offline, every image that network runs.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
)

// quietPortForwards drops client-go's log lines about port-forwarded
// connections the peer side closed: fabkind opens short port-forwards to
// peers and orderers, and their teardown is not an error.
func quietPortForwards() {
	handlers := utilruntime.ErrorHandlers
	utilruntime.ErrorHandlers = []utilruntime.ErrorHandler{func(ctx context.Context, err error, msg string, kv ...interface{}) {
		if strings.Contains(msg, "Error copying from") || strings.Contains(msg, "error occurred forwarding") ||
			(err != nil && strings.Contains(err.Error(), "error creating error stream")) {
			return
		}
		for _, h := range handlers {
			h(ctx, err, msg, kv...)
		}
	}}
}

func main() {
	quietPortForwards()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCommand().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "ERROR:", err)
		os.Exit(1)
	}
}
