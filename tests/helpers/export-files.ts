// Reading our own exports back in tests: the CSV (RFC 4180 after the byte-order mark) and the XLSX's
// first sheet as rows of text, and supertest's parser that keeps a download as bytes.
import ExcelJS from 'exceljs';

/** RFC 4180 reader: enough to read our own export back. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    } else cell += c;
  }
  return rows;
}

/** a CSV export's rows, checking the UTF-8 byte-order mark first */
export function csvRows(bytes: Buffer): string[][] {
  if (bytes[0] !== 0xef || bytes[1] !== 0xbb || bytes[2] !== 0xbf) throw new Error('the CSV export has no UTF-8 byte-order mark');
  return parseCsv(bytes.subarray(3).toString('utf8'));
}

/** A sheet row's cells as text, `width` of them (exceljs leaves empty cells out of row.values). */
export function cellsOf(row: ExcelJS.Row, width: number): string[] {
  return Array.from({ length: width }, (_, i) => String(row.getCell(i + 1).value ?? ''));
}

/** an XLSX export's first sheet as text rows of `width` cells; a formula cell fails */
export async function xlsxRows(bytes: Buffer, width: number): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as never);
  const rows: string[][] = [];
  book.worksheets[0]!.eachRow((row) => {
    row.eachCell((cell) => {
      if (cell.type === ExcelJS.ValueType.Formula) throw new Error(`a formula in the export: ${String(cell.value)}`);
    });
    rows.push(cellsOf(row, width));
  });
  return rows;
}

export const binary = (res: import('superagent').Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
