// Runs tests/interop/pysaml2_sp.py, the python3-pysaml2 service provider, with Debian's python
// (the pysaml2 package lives there, not in whatever python3 comes first on PATH).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../interop/pysaml2_sp.py');

export interface PyResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One subcommand; resolves with its exit code whatever it is (refusals are results too). */
export function runPysaml2(args: string[]): Promise<PyResult> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, ...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
    });
  });
}

/** A subcommand that must succeed; its stdout parsed as JSON when asked. */
export async function runPysaml2Ok(args: string[]): Promise<PyResult> {
  const r = await runPysaml2(args);
  if (r.code !== 0) throw new Error(`pysaml2_sp ${args[0]} exited ${r.code}: ${r.stderr}`);
  return r;
}
