// The anti-automation proof of work (broker/web/anti-automation.ts) and its browser half
// (broker/web/static/anti-automation.js). The browser file is run here in a vm context holding only
// what it uses, so the two halves are checked against each other: same SHA-256, same message, same
// nonce encoding. Difficulties stay at 8–12 bits so that every solve takes milliseconds.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import type { EphemeralStore } from '../../../broker/store/ephemeral.js';
import { createMemoryStore } from '../../../broker/store/ephemeral-memory.js';
import { createProofOfWork, leadingZeroBits, solveChallenge, type ProofOfWorkOptions } from '../../../broker/web/anti-automation.js';

const SCRIPT_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../broker/web/static/anti-automation.js');
const SCRIPT = readFileSync(SCRIPT_PATH, 'utf8');

interface BrowserPow {
  sha256(text: string): ArrayLike<number>;
  utf8(text: string): number[];
  createSearch(challenge: string, bits: number): { step(tries: number): string | null; tried(): number };
  solve(challenge: string, bits: number): string;
}

/** The script's pure functions, as a page would run them but with no page: no document, no timers. */
function loadBrowserFunctions(): BrowserPow {
  const sandbox = { module: { exports: {} as unknown } };
  vm.runInNewContext(SCRIPT, sandbox, { filename: SCRIPT_PATH });
  return sandbox.module.exports as BrowserPow;
}

const hex = (bytes: ArrayLike<number>) => Buffer.from(Array.from(bytes)).toString('hex');
const nodeSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const zeroBits = (id: string, nonce: string) => leadingZeroBits(createHash('sha256').update(`${id}:${nonce}`, 'utf8').digest());

/** the first base-36 counter, left-padded with zeros to `width`, whose hash has the wanted zero bits */
function firstNonce(id: string, wanted: (bits: number) => boolean, width = 0): string {
  for (let n = 0; ; n++) {
    const nonce = n.toString(36).padStart(width, '0');
    if (wanted(zeroBits(id, nonce))) return nonce;
  }
}

/** counts take calls, to see which refusals reach the store */
function countingStore(inner: EphemeralStore): EphemeralStore & { takes: number } {
  const s = Object.create(inner) as EphemeralStore & { takes: number };
  s.takes = 0;
  s.take = async (key: string) => {
    s.takes++;
    return inner.take(key);
  };
  return s;
}

describe('anti-automation proof of work', () => {
  const BITS = 10;
  const TTL_MS = 5 * 60_000;
  let clock: number;
  let store: EphemeralStore;
  const options = (): ProofOfWorkOptions => ({ difficultyBits: BITS, ttlMs: TTL_MS, now: () => new Date(clock) });

  beforeEach(() => {
    clock = Date.parse('2030-04-01T10:00:00Z');
    // the store keeps its own (real) clock: expiry by the injected clock must hold on its own
    store = createMemoryStore();
  });
  afterEach(async () => {
    await store.close();
  });

  describe('server', () => {
    it('issues 32 random bytes in base64url, stored under pow:<id> for ttlMs', async () => {
      const pow = createProofOfWork(store, options());
      const a = await pow.issue();
      const b = await pow.issue();
      assert.match(a.id, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(a.id, 'base64url').length, 32);
      assert.notEqual(a.id, b.id);
      assert.equal(a.difficultyBits, BITS);
      assert.notEqual(await store.get(`pow:${a.id}`), null);
      const ttl = await store.ttl(`pow:${a.id}`);
      assert.ok(ttl !== null && ttl > TTL_MS - 1000 && ttl <= TTL_MS, `ttl ${ttl}`);
    });

    it('a solved challenge redeems once; the second redeem is false', async () => {
      const pow = createProofOfWork(store, options());
      const { id, difficultyBits } = await pow.issue();
      const nonce = solveChallenge(id, difficultyBits);
      assert.equal(await pow.redeem(id, nonce), true);
      assert.equal(await pow.redeem(id, nonce), false);
      assert.equal(await store.get(`pow:${id}`), null);
    });

    it('of concurrent redeems of one solved challenge exactly one succeeds', async () => {
      const pow = createProofOfWork(store, options());
      const { id } = await pow.issue();
      const nonce = solveChallenge(id, BITS);
      const results = await Promise.all(Array.from({ length: 8 }, () => pow.redeem(id, nonce)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('a wrong nonce is false and consumes the challenge', async () => {
      const pow = createProofOfWork(store, options());
      const { id } = await pow.issue();
      assert.equal(await pow.redeem(id, firstNonce(id, (bits) => bits < BITS)), false);
      assert.equal(await store.get(`pow:${id}`), null);
      // the right answer, after a wrong one, is too late
      assert.equal(await pow.redeem(id, solveChallenge(id, BITS)), false);
    });

    it('an unknown id is false', async () => {
      const pow = createProofOfWork(store, options());
      const id = Buffer.alloc(32, 7).toString('base64url');
      assert.equal(await pow.redeem(id, solveChallenge(id, BITS)), false);
    });

    it('an expired challenge is false, even while the store still holds it', async () => {
      const pow = createProofOfWork(store, options());
      const { id } = await pow.issue();
      const nonce = solveChallenge(id, BITS);
      clock += TTL_MS;
      assert.notEqual(await store.get(`pow:${id}`), null);
      assert.equal(await pow.redeem(id, nonce), false);
      assert.equal(await store.get(`pow:${id}`), null, 'consumed all the same');
    });

    it('a challenge just inside its time to live still redeems', async () => {
      const pow = createProofOfWork(store, options());
      const { id } = await pow.issue();
      clock += TTL_MS - 1;
      assert.equal(await pow.redeem(id, solveChallenge(id, BITS)), true);
    });

    it('a challenge is checked at the difficulty it was issued with', async () => {
      const hard = createProofOfWork(store, { ...options(), difficultyBits: 12 });
      const easy = createProofOfWork(store, { ...options(), difficultyBits: 8 });
      const { id } = await hard.issue();
      const nonce = firstNonce(id, (bits) => bits >= 8 && bits < 12);
      assert.equal(await easy.redeem(id, nonce), false);
    });

    it('a malformed nonce is false', async () => {
      const pow = createProofOfWork(store, options());
      for (const nonce of ['', 'A', 'a-b', '0x1f', ' 1', '1 ', 'ñ', '１', 'a'.repeat(33)]) {
        const { id } = await pow.issue();
        assert.equal(await pow.redeem(id, nonce), false, JSON.stringify(nonce));
        // a well-formed id spends its challenge whatever came with it: one submission, one attempt
        assert.equal(await store.get(`pow:${id}`), null);
      }
      // 32 characters is still a nonce
      const { id } = await pow.issue();
      const long = firstNonce(id, (bits) => bits >= BITS, 32);
      assert.equal(long.length, 32);
      assert.equal(await pow.redeem(id, long), true);
    });

    it('a malformed id is false without reaching the store', async () => {
      const counting = countingStore(store);
      const pow = createProofOfWork(counting, options());
      const { id } = await pow.issue();
      const nonce = solveChallenge(id, BITS);
      for (const bad of ['', 'x', `${id}=`, `${id.slice(0, 42)}.`, `pow:${id}`, id.slice(1), `${id}A`, 'a'.repeat(10_000)]) {
        assert.equal(await pow.redeem(bad, nonce), false, bad.slice(0, 50));
      }
      assert.equal(counting.takes, 0);
      assert.equal(await pow.redeem(id, nonce), true, 'the real challenge was left alone');
    });

    it('refuses unusable options', () => {
      for (const difficultyBits of [0, -1, 1.5, 33, Number.NaN]) {
        assert.throws(() => createProofOfWork(store, { ...options(), difficultyBits }), RangeError, String(difficultyBits));
      }
      for (const ttlMs of [0, -5, Number.POSITIVE_INFINITY]) {
        assert.throws(() => createProofOfWork(store, { ...options(), ttlMs }), RangeError, String(ttlMs));
      }
    });

    it('leadingZeroBits counts across bytes', () => {
      const cases: Array<[number[], number]> = [
        [[], 0],
        [[0x80], 0],
        [[0x7f], 1],
        [[0x01], 7],
        [[0x00, 0xff], 8],
        [[0x00, 0x00, 0x10, 0xff], 19],
        [[0x00, 0x00, 0x00, 0x01], 31],
        [[0x00, 0x00, 0x00, 0x00, 0x40], 33],
        [new Array<number>(32).fill(0), 256],
        [[...new Array<number>(31).fill(0), 1], 255],
      ];
      for (const [bytes, bits] of cases) assert.equal(leadingZeroBits(Uint8Array.from(bytes)), bits, JSON.stringify(bytes));
    });

    it('solveChallenge finds the first base-36 counter that solves the challenge', () => {
      const id = Buffer.alloc(32, 1).toString('base64url');
      const nonce = solveChallenge(id, 12);
      assert.match(nonce, /^[0-9a-z]+$/);
      const n = parseInt(nonce, 36);
      assert.equal(n.toString(36), nonce);
      assert.ok(zeroBits(id, nonce) >= 12);
      for (let i = 0; i < n; i++) {
        assert.ok(zeroBits(id, i.toString(36)) < 12);
      }
      assert.equal(solveChallenge(id, 0), '0');
    });
  });

  describe('browser script', () => {
    const browser = loadBrowserFunctions();

    it('hashes as node:crypto does, across padding boundaries and non-ASCII text', () => {
      const inputs = [
        '',
        'abc',
        'a'.repeat(55), // the last length that pads into one block
        'a'.repeat(56), // the first that needs a second
        'a'.repeat(63),
        'a'.repeat(64),
        'a'.repeat(65),
        'a'.repeat(119),
        'a'.repeat(120),
        'é'.repeat(27) + 'x', // 55 bytes in 28 characters
        'é'.repeat(28), // 56 bytes
        '€'.repeat(21) + 'x', // 64 bytes
        'Cl@ve Permanente: contraseña, número, año',
        'Ελληνικά · 中文 · العربية',
        '𝄞 and 😀 are outside the BMP',
        'lone \ud800 and \udc00 surrogates',
        'ends outside the BMP 😀',
        'ends in half a pair \ud83d',
        'x'.repeat(1000) + 'ñ',
        `${Buffer.alloc(32, 9).toString('base64url')}:1a2b`,
      ];
      for (const text of inputs) {
        assert.equal(hex(browser.utf8(text)), Buffer.from(text, 'utf8').toString('hex'), `utf8 of ${JSON.stringify(text.slice(0, 30))}`);
        assert.equal(hex(browser.sha256(text)), nodeSha256(text), `sha256 of ${JSON.stringify(text.slice(0, 30))}`);
      }
    });

    it('finds the same nonce as solveChallenge, and it redeems on the server', async () => {
      const pow = createProofOfWork(store, { ...options(), difficultyBits: 12 });
      for (let i = 0; i < 3; i++) {
        const { id, difficultyBits } = await pow.issue();
        const nonce = browser.solve(id, difficultyBits);
        assert.equal(nonce, solveChallenge(id, difficultyBits));
        assert.equal(await pow.redeem(id, nonce), true);
      }
    });

    it('searches in resumable slices', () => {
      const id = Buffer.alloc(32, 3).toString('base64url');
      const expected = solveChallenge(id, 10);
      const search = browser.createSearch(id, 10);
      let found: string | null = null;
      let steps = 0;
      while (found === null) {
        found = search.step(7);
        steps++;
      }
      assert.equal(found, expected);
      assert.equal(search.tried(), parseInt(expected, 36) + 1);
      assert.equal(steps, Math.ceil((parseInt(expected, 36) + 1) / 7));
    });
  });

  describe('browser script on a page', () => {
    interface SubmitEvent {
      readonly submitter: unknown;
      defaultPrevented: boolean;
      preventDefault(): void;
    }

    class FakeNode {
      readonly attributes = new Map<string, string>();
      textContent = '';
      value = '';
      getAttribute(name: string): string | null {
        return this.attributes.get(name) ?? null;
      }
      setAttribute(name: string, value: string): void {
        this.attributes.set(name, String(value));
      }
    }

    class FakeForm extends FakeNode {
      readonly input = new FakeNode();
      readonly status = new FakeNode();
      readonly button = new FakeNode();
      readonly listeners: Array<(e: SubmitEvent) => void> = [];
      readonly sent: unknown[] = [];
      constructor(attrs: Record<string, string>) {
        super();
        for (const [k, v] of Object.entries(attrs)) this.attributes.set(k, v);
      }
      querySelector(selector: string): FakeNode | null {
        if (selector === 'input[name="powNonce"]') return this.input;
        if (selector === '[data-pow-status]') return this.status;
        return null;
      }
      addEventListener(type: string, listener: (e: SubmitEvent) => void): void {
        if (type === 'submit') this.listeners.push(listener);
      }
      /** a person pressing the button: the submit event, then sending unless a listener prevented it */
      requestSubmit(submitter?: unknown): void {
        const event: SubmitEvent = {
          submitter: submitter ?? null,
          defaultPrevented: false,
          preventDefault() {
            this.defaultPrevented = true;
          },
        };
        for (const l of this.listeners) l(event);
        if (!event.defaultPrevented) this.sent.push({ submitter: event.submitter, powNonce: this.input.value });
      }
    }

    function runOnPage(forms: FakeForm[]): void {
      const document = {
        readyState: 'interactive',
        querySelectorAll(selector: string) {
          assert.equal(selector, 'form[data-pow-challenge]');
          return forms.filter((f) => f.getAttribute('data-pow-challenge') !== null);
        },
        addEventListener() {
          throw new Error('a deferred script runs after parsing; it should not wait for DOMContentLoaded');
        },
      };
      vm.runInNewContext(SCRIPT, { document, setTimeout }, { filename: SCRIPT_PATH });
    }

    async function until(condition: () => boolean): Promise<void> {
      const deadline = Date.now() + 10_000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 5));
      }
    }

    it('works eagerly on load, showing progress, and fills powNonce with a nonce the server accepts', async () => {
      const pow = createProofOfWork(store, { ...options(), difficultyBits: 12 });
      const { id, difficultyBits } = await pow.issue();
      const form = new FakeForm({ 'data-pow-challenge': id, 'data-pow-bits': String(difficultyBits), 'data-pow-working-text': 'Comprobando…' });
      runOnPage([form]);
      assert.equal(form.getAttribute('data-pow-state'), 'working');
      assert.equal(form.getAttribute('aria-busy'), 'true');
      assert.equal(form.status.textContent, 'Comprobando…');
      assert.equal(form.input.value, '');

      await until(() => form.getAttribute('data-pow-state') === 'done');
      assert.equal(form.getAttribute('aria-busy'), 'false');
      assert.equal(form.status.textContent, '');
      assert.equal(form.sent.length, 0, 'nobody pressed the button yet');

      form.requestSubmit(form.button);
      assert.deepEqual(form.sent, [{ submitter: form.button, powNonce: form.input.value }]);
      assert.equal(await pow.redeem(id, form.input.value), true);
    });

    it('holds a submit that comes before the nonce and sends it, with its button, once found', async () => {
      const pow = createProofOfWork(store, { ...options(), difficultyBits: 12 });
      const { id } = await pow.issue();
      const form = new FakeForm({ 'data-pow-challenge': id, 'data-pow-bits': '12', 'data-pow-working-text': 'Working' });
      runOnPage([form]);
      // the search has not started yet: it begins on the next timer
      form.requestSubmit(form.button);
      assert.equal(form.sent.length, 0);

      await until(() => form.sent.length > 0);
      assert.equal(form.getAttribute('data-pow-state'), 'done');
      assert.deepEqual(form.sent, [{ submitter: form.button, powNonce: solveChallenge(id, 12) }]);
      assert.equal(await pow.redeem(id, form.input.value), true);
    });

    it('leaves alone forms without a usable challenge', async () => {
      const plain = new FakeForm({});
      const noBits = new FakeForm({ 'data-pow-challenge': 'abc' });
      const badBits = new FakeForm({ 'data-pow-challenge': 'abc', 'data-pow-bits': '1.5' });
      const good = new FakeForm({ 'data-pow-challenge': 'abc', 'data-pow-bits': '8' });
      runOnPage([plain, noBits, badBits, good]);
      await until(() => good.getAttribute('data-pow-state') === 'done');
      for (const f of [plain, noBits, badBits]) {
        assert.equal(f.getAttribute('data-pow-state'), null);
        assert.equal(f.listeners.length, 0);
      }
      assert.equal(good.input.value, solveChallenge('abc', 8));
    });
  });
});
