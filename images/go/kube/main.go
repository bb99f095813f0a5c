// kube: kubeadm, kubelet, kubectl, kube-apiserver, kube-controller-manager,
// kube-scheduler and kube-proxy in one binary, as hyperkube was until v1.19.
// The seven share most of their code (client-go, apimachinery, the Go
// runtime), so one binary is about a third of the seven. It runs as the
// basename it was started under (a symlink kube-apiserver -> kube), or as
// its first argument (kube kubelet --version). Each entry does what that
// component's own main does in k8s.io/kubernetes/cmd at the pinned version.
package main

import (
	"context"
	goflag "flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	_ "time/tzdata" // kube-apiserver, kube-controller-manager: CronJob time zones

	"github.com/spf13/pflag"
	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"
	_ "k8s.io/component-base/logs/json/register"          // JSON log format
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric
	kubectl "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"

	_ "k8s.io/client-go/plugin/pkg/client/auth" // kubectl's credential plugins

	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubeadm "k8s.io/kubernetes/cmd/kubeadm/app"
	kubeadmerrors "k8s.io/kubernetes/cmd/kubeadm/app/util/errors"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

var commands = map[string]func(){
	"kube-apiserver":          func() { os.Exit(cli.Run(apiserver.NewAPIServerCommand())) },
	"kube-controller-manager": func() { os.Exit(cli.Run(controllermanager.NewControllerManagerCommand())) },
	"kube-scheduler":          func() { os.Exit(cli.Run(scheduler.NewSchedulerCommand())) },
	"kube-proxy": func() {
		// it offers Go's global flags as its own: in its own binary
		// cadvisor's machine flags only
		keepGoFlags("boot_id_file", "machine_id_file")
		os.Exit(cli.Run(proxy.NewProxyCommand()))
	},
	"kubelet": func() { os.Exit(cli.Run(kubelet.NewKubeletCommand(context.Background()))) },
	"kubeadm": func() {
		// it offers Go's global flags as its own: empty in its own binary
		keepGoFlags()
		noGlobalPflags()
		kubeadmerrors.HandleError(kubeadm.Run())
	},
	"kubectl": func() {
		noGlobalPflags()
		logs.GlogSetter(kubectl.GetLogVerbosity(os.Args)) // nolint:errcheck
		if err := cli.RunNoErrOutput(kubectl.NewDefaultKubectlCommand()); err != nil {
			kubectlutil.CheckErr(err)
		}
	},
}

// Packages register flags in the global flag sets at init: kubelet's cadvisor
// in Go's, component-base's verflag (--version) in pflag's. A component
// that offers a global set must offer what its own binary would, not what
// the other six link in.

// keepGoFlags leaves only the named flags in Go's global flag set.
func keepGoFlags(names ...string) {
	kept := goflag.NewFlagSet(os.Args[0], goflag.ExitOnError)
	for _, name := range names {
		if f := goflag.CommandLine.Lookup(name); f != nil {
			kept.Var(f.Value, f.Name, f.Usage)
		}
	}
	goflag.CommandLine = kept
}

// noGlobalPflags empties pflag's global set, which cobra adds to every root
// command: kubectl's and kubeadm's binaries do not link verflag.
func noGlobalPflags() {
	pflag.CommandLine = pflag.NewFlagSet(os.Args[0], pflag.ExitOnError)
}

func main() {
	if run, ok := commands[filepath.Base(os.Args[0])]; ok {
		run()
		return
	}
	if len(os.Args) > 1 {
		if run, ok := commands[os.Args[1]]; ok {
			// the component parses os.Args[1:] as its own arguments
			os.Args = os.Args[1:]
			run()
			return
		}
	}
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Fprintf(os.Stderr, "usage: kube COMMAND [ARGS...], or run it as a link named COMMAND\ncommands: %v\n", names)
	os.Exit(2)
}
