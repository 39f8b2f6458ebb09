import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The project root (where `bin/`, `api/` and `worker/` live). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ProcessResult {
  /** Exit code; null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env: Record<string, string | undefined>;
  cwd?: string;
  /** Milliseconds before the child is killed (SIGKILL); default 30 s. */
  timeout?: number;
}

/**
 * Runs `file args…` to completion and resolves with its exit code and output. Never
 * rejects on a non-zero exit: tests assert on the code.
 */
export function runProcess(file: string, args: string[], options: RunOptions): Promise<ProcessResult> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env)) {
    if (value !== undefined) env[key] = value;
  }
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        env,
        cwd: options.cwd ?? PROJECT_ROOT,
        timeout: options.timeout ?? 30_000,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number' && error.signal == null) {
          // Could not start at all (ENOENT, EACCES): not an exit code to assert on.
          reject(error);
          return;
        }
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          signal: error?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
  });
}

/** `process.env` without the given variables (they must not leak in from the caller's shell). */
export function envWithout(...names: string[]): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of names) delete env[name];
  return env;
}
