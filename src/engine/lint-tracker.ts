/**
 * Follows each column's type through the migrations in order (CREATE TABLE,
 * ADD / DROP / RENAME COLUMN, ALTER COLUMN TYPE, RENAME TO, DROP TABLE), so
 * `lint --dir` knows a column's old type without a database. What it cannot
 * follow (a table made by CREATE TABLE AS or LIKE, dynamic SQL) stays
 * unknown, and rules then say they cannot tell.
 */
import { readType, type ColumnType } from './lint-types.js';
import { isSym, isWord, parenthesised, splitTopLevel, tableName } from './lint-tokens.js';
import type { Token } from './splitter.js';

/** Column types by table, then column (both upper-cased, table without schema). */
export class TypeTracker {
  private readonly tables = new Map<string, Map<string, ColumnType>>();

  /** The type a column has so far, if known. */
  columnType(table: string, column: string): ColumnType | undefined {
    return this.tables.get(table)?.get(column);
  }

  /** Records what one statement does to tables and columns. */
  observe(t: Token[]): void {
    if (isWord(t[0], 'CREATE')) this.create(t);
    else if (isWord(t[0], 'ALTER') && isWord(t[1], 'TABLE')) this.alter(t);
    else if (isWord(t[0], 'DROP') && isWord(t[1], 'TABLE')) {
      let i = 2;
      while (isWord(t[i], 'IF', 'EXISTS')) i++;
      for (const part of splitTopLevel(t.slice(i))) this.tables.delete(tableName(part, 0).name);
    }
  }

  private create(t: Token[]): void {
    let i = 1;
    while (isWord(t[i], 'TEMP', 'TEMPORARY', 'UNLOGGED', 'GLOBAL', 'LOCAL', 'OR', 'REPLACE')) i++;
    if (!isWord(t[i], 'TABLE')) return;
    const ifNotExists = isWord(t[i + 1], 'IF');
    const { name, next } = tableName(t, i + 1);
    if (ifNotExists && this.tables.has(name)) return;
    if (!isSym(t[next], '(')) return;
    const columns = new Map<string, ColumnType>();
    for (const el of splitTopLevel(parenthesised(t, next).inner)) {
      if (isWord(el[0], 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN', 'EXCLUDE', 'LIKE'))
        continue;
      columns.set(el[0]!.value.toUpperCase(), readType(el, 1).type);
    }
    this.tables.set(name, columns);
  }

  private alter(t: Token[]): void {
    const { name, next } = tableName(t, 2);
    const columns = this.tables.get(name);
    if (!columns) return;
    for (const a of splitTopLevel(t.slice(next))) {
      let i = 1;
      if (isWord(a[0], 'ADD')) {
        if (isWord(a[1], 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN', 'EXCLUDE'))
          continue;
        if (isWord(a[i], 'COLUMN')) i++;
        const ifNotExists = isWord(a[i], 'IF');
        while (isWord(a[i], 'IF', 'NOT', 'EXISTS')) i++;
        const column = a[i]?.value.toUpperCase() ?? '';
        // IF NOT EXISTS leaves a column that is there as it was.
        if (!(ifNotExists && columns.has(column))) columns.set(column, readType(a, i + 1).type);
      } else if (isWord(a[0], 'ALTER')) {
        if (isWord(a[i], 'COLUMN')) i++;
        const column = a[i]?.value.toUpperCase() ?? '';
        const at = a.findIndex((tok, k) => k > i && isWord(tok, 'TYPE'));
        if (at > 0 && (isWord(a[at - 1], 'DATA') || at === i + 1))
          columns.set(column, readType(a, at + 1).type);
      } else if (isWord(a[0], 'DROP') && !isWord(a[1], 'CONSTRAINT')) {
        if (isWord(a[i], 'COLUMN')) i++;
        while (isWord(a[i], 'IF', 'EXISTS')) i++;
        columns.delete(a[i]?.value.toUpperCase() ?? '');
      } else if (isWord(a[0], 'RENAME')) {
        this.rename(name, columns, a);
      }
    }
  }

  private rename(table: string, columns: Map<string, ColumnType>, a: Token[]): void {
    if (isWord(a[1], 'TO')) {
      this.tables.delete(table);
      this.tables.set(tableName(a, 2).name, columns);
      return;
    }
    if (isWord(a[1], 'CONSTRAINT')) return;
    const i = isWord(a[1], 'COLUMN') ? 2 : 1;
    const from = a[i]?.value.toUpperCase() ?? '';
    const to = a[i + 2]?.value.toUpperCase() ?? '';
    const type = columns.get(from);
    columns.delete(from);
    if (type) columns.set(to, type);
  }
}
