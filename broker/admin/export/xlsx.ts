// XLSX through exceljs: one sheet, a bold header row, every cell written as text (never a
// formula; formula-like text neutralised as in CSV).
import ExcelJS from 'exceljs';
import { neutraliseFormula, type ExportTable } from './cells.js';

export async function toXlsx(table: ExportTable, sheetName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Pasarela';
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow([...table.columns]).font = { bold: true };
  for (const row of table.rows) sheet.addRow(row.map(neutraliseFormula));
  sheet.columns.forEach((column) => {
    column.width = 20;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
