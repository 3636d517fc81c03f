// Loading the configured trusted lists (broker/pki/trusted-list/trusted-lists.ts): from a file and
// from a URL (a local HTTP server), bounded in time and size, failing closed at start, keeping the
// last good list on refresh (and refusing an older one), and answering which CA/QC services are
// granted at a time and which lists are stale.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TRUSTED_LIST_LIMITS } from '../../../broker/pki/trusted-list/parse.js';
import { TrustedListError } from '../../../broker/pki/trusted-list/trusted-list-error.js';
import { openTrustedLists, type TrustedListsOptions } from '../../../broker/pki/trusted-list/trusted-lists.js';
import { verifyAndReadOffThread } from '../../../broker/pki/trusted-list/verify-off-thread.js';
import { issueTestCertificate } from '../../helpers/test-pki.js';
import { buildTrustedList, trustedListXml, type TrustedListDescription, type TrustedListSigner } from '../../helpers/tsl-builder.js';

const NOW = new Date();
const DAY = 86_400_000;

interface Logged {
  readonly level: 'info' | 'warn';
  readonly obj: Record<string, unknown>;
  readonly msg: string;
}

function recorder(): { log: TrustedListsOptions['log']; lines: Logged[] } {
  const lines: Logged[] = [];
  return { lines, log: { info: (obj, msg) => lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }), warn: (obj, msg) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }) } };
}

function description(sequenceNumber: number, nextUpdate: Date | null = new Date(NOW.getTime() + 90 * DAY)): TrustedListDescription {
  return {
    territory: 'ES',
    sequenceNumber,
    issued: new Date(NOW.getTime() - DAY),
    nextUpdate,
    providers: [
      {
        name: 'FNMT-RCM',
        services: [
          { name: 'AC FNMT Usuarios', status: 'granted', statusFrom: new Date('2020-01-01T00:00:00Z'), subjectNames: ['CN=AC FNMT Usuarios'] },
          // withdrawn last month, granted before: an anchor for a validation time before the withdrawal only
          { name: 'AC Antigua', status: 'withdrawn', statusFrom: new Date(NOW.getTime() - 30 * DAY), history: [{ status: 'granted', from: new Date('2018-01-01T00:00:00Z') }], subjectNames: ['CN=AC Antigua'] },
          { name: 'TSA', type: 'http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST', status: 'granted', statusFrom: new Date('2020-01-01T00:00:00Z'), subjectNames: ['CN=TSA'] },
        ],
      },
    ],
  };
}

describe('trusted lists loader (files and URLs, refresh, fail closed)', function () {
  let dir: string;
  let signer: TrustedListSigner;
  let signed12: string;
  let signed13: string;
  let signed11: string;
  let server: http.Server;
  let base: string;
  let served = '';
  let brokers = 0;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pasarela-tsl-loader-'));
    const operator = await issueTestCertificate({ subject: 'CN=Scheme operator, C=ES', notBefore: new Date(NOW.getTime() - 30 * DAY), notAfter: new Date(NOW.getTime() + 365 * DAY) });
    signer = { keyPem: operator.keyPem, certPem: operator.pem };
    [signed12, signed13, signed11] = await Promise.all([buildTrustedList(description(12), signer), buildTrustedList(description(13), signer), buildTrustedList(description(11), signer)]);
    await writeFile(path.join(dir, 'operator.pem'), operator.pem);
    server = http.createServer((req, res) => {
      if (req.url === '/tsl.xml') res.end(served);
      else if (req.url === '/hang') res.writeHead(200).write('<?xml version="1.0"?>'); // headers and a start, then nothing
      else if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/xml' }); // chunked: no length announced
        res.end('x'.repeat(4096));
      } else if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': '4096' }); // refused on the header, before the body
        res.end('x'.repeat(4096));
      } else if (req.url === '/redirect') res.writeHead(302, { location: '/tsl.xml' }).end();
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  function options(sources: TrustedListsOptions['sources'], log: TrustedListsOptions['log'], extra: Partial<TrustedListsOptions> = {}): TrustedListsOptions {
    // a fresh sequence file per call: each test is a new broker unless it passes its own
    return { sources, refreshMinutes: 360, graceHours: 24, sequenceFile: path.join(dir, `sequence-${++brokers}.json`), log, now: () => NOW, fetchTimeoutMs: 2000, maxBytes: 1024 * 1024, root: dir, ...extra };
  }

  it('a file source: the list verified and read; granted CA/QC services only, history-aware', async () => {
    await writeFile(path.join(dir, 'ES.xml'), signed12);
    const { log, lines } = recorder();
    const lists = await openTrustedLists(options([{ source: 'ES.xml', signerCertFile: 'operator.pem' }], log));
    try {
      assert.deepEqual(lists.lists().map((l) => [l.source, l.sequenceNumber]), [['ES.xml', 12]], JSON.stringify(lines));
      assert.deepEqual(lists.grantedCaServicesAt(NOW).map((s) => s.serviceName), ['AC FNMT Usuarios']);
      // withdrawn now, granted 60 days ago (and the TSA is never a CA/QC anchor)
      assert.deepEqual(lists.grantedCaServicesAt(new Date(NOW.getTime() - 60 * DAY)).map((s) => s.serviceName), ['AC FNMT Usuarios', 'AC Antigua']);
      assert.deepEqual(lists.staleAt(NOW), []);
      assert.ok(lines.some((l) => l.level === 'info' && l.msg === 'trusted list loaded' && l.obj.sequenceNumber === 12));
    } finally {
      lists.close();
    }
  });

  it('a URL source (http server)', async () => {
    served = signed13;
    const { log } = recorder();
    const lists = await openTrustedLists(options([{ source: `${base}/tsl.xml`, signerCertFile: 'operator.pem' }], log));
    lists.close();
    assert.deepEqual(lists.lists().map((l) => [l.source, l.sequenceNumber]), [[`${base}/tsl.xml`, 13]]);
  });

  it('a hanging server: the source fails within the timeout, absent, logged', async () => {
    const { log, lines } = recorder();
    const started = Date.now();
    const lists = await openTrustedLists(options([{ source: `${base}/hang`, signerCertFile: 'operator.pem' }], log, { fetchTimeoutMs: 300 }));
    lists.close();
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.deepEqual(lists.lists(), []);
    assert.deepEqual(lists.grantedCaServicesAt(NOW), []);
    const warning = lines.find((l) => l.level === 'warn')!;
    assert.equal(warning.msg, 'trusted list not loaded; its certificates will be refused');
    assert.match(String(warning.obj.reason), /no complete answer within 300 ms/);
  });

  it('size cap: a body larger than maxBytes (URL, announced or not) and a file larger than maxBytes', async () => {
    await writeFile(path.join(dir, 'big.xml'), 'x'.repeat(4096));
    const { log, lines } = recorder();
    const lists = await openTrustedLists(
      options(
        [
          { source: `${base}/big`, signerCertFile: 'operator.pem' },
          { source: `${base}/declared`, signerCertFile: 'operator.pem' },
          { source: 'big.xml', signerCertFile: 'operator.pem' },
        ],
        log,
        { maxBytes: 1024 },
      ),
    );
    lists.close();
    assert.deepEqual(lists.lists(), []);
    assert.deepEqual(lines.filter((l) => l.level === 'warn').map((l) => l.obj.reason), ['larger than 1024 bytes', 'larger than 1024 bytes', 'larger than 1024 bytes']);
  });

  it('HTTP errors, redirects, unreadable files and a missing signer certificate: absent, each logged', async () => {
    const { log, lines } = recorder();
    const lists = await openTrustedLists(
      options(
        [
          { source: `${base}/missing`, signerCertFile: 'operator.pem' },
          { source: `${base}/redirect`, signerCertFile: 'operator.pem' },
          { source: 'nowhere.xml', signerCertFile: 'operator.pem' },
          { source: 'ES.xml', signerCertFile: 'no-such.pem' },
        ],
        log,
      ),
    );
    lists.close();
    assert.deepEqual(lists.lists(), []);
    // sources load in parallel: find each one's line
    const reasonOf = (source: string): string => String(lines.find((l) => l.level === 'warn' && l.obj.source === source)?.obj.reason);
    assert.equal(lines.filter((l) => l.level === 'warn').length, 4);
    assert.match(reasonOf(`${base}/missing`), /HTTP 404/);
    assert.match(reasonOf(`${base}/redirect`), /fetch failed/);
    assert.match(reasonOf('nowhere.xml'), /unreadable: ENOENT/);
    assert.match(reasonOf('ES.xml'), /signer certificate no-such.pem unreadable/);
  });

  it('refresh: a failing source keeps its last good list; a newer list replaces it; an older one does not', async () => {
    await writeFile(path.join(dir, 'refresh.xml'), signed12);
    const { log, lines } = recorder();
    const lists = await openTrustedLists(options([{ source: 'refresh.xml', signerCertFile: 'operator.pem' }], log));
    try {
      await writeFile(path.join(dir, 'refresh.xml'), signed13.replace('AC FNMT Usuarios', 'AC FNMT Usuarioz'));
      await lists.refresh();
      assert.deepEqual(lists.lists().map((l) => l.sequenceNumber), [12]);
      assert.ok(lines.some((l) => l.msg === 'trusted list refresh failed; last good list kept' && /does not verify/.test(String(l.obj.reason)) && l.obj.kept === 12));
      await writeFile(path.join(dir, 'refresh.xml'), signed13);
      await lists.refresh();
      assert.deepEqual(lists.lists().map((l) => l.sequenceNumber), [13]);
      // a replayed older list, validly signed, must not bring back what the newer list withdrew
      await writeFile(path.join(dir, 'refresh.xml'), signed11);
      await lists.refresh();
      assert.deepEqual(lists.lists().map((l) => l.sequenceNumber), [13]);
      assert.ok(lines.some((l) => l.msg === 'trusted list older than the one held; keeping the held list'));
    } finally {
      lists.close();
    }
  });

  it('past its NextUpdate: listed by staleAt, used within the grace hours, not after; a closed list is stale and not used', async () => {
    const next = new Date(Math.floor((NOW.getTime() + 10 * DAY) / 1000) * 1000); // the list carries whole seconds
    await writeFile(path.join(dir, 'stale.xml'), await buildTrustedList(description(12, next), signer));
    await writeFile(path.join(dir, 'closed.xml'), await buildTrustedList({ ...description(12, null), territory: 'PT' }, signer));
    const { log } = recorder();
    const lists = await openTrustedLists(
      options(
        [
          { source: 'stale.xml', signerCertFile: 'operator.pem' },
          { source: 'closed.xml', signerCertFile: 'operator.pem' },
        ],
        log,
        { graceHours: 6 },
      ),
    );
    lists.close();
    assert.deepEqual(lists.staleAt(NOW), [{ source: 'closed.xml', nextUpdate: null }]);
    assert.deepEqual(lists.grantedCaServicesAt(NOW).map((s) => `${s.territory} ${s.serviceName}`), ['ES AC FNMT Usuarios']);
    const later = new Date(next.getTime() + 1000);
    assert.deepEqual(lists.staleAt(later), [
      { source: 'stale.xml', nextUpdate: next },
      { source: 'closed.xml', nextUpdate: null },
    ]);
    const endOfGrace = new Date(next.getTime() + 6 * 3_600_000);
    assert.deepEqual(lists.grantedCaServicesAt(later).map((s) => `${s.territory} ${s.serviceName}`), ['ES AC FNMT Usuarios']);
    assert.deepEqual(lists.grantedCaServicesAt(endOfGrace).map((s) => s.serviceName), ['AC FNMT Usuarios']);
    assert.deepEqual(lists.grantedCaServicesAt(new Date(endOfGrace.getTime() + 1000)), []);
  });

  it('the rollback guard survives a restart: the highest sequence number is kept on disk, a lower list refused at start', async () => {
    const sequenceFile = path.join(dir, 'restart', 'sequence.json');
    await writeFile(path.join(dir, 'restart.xml'), signed13);
    const first = await openTrustedLists(options([{ source: 'restart.xml', signerCertFile: 'operator.pem' }], recorder().log, { sequenceFile }));
    first.close();
    assert.deepEqual(JSON.parse(await readFile(sequenceFile, 'utf8')), { 'restart.xml': 13 });
    // the next start is served a replayed older list
    await writeFile(path.join(dir, 'restart.xml'), signed11);
    const { log, lines } = recorder();
    const second = await openTrustedLists(options([{ source: 'restart.xml', signerCertFile: 'operator.pem' }], log, { sequenceFile }));
    second.close();
    assert.deepEqual(second.lists(), []);
    assert.deepEqual(second.grantedCaServicesAt(NOW), []);
    assert.ok(lines.some((l) => l.level === 'warn' && /older than one accepted before/.test(l.msg) && l.obj.held === 13 && l.obj.sequenceNumber === 11), JSON.stringify(lines));
    // the same number again, or a newer one, is accepted and the newer one recorded
    await writeFile(path.join(dir, 'restart.xml'), signed13);
    const third = await openTrustedLists(options([{ source: 'restart.xml', signerCertFile: 'operator.pem' }], recorder().log, { sequenceFile }));
    third.close();
    assert.deepEqual(third.lists().map((l) => l.sequenceNumber), [13]);
  });

  it('a sequence file that is not what it should be stops the start instead of dropping the guard', async () => {
    const sequenceFile = path.join(dir, 'broken-sequence.json');
    await writeFile(sequenceFile, '{"restart.xml": "thirteen"}');
    await assert.rejects(openTrustedLists(options([], recorder().log, { sequenceFile })), /restart\.xml is not an integer/);
    await writeFile(sequenceFile, 'not json');
    await assert.rejects(openTrustedLists(options([], recorder().log, { sequenceFile })), /is not JSON/);
  });

  describe('verification in a worker thread, bounded', () => {
    const stopped = (pattern: RegExp) => (err: unknown) => err instanceof TrustedListError && pattern.test(err.reason);

    it('a verification longer than its time bound: the worker is stopped, the list refused', async () => {
      await assert.rejects(verifyAndReadOffThread(signed12, signer.certPem, 'slow.xml', NOW, TRUSTED_LIST_LIMITS, { timeoutMs: 1, heapMb: 256 }), stopped(/took longer than 1 ms/));
    });

    it('a list whose DOM exceeds the heap bound: that worker dies, the broker does not', async () => {
      const many = description(1).providers[0]!.services[0]!;
      const huge = trustedListXml({ ...description(1), providers: [{ name: 'P', services: Array.from({ length: 20_000 }, (_, i) => ({ ...many, name: `CA ${i}` })) }] });
      await assert.rejects(verifyAndReadOffThread(huge, signer.certPem, 'huge.xml', NOW, TRUSTED_LIST_LIMITS, { timeoutMs: 60_000, heapMb: 16 }), stopped(/reaching memory limit/));
    });
  });
});
