// Packs one static binary as a single-layer container image in a docker-archive tarball, the format
// `ctr images import` accepts, with no container engine or registry involved.
//
//	pack -binary <path> -tag <name:tag> -out <file.tar>
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// The sandbox runs as the nobody user: the image needs no privilege at all.
const (
	entrypointPath = "/pause"
	nobody         = "65534:65534"
)

func main() {
	binary := flag.String("binary", "", "the static binary to pack as "+entrypointPath)
	tag := flag.String("tag", "", "image reference, e.g. waystation.test/pause:1")
	out := flag.String("out", "", "docker-archive tarball to write")
	flag.Parse()
	if *binary == "" || *tag == "" || *out == "" {
		fail(fmt.Errorf("-binary, -tag and -out are required"))
	}
	if err := pack(*binary, *tag, *out); err != nil {
		fail(err)
	}
}

func pack(binary, tag, out string) error {
	ref, err := name.NewTag(tag)
	if err != nil {
		return fmt.Errorf("bad tag %q: %w", tag, err)
	}
	content, err := os.ReadFile(binary)
	if err != nil {
		return err
	}
	layerTar, err := singleFileTar(entrypointPath, content)
	if err != nil {
		return err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	})
	if err != nil {
		return err
	}
	image, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return err
	}
	config, err := image.ConfigFile()
	if err != nil {
		return err
	}
	config = config.DeepCopy()
	config.OS = "linux"
	config.Architecture = "amd64"
	config.Config = v1.Config{Entrypoint: []string{entrypointPath}, User: nobody}
	image, err = mutate.ConfigFile(image, config)
	if err != nil {
		return err
	}
	return tarball.WriteToFile(out, ref, image)
}

func singleFileTar(path string, content []byte) ([]byte, error) {
	var buffer bytes.Buffer
	writer := tar.NewWriter(&buffer)
	header := &tar.Header{Name: path[1:], Mode: 0o755, Size: int64(len(content)), Typeflag: tar.TypeReg}
	if err := writer.WriteHeader(header); err != nil {
		return nil, err
	}
	if _, err := writer.Write(content); err != nil {
		return nil, err
	}
	if err := writer.Close(); err != nil {
		return nil, err
	}
	return buffer.Bytes(), nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "pack:", err)
	os.Exit(1)
}
