package images

import (
	"embed"
	"io/fs"
)

//go:embed files
var embedded embed.FS

// Files holds this repository's own image files (images/files): the DinD
// entrypoint, the kind node's add-on manifests, the registry config.
var Files = mustSub(embedded, "files")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
