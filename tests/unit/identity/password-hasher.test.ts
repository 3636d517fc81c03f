// The argon2id password hasher (broker/identity/password-hasher.ts): PHC strings with the
// configured parameters, verification, the decoy for unknown users, rehash detection, the bounded
// pool, and hashing that leaves the event loop free.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { createPasswordHasher, HasherBusyError, type PasswordHasherOptions } from '../../../broker/identity/password-hasher.js';

// Small parameters keep the functional tests fast; the responsiveness test uses real-sized ones.
const SMALL: PasswordHasherOptions = { memoryKiB: 4096, iterations: 3, parallelism: 2, concurrency: 2, queueLimit: 8 };

/** `$argon2id$v=19$m=4096,t=3,p=2$<salt>$<hash>` → its parts */
function parsePhc(phc: string): { alg: string; version: number; m: number; t: number; p: number; salt: string; hash: string } {
  const m = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(phc);
  assert.ok(m, `not a PHC argon2 string: ${phc}`);
  return { alg: m[1]!, version: Number(m[2]), m: Number(m[3]), t: Number(m[4]), p: Number(m[5]), salt: m[6]!, hash: m[7]! };
}

describe('password hasher (argon2id)', () => {
  it('hashes with argon2id and exactly the configured m, t and p, with a fresh salt each time', async () => {
    const hasher = createPasswordHasher(SMALL);
    const h1 = await hasher.hash('Correct-Horse-1');
    const h2 = await hasher.hash('Correct-Horse-1');
    const p1 = parsePhc(h1);
    assert.deepEqual({ alg: p1.alg, version: p1.version, m: p1.m, t: p1.t, p: p1.p }, { alg: 'argon2id', version: 19, m: 4096, t: 3, p: 2 });
    assert.notEqual(p1.salt, parsePhc(h2).salt);
    assert.notEqual(h1, h2);
    assert.ok(!h1.includes('Correct-Horse-1'));

    const other = createPasswordHasher({ ...SMALL, memoryKiB: 8192, iterations: 2, parallelism: 1 });
    const p3 = parsePhc(await other.hash('Correct-Horse-1'));
    assert.deepEqual({ alg: p3.alg, m: p3.m, t: p3.t, p: p3.p }, { alg: 'argon2id', m: 8192, t: 2, p: 1 });
  });

  it('verifies the right password true and a wrong one false, accents and all', async () => {
    const hasher = createPasswordHasher(SMALL);
    const hash = await hasher.hash('Añorança-2026!');
    assert.equal(await hasher.verify(hash, 'Añorança-2026!'), true);
    assert.equal(await hasher.verify(hash, 'Anoranca-2026!'), false);
    assert.equal(await hasher.verify(hash, 'añorança-2026!'), false);
    assert.equal(await hasher.verify(hash, ''), false);
    // a hash made with other parameters still verifies: the parameters travel in the string
    const other = createPasswordHasher({ ...SMALL, memoryKiB: 8192 });
    assert.equal(await other.verify(hash, 'Añorança-2026!'), true);
  });

  it('verifyNothing answers false, whatever the password, and goes through the pool like verify', async () => {
    const hasher = createPasswordHasher({ ...SMALL, concurrency: 1 });
    const pending = hasher.verifyNothing('anything');
    assert.equal(await pending, false);
    assert.equal(await hasher.verifyNothing(''), false);
    // it costs a real verification: while it runs it holds a slot
    const held = hasher.verifyNothing('x');
    // microtasks only: the hash's completion arrives in a later event-loop phase, so it cannot
    // free the slot before we look (two setImmediate hops let a stalled CI machine finish it first)
    for (let i = 0; i < 10 && hasher.load().running === 0; i++) await Promise.resolve();
    const during = hasher.load();
    assert.equal(await held, false);
    assert.equal(during.running, 1);
    assert.deepEqual(hasher.load(), { running: 0, waiting: 0 });
  });

  it('needsRehash: false for the configured parameters, true when m, t or p changed, true for rubbish', async () => {
    const hasher = createPasswordHasher(SMALL);
    const hash = await hasher.hash('Correct-Horse-1');
    assert.equal(hasher.needsRehash(hash), false);
    assert.equal(createPasswordHasher({ ...SMALL, memoryKiB: 8192 }).needsRehash(hash), true);
    assert.equal(createPasswordHasher({ ...SMALL, iterations: 2 }).needsRehash(hash), true);
    assert.equal(createPasswordHasher({ ...SMALL, parallelism: 1 }).needsRehash(hash), true);
    // the pool size is not a hash parameter
    assert.equal(createPasswordHasher({ ...SMALL, concurrency: 7, queueLimit: 1 }).needsRehash(hash), false);
    assert.equal(hasher.needsRehash(hash.replace('$argon2id$', '$argon2i$')), true);
    assert.equal(hasher.needsRehash('not a hash'), true);
  });

  it('runs at most `concurrency` at once, queues up to queueLimit, and throws HasherBusyError beyond', async () => {
    const hasher = createPasswordHasher({ ...SMALL, concurrency: 2, queueLimit: 3 });
    const accepted = Array.from({ length: 5 }, (_, i) => hasher.hash(`password-${i}`));
    assert.deepEqual(hasher.load(), { running: 2, waiting: 3 });
    await assert.rejects(() => hasher.hash('one too many'), HasherBusyError);
    await assert.rejects(() => hasher.verify(`$argon2id$v=19$m=4096,t=3,p=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA`, 'x'), (err: unknown) => {
      assert.ok(err instanceof HasherBusyError);
      assert.equal(err.name, 'HasherBusyError');
      return true;
    });
    const hashes = await Promise.all(accepted);
    assert.equal(new Set(hashes).size, 5);
    for (const [i, h] of hashes.entries()) assert.equal(await hasher.verify(h, `password-${i}`), true);
    assert.deepEqual(hasher.load(), { running: 0, waiting: 0 });
    // the pool is usable again once drained
    assert.equal(parsePhc(await hasher.hash('after')).alg, 'argon2id');
  });

  it('a failing hash frees its slot', async () => {
    const hasher = createPasswordHasher({ ...SMALL, concurrency: 1, queueLimit: 0 });
    await assert.rejects(() => hasher.verify('garbage', 'x'));
    assert.deepEqual(hasher.load(), { running: 0, waiting: 0 });
    assert.equal(await hasher.verify(await hasher.hash('p'), 'p'), true);
  });

  it('keeps the event loop responsive while 4 real-sized hashes run', async function () {
    this.timeout(60_000);
    // Parameters well above the default (19 MiB, t=2), so that one hash takes long enough that
    // doing it on the event loop would stall every timer for the whole hash.
    const hasher = createPasswordHasher({ memoryKiB: 65536, iterations: 6, parallelism: 1, concurrency: 4, queueLimit: 0 });
    const t0 = performance.now();
    await hasher.hash('warm-up');
    const single = performance.now() - t0;
    assert.ok(single > 100, `one hash took ${single.toFixed(1)} ms: too fast for the lag test to mean anything`);

    const lags: number[] = [];
    let running = true;
    const INTERVAL = 5;
    const probe = new Promise<void>((resolve) => {
      let expected = performance.now() + INTERVAL;
      const tick = () => {
        const now = performance.now();
        lags.push(Math.max(0, now - expected));
        if (!running) return resolve();
        expected = now + INTERVAL;
        // a setImmediate turn first: the loop must come round, not only the timers fire
        setImmediate(() => setTimeout(tick, INTERVAL));
      };
      setTimeout(tick, INTERVAL);
    });

    const eluBefore = performance.eventLoopUtilization();
    const start = performance.now();
    const hashes = await Promise.all([1, 2, 3, 4].map((i) => hasher.hash(`password-${i}`)));
    const elapsed = performance.now() - start;
    const elu = performance.eventLoopUtilization(eluBefore).utilization;
    running = false;
    await probe;
    assert.equal(new Set(hashes).size, 4);
    assert.ok(elapsed >= single * 0.8, `4 parallel hashes took ${elapsed.toFixed(1)} ms, one took ${single.toFixed(1)} ms`);

    // Hashing on the event loop would leave a tick or two, each late by whole hashes, and a loop
    // busy all the time. The hashing threads share the machine's cores with the loop, so on a
    // busy machine the scheduler may delay some ticks: hence the median, and the utilisation,
    // which counts the loop's waiting as idle however long the kernel takes to wake it.
    const median = [...lags].sort((x, y) => x - y)[Math.floor(lags.length / 2)]!;
    assert.ok(lags.length >= 10, `only ${lags.length} timer ticks in ${elapsed.toFixed(1)} ms`);
    assert.ok(median < 50, `median event loop lag ${median.toFixed(1)} ms while hashing`);
    assert.ok(elu < 0.5, `event loop utilisation ${elu.toFixed(2)} while hashing`);
  });
});
