package audit

import (
	"crypto/ed25519"
	"encoding/base64"
)

// SignForTest signs c with k as the checkpointer would, so tests can forge
// checkpoints with a key other than the trusted one.
func SignForTest(k ed25519.PrivateKey, c Checkpoint) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(k, c.signedBytes()))
}
