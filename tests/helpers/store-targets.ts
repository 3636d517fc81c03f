// Which store implementations a contract suite runs against (design.md "Tests": atomicity must be
// tested where it can fail). The embedded ones always; Redis and PostgreSQL when TEST_REDIS_URL /
// TEST_DATABASE_URL name a server. Under CI a missing server is a failing test, never a skip, so a
// misconfigured pipeline cannot pass by testing only the in-process implementations.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig, type Config } from '../../broker/config.js';

export type ServerTarget = { name: string; url: string } | { name: string; url: undefined; envVar: string };

export function serverTarget(name: string, envVar: 'TEST_REDIS_URL' | 'TEST_DATABASE_URL'): ServerTarget {
  const url = process.env[envVar];
  return url ? { name, url } : { name, url: undefined, envVar };
}

/**
 * Declares `body` under describe(name) when the server is configured; otherwise a failing test
 * under CI, or a pending suite on a developer's machine.
 */
export function describeServer(target: ServerTarget, body: (url: string) => void): void {
  if (target.url !== undefined) {
    const url = target.url;
    describe(target.name, () => body(url));
    return;
  }
  const envVar = target.envVar;
  if (process.env.CI) {
    describe(target.name, () => {
      it(`has a server to test against (${envVar})`, () => {
        throw new Error(`${envVar} is not set: CI must run the store contract against a real ${target.name}`);
      });
    });
  } else {
    describe.skip(`${target.name} (set ${envVar} to run)`, () => {
      it('runs against a real server', () => {});
    });
  }
}

/** A unique name per run, so concurrent runs on one server never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** Configuration for tests: default.yaml plus overrides, ignoring this process's environment. */
export function testConfig(overrides: Record<string, unknown> = {}): Config {
  return loadConfig({}, overrides as Parameters<typeof loadConfig>[1]);
}

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates `pasarela_test_<random>` on the server of `baseUrl`; drop() removes it. */
export async function createTestDatabase(baseUrl: string): Promise<TestDatabase> {
  const name = uniqueName('pasarela_test');
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
