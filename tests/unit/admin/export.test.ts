// The export formats on their own: RFC 4180 quoting, the byte-order mark, and formula-like cells
// neutralised in CSV and XLSX alike (OWASP "CSV injection": = + - @ and a leading tab or CR).
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { toCsv } from '../../../broker/admin/export/csv.js';
import { toXlsx } from '../../../broker/admin/export/xlsx.js';
import { neutraliseFormula } from '../../../broker/admin/export/cells.js';

describe('management exports (seed 004 §2.1)', () => {
  it('neutralises every formula start and nothing else', () => {
    for (const cell of ['=1+1', '+34600000001', '-2', '@SUM(A1)', '\t=1', '\r=1']) assert.equal(neutraliseFormula(cell), `'${cell}`);
    for (const cell of ['Jan', '', '1+1', 'a=b', "'quoted", 'e-mail@example.es']) assert.equal(neutraliseFormula(cell), cell);
  });

  it('writes RFC 4180 CSV: CRLF rows, quotes doubled, fields with comma, quote or line break quoted, UTF-8 with BOM', () => {
    const bytes = toCsv({ columns: ['A', 'B'], rows: [['plain', 'with, comma'], ['say "hi"', 'two\r\nlines'], ['Lucía', '=cmd']] });
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(bytes.subarray(3).toString('utf8'), 'A,B\r\nplain,"with, comma"\r\n"say ""hi""","two\r\nlines"\r\nLucía,\'=cmd\r\n');
  });

  it('writes XLSX with text cells only, the header bold, formulas neutralised', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await toXlsx({ columns: ['Name'], rows: [['=HYPERLINK("http://evil.test")'], ['Jan']] }, 'members')) as never);
    const sheet = book.getWorksheet('members')!;
    assert.equal(sheet.getCell('A1').font?.bold, true);
    assert.equal(sheet.getCell('A2').value, '\'=HYPERLINK("http://evil.test")');
    assert.equal(sheet.getCell('A2').type, ExcelJS.ValueType.String);
    assert.equal(sheet.getCell('A3').value, 'Jan');
  });
});
