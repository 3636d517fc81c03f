import { strict as assert } from 'node:assert';
import { documentMediaType } from '../../../broker/mandates/documents.js';

describe('identity document type by content', () => {
  const b = (...bytes: number[]) => Buffer.from(bytes);
  it('recognises PDF, PNG, JPEG, both TIFF byte orders and BMP by their first bytes', () => {
    assert.equal(documentMediaType(Buffer.from('%PDF-1.4\n')), 'application/pdf');
    assert.equal(documentMediaType(b(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0)), 'image/png');
    assert.equal(documentMediaType(b(0xff, 0xd8, 0xff, 0xdb)), 'image/jpeg');
    assert.equal(documentMediaType(b(0x49, 0x49, 0x2a, 0x00, 8)), 'image/tiff');
    assert.equal(documentMediaType(b(0x4d, 0x4d, 0x00, 0x2a, 0)), 'image/tiff');
    assert.equal(documentMediaType(Buffer.from('BM\x00\x00')), 'image/bmp');
  });

  it('refuses everything else, including truncated signatures', () => {
    for (const bytes of [Buffer.from('GIF89a'), Buffer.from('%PDF'), b(0x89, 0x50, 0x4e, 0x47), b(0xff, 0xd8), Buffer.from('PK\x03\x04'), Buffer.alloc(0), Buffer.from('MZ')]) {
      assert.equal(documentMediaType(bytes), undefined, bytes.toString('hex'));
    }
  });
});
