/**
 * What the stores need of a logger; pino's (the app's) satisfies it. A dropped database or
 * Redis connection is reported here and recovered from, never left to end the process.
 */
export interface StorageLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** For stores opened without a logger (CLI commands, tests): their failures still reach the caller as errors. */
export const silentLog: StorageLog = { info: () => undefined, warn: () => undefined };

/** An error as one short log field: a lost connection is an event to note, its stack says nothing. */
export function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code ? `${error.message} (${code})` : error.message;
}
