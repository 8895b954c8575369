/** Where a CLI run reads its environment and writes its output: the process, or a test's buffers. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: CliIo = {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** `--json`: one JSON value on stdout and nothing else. Otherwise a human-readable text. */
export function print(io: CliIo, json: boolean | undefined, value: unknown, human: string): void {
  io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
}

/** Aligned `key: value` lines. */
export function describe(fields: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(fields).map((k) => k.length));
  return Object.entries(fields)
    .map(
      ([key, value]) =>
        `${`${key}:`.padEnd(width + 2)}${Array.isArray(value) ? value.join(', ') : String(value ?? '')}`,
    )
    .join('\n');
}
