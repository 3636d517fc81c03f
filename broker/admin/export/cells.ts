// A table to export, and the one rule both formats share: a cell a spreadsheet would read as a
// formula (starting with = + - @, or a tab or carriage return that some programs strip first)
// gets a leading apostrophe, so an administrator opening the file never runs what a member typed.
export interface ExportTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}
