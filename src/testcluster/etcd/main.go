// Command etcd is the etcd server, built from go.etcd.io/etcd/server/v3 for the
// kube-api-test binary set (see ../build.sh). It only hands over to etcd's own entry point.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
