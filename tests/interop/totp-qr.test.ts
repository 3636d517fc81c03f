// The authenticator-app enrolment QR read by software we did not write, as a phone app reads it:
// librsvg renders the broker's inline SVG to pixels and zbar (zbarimg) decodes the symbol; the
// otpauth URI it finds must be the one the enrolment page encodes, and the code that URI's secret
// gives must be the one oath-toolkit computes for it. CI installs all three (.ci/run).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newTotpSecret, totpAt, totpQrSvg, totpUri } from '../../connectors/permanente/totp.js';

const TOOLS = ['rsvg-convert', 'zbarimg', 'oathtool'];

describe('interop: the authenticator-app QR code (librsvg + zbar + oath-toolkit)', () => {
  let dir: string;
  before(function () {
    const missing = TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
    if (missing.length) {
      if (process.env.CI) throw new Error(`${missing.join(', ')} not installed: CI must read the QR code with independent software`);
      console.log(`      (${missing.join(', ')} not installed: skipping)`);
      this.skip();
    }
    dir = mkdtempSync(path.join(tmpdir(), 'pasarela-qr-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  for (const label of ['12345678Z', 'X1234567L', 'José Núñez']) {
    it(`decodes to the otpauth URI, and its secret gives oathtool's code (${label})`, async () => {
      const secret = newTotpSecret();
      const uri = totpUri(secret, label, 'Cl@ve Permanente');
      const svg = path.join(dir, 'qr.svg');
      const png = path.join(dir, 'qr.png');
      writeFileSync(svg, await totpQrSvg(uri));
      execFileSync('rsvg-convert', ['-w', '400', '-h', '400', '-b', 'white', '-o', png, svg]);
      // zbarimg complains on stderr that there is no D-Bus here; only its answer matters
      const decoded = execFileSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
      assert.equal(decoded, uri);
      const scanned = new URL(decoded).searchParams.get('secret')!;
      const now = new Date();
      const seconds = Math.floor(now.getTime() / 1000);
      const theirs = execFileSync('oathtool', ['--totp', '--base32', `--now=@${seconds}`, scanned], { encoding: 'utf8' }).trim();
      assert.equal(await totpAt(secret, new Date(seconds * 1000)), theirs);
    });
  }
});
