// CSV as RFC 4180 writes it (CRLF line ends, fields quoted when they hold a quote, comma or line
// break, quotes doubled), UTF-8 with a byte-order mark so spreadsheet programs read the accents.
import { neutraliseFormula, type ExportTable } from './cells.js';

const BOM = '\uFEFF';

function field(value: string): string {
  const cell = neutraliseFormula(value);
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export function toCsv(table: ExportTable): Buffer {
  const lines = [table.columns, ...table.rows].map((row) => row.map(field).join(','));
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}
