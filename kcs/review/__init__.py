"""The review workflow: roles, the gate, proposals on plain Git, signatures, CODEOWNERS."""
