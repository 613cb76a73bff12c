export declare const TEMPORAL_WHEELS: string[];
export declare const TOOLS_DIR: string;
export declare const TOOL_BINARIES: { cli: string; testServer: string };
