export interface SetupStamp {
  lockHash: string;
  nodeAbi: string;
  platform: string;
  wheels: string[] | null;
  tools?: Record<string, string | null>;
  writtenAt?: string;
}
export interface LockOwner {
  pid: number;
  host: string;
  startedAt: number;
}
export declare const REQUIRED_BINS: string[];
export declare function expectedStamp(root?: string): Omit<SetupStamp, 'wheels' | 'tools' | 'writtenAt'> & { wheels: string[] };
export declare function readStamp(root?: string): SetupStamp | null;
export declare function currentParts(
  stamp: SetupStamp | null,
  expected: ReturnType<typeof expectedStamp>,
  opts?: { root?: string; bins?: string[] },
): { npm: boolean; temporal: boolean };
export interface LockedPackage {
  version?: string;
  optional?: boolean;
  devOptional?: boolean;
  [field: string]: unknown;
}
export declare function missingPackages(
  lock: { packages?: Record<string, LockedPackage> },
  installed: { packages?: Record<string, LockedPackage> } | null,
): string[];
export declare function verifyNpm(root?: string, bins?: string[]): { problems: string[]; tools: Record<string, string | null> };
export declare function verifyTemporal(root?: string): { ok: boolean; cli: string | null };
export declare function lockIsStale(owner: Partial<LockOwner> | null, now?: number, isAlive?: (pid: number) => boolean, host?: string): boolean;
export declare function acquireLock(root?: string, opts?: { waitMs?: number; pollMs?: number; log?: (line: string) => void }): () => void;
export declare function runSetup(opts?: { root?: string; bins?: string[]; temporal?: boolean; env?: NodeJS.ProcessEnv }): 'current' | 'installed';
