/**
 * CSV and TSV text (RFC 4180) to a float32 matrix plus label columns kept as strings.
 *
 * Pure: text in, arrays out. `parseCsv` takes the whole text; `createCsvParser` takes it in
 * chunks, so `readCsv` can stream a file without holding its text.
 */
import {maxArrayLength} from './runtime-limits';
import {BadConfigError, describe} from './bad-config-error';
import {BadDataFileError} from './bad-data-file-error';
import type {Matrix} from './matrix';

/** A parsed table: the numeric columns as a matrix, the label columns as strings. */
export interface CsvTable extends Matrix {
  /** [rows, cols] float32 cells of the numeric columns, row-major: cell (i, j) is `data[i * cols + j]`. */
  readonly data: Float32Array;
  /** The number of data rows (the header is not one). */
  readonly rows: number;
  /** The number of numeric columns. */
  readonly cols: number;
  /** Names of the numeric columns, in file order: the header's, else `column1`, `column2`, … (1-based). */
  readonly columns: readonly string[];
  /** Names of the label columns, in file order. */
  readonly labelColumns: readonly string[];
  /** Each label column's cells, by name: `rows` strings each, unquoted, untrimmed. */
  readonly labels: Readonly<Record<string, readonly string[]>>;
  /** The delimiter used, given or detected. */
  readonly delimiter: string;
  /** Whether the first line was read as a header, given or detected. */
  readonly header: boolean;
}

/** Options of `parseCsv` (and `readCsv`). */
export interface ParseCsvOptions {
  /**
   * The field delimiter, one character. Default: detected from the first lines, among tab,
   * comma, semicolon and pipe: the one that splits them into the most fields, equally many on
   * every line.
   */
  readonly delimiter?: string;
  /**
   * Whether the first line names the columns. Default `'auto'`: it does when one of its cells is
   * not a number where the second line has a number (a header of numbers needs `true`), or when
   * `labelColumns` names a column.
   */
  readonly header?: boolean | 'auto';
  /**
   * Columns carried through as strings (ids, labels) instead of numbers: header names, or column
   * numbers counted from 1 as in a spreadsheet. Default: none, every column is numeric.
   */
  readonly labelColumns?: readonly (string | number)[];
  /** Names the text in messages (a path). Default "CSV text". */
  readonly source?: string;
}

/** A chunked parser: `push` text as it comes, `end` for the table. */
export interface CsvParser {
  push(chunk: string): void;
  end(): CsvTable;
}

/** Delimiters tried by detection, in order of preference when two split equally well. */
const candidates = ['\t', ',', ';', '|'];
const optionKeys = ['delimiter', 'header', 'labelColumns', 'source'];
/** Detection reads this much text (or this many lines) before deciding, or all of a shorter text. */
const sniffChars = 64 * 1024, sniffLines = 50;
const FLOAT32_MAX = 3.4028234663852886e38;
const QUOTE = 34, LF = 10, CR = 13;

/**
 * Parses CSV or TSV text (or its UTF-8 bytes) into a float32 matrix of the numeric columns plus
 * the label columns as strings. RFC 4180: fields may be quoted ("a, b", "say ""hi"""), quoted
 * fields may hold delimiters and line breaks, lines end in LF or CRLF; a leading BOM is
 * skipped, and so are blank lines. Numeric cells are decimal numbers (`12`, `-0.5`, `1e-3`,
 * spaces around them allowed).
 *
 * Every bad cell is an error naming the source, the line (1-based, as an editor counts,
 * header included), the column (number and name) and the text: an empty cell, a word, NaN or
 * Infinity, a number beyond float32; so is a line with more or fewer fields than the first
 * (`BadDataFileError`). Options that do not fit the text (a label column it lacks) are a
 * `BadConfigError`.
 *
 * ```ts
 * const t = parseCsv('id,x,y\na,1,2\nb,3,4.5\n', {labelColumns: ['id']});
 * t.rows; t.cols;   // 2, 2
 * t.data;           // Float32Array [1, 2, 3, 4.5]
 * t.columns;        // ['x', 'y']
 * t.labels.id;      // ['a', 'b']
 * ```
 */
export function parseCsv(text: string | Uint8Array, options: ParseCsvOptions = {}): CsvTable {
  const fn = 'parseCsv';
  const parser = createCsvParser(fn, options);
  parser.push(typeof text === 'string' ? text : decodeUtf8(text, {fn, source: options.source ?? 'CSV text'}));
  return parser.end();
}

/** How `decodeUtf8` names the bytes in messages, and a decoder kept across chunks when streaming. */
interface DecodeOptions {
  readonly fn: string;
  readonly source: string;
  /** A fatal UTF-8 TextDecoder shared by the chunks of one file. Default: a new one. */
  readonly decoder?: InstanceType<typeof TextDecoder>;
  /** More chunks follow (a character may be split between two). Default false. */
  readonly stream?: boolean;
}

/** UTF-8 bytes to text; bytes that are not UTF-8 (a binary or gzipped file) are a BadDataFileError. */
export function decodeUtf8(bytes: Uint8Array, options: DecodeOptions): string {
  const {fn, source, decoder = new TextDecoder('utf-8', {fatal: true}), stream = false} = options;
  try {
    return decoder.decode(bytes, {stream});
  } catch {
    const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
    throw new BadDataFileError(
      `${fn}: ${source} is not UTF-8 text${gzip ? ': it starts with the gzip magic 0x1f 0x8b, gunzip it first' : ', expected a CSV or TSV file'}`,
      source);
  }
}

/**
 * The chunked parser behind `parseCsv` and `readCsv`: `fn` names the caller in messages;
 * `extraKeys` are the caller's own options, allowed beside `ParseCsvOptions`. Chunks may split
 * anywhere (inside a quoted field, between CR and LF).
 */
export function createCsvParser(fn: string, options: ParseCsvOptions, extraKeys: readonly string[] = []): CsvParser {
  const o = checkCsvOptions(fn, options, extraKeys);
  const source = o.source;
  let prefix: string | null = o.delimiter === undefined ? '' : null;
  let prefixLines = 0;
  const table = createTableBuilder(fn, o);
  let tokenizer = o.delimiter === undefined ? null : createTokenizer(fn, source, o.delimiter, table.add);
  let first = true;

  const start = (ended: boolean) => {
    const text = prefix ?? '';
    const delimiter = detectDelimiter(fn, source, text, ended);
    table.setDelimiter(delimiter);
    tokenizer = createTokenizer(fn, source, delimiter, table.add);
    prefix = null;
    tokenizer.push(text);
  };
  return {
    push(chunk) {
      if (first && chunk.length > 0) {
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
        first = false;
      }
      if (prefix === null) {
        tokenizer!.push(chunk);
        return;
      }
      // Collect text until detection has enough lines to look at.
      prefix += chunk;
      for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) prefixLines++;
      if (prefix.length >= sniffChars || prefixLines >= sniffLines) start(false);
    },
    end() {
      if (prefix !== null) start(true);
      tokenizer!.end();
      return table.end();
    },
  };
}

interface CheckedOptions {
  readonly delimiter: string | undefined;
  readonly header: boolean | 'auto';
  readonly labelColumns: readonly (string | number)[];
  readonly source: string;
}

function checkCsvOptions(fn: string, options: ParseCsvOptions, extraKeys: readonly string[]): CheckedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new BadConfigError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  const known = [...optionKeys, ...extraKeys];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new BadConfigError(`${fn}: unknown option ${JSON.stringify(key)}; expected one of ${known.join(', ')}`);
    }
  }
  const {delimiter, header = 'auto', labelColumns = [], source = 'CSV text'} = options;
  if (delimiter !== undefined && (typeof delimiter !== 'string' || delimiter.length !== 1 || '"\r\n'.includes(delimiter))) {
    throw new BadConfigError(`${fn}: delimiter must be one character other than a quote or a line break (such as "," or "\\t"), got ${describe(delimiter)}`);
  }
  if (header !== true && header !== false && header !== 'auto') {
    throw new BadConfigError(`${fn}: header must be true, false or 'auto', got ${describe(header)}`);
  }
  if (!Array.isArray(labelColumns)) {
    throw new BadConfigError(`${fn}: labelColumns must be an array of column names or numbers (counted from 1), got ${describe(labelColumns)}`);
  }
  labelColumns.forEach((c: unknown, i) => {
    if (!(typeof c === 'string' && c.trim() !== '') && !(typeof c === 'number' && Number.isSafeInteger(c) && c >= 1)) {
      throw new BadConfigError(`${fn}: labelColumns[${i}] must be a column name or a column number counted from 1, got ${describe(c)}`);
    }
    if (labelColumns.indexOf(c as string | number) !== i) {
      throw new BadConfigError(`${fn}: labelColumns names ${describe(c)} twice`);
    }
  });
  if (typeof source !== 'string') throw new BadConfigError(`${fn}: source must be a string, got ${describe(source)}`);
  if (header === false && labelColumns.some((c) => typeof c === 'string')) {
    throw new BadConfigError(`${fn}: labelColumns names a column (${describe(labelColumns.find((c) => typeof c === 'string'))}) but header is false; name it by its number (counted from 1)`);
  }
  return {delimiter, header, labelColumns, source};
}

/**
 * The delimiter among `candidates` that splits the first lines into the most fields, equally
 * many on each; a text with one column falls back to a comma. `ended` says the text is whole
 * (else its last line may be cut short and is not looked at).
 */
function detectDelimiter(fn: string, source: string, text: string, ended: boolean): string {
  let best = ',', bestScore = [0, 1];
  for (const delimiter of candidates) {
    const counts: number[] = [];
    const t = createTokenizer(fn, source, delimiter, (fields) => { counts.push(fields.length); });
    try {
      t.push(text);
      if (ended) t.end();
    } catch {
      continue; // this delimiter makes a quoted field malformed: not the one
    }
    if (counts.length === 0) continue;
    const consistent = counts.every((c) => c === counts[0]) ? 1 : 0;
    const score = [consistent, counts[0]];
    if (counts[0] > 1 && (score[0] > bestScore[0] || (score[0] === bestScore[0] && score[1] > bestScore[1]))) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

interface Tokenizer {
  push(chunk: string): void;
  end(): void;
}

/** Tokenizer states: outside quotes, inside a quoted field, just after a quote inside one. */
const Unquoted = 0, Quoted = 1, QuoteInQuoted = 2;

/**
 * Splits text into records of fields (RFC 4180) and hands each to `onRecord` with the line it
 * starts on. Blank lines are skipped. Chunks may split anywhere.
 */
function createTokenizer(
  fn: string, source: string, delimiter: string, onRecord: (fields: string[], line: number) => void,
): Tokenizer {
  const delim = delimiter.charCodeAt(0);
  let fields: string[] = [];
  let field = '';
  let state: number = Unquoted;
  let atFieldStart = true;
  let quotedRecord = false;
  let line = 1, recordLine = 1, quoteLine = 1;
  let pendingCR = false;

  const endField = () => {
    fields.push(field);
    field = '';
    atFieldStart = true;
  };
  const endRecord = (cr: boolean) => {
    endField();
    const blank = !quotedRecord && fields.length === 1 && fields[0].trim() === '';
    if (!blank) onRecord(fields, recordLine);
    fields = [];
    quotedRecord = false;
    line++;
    recordLine = line;
    pendingCR = cr;
  };
  const fail = (at: number, detail: string) => new BadDataFileError(`${fn}: ${source}: line ${at}: ${detail}`, source);

  return {
    push(chunk) {
      const n = chunk.length;
      // The next delimiter, LF and CR at or after i (n when there is none), found by the native
      // indexOf and looked up again only once passed: a character loop in JS is several times slower.
      const find = (s: string, from: number) => { const k = chunk.indexOf(s, from); return k < 0 ? n : k; };
      let nextDelim = -1, nextLF = -1, nextCR = -1;
      let i = 0;
      while (i < n) {
        if (pendingCR) {
          pendingCR = false;
          if (chunk.charCodeAt(i) === LF) { i++; continue; } // the LF of a CRLF
        }
        if (state === Unquoted) {
          if (atFieldStart && chunk.charCodeAt(i) === QUOTE) {
            state = Quoted;
            quotedRecord = true;
            quoteLine = line;
            atFieldStart = false;
            i++;
            continue;
          }
          atFieldStart = false;
          if (nextDelim < i) nextDelim = find(delimiter, i);
          if (nextLF < i) nextLF = find('\n', i);
          if (nextCR < i) nextCR = find('\r', i);
          const j = Math.min(nextDelim, nextLF, nextCR);
          field += chunk.slice(i, j);
          if (j === n) break;
          const c = chunk.charCodeAt(j);
          i = j + 1;
          if (c === delim) endField();
          else endRecord(c === CR);
        } else if (state === Quoted) {
          const j = find('"', i);
          for (let k = chunk.indexOf('\n', i); k >= 0 && k < j; k = chunk.indexOf('\n', k + 1)) line++;
          field += chunk.slice(i, j);
          if (j === n) break;
          state = QuoteInQuoted;
          i = j + 1;
        } else {
          // After a quote inside a quoted field: "" is one literal quote, else the field ended.
          const c = chunk.charCodeAt(i);
          i++;
          if (c === QUOTE) {
            field += '"';
            state = Quoted;
          } else if (c === delim) {
            state = Unquoted;
            endField();
          } else if (c === LF || c === CR) {
            state = Unquoted;
            endRecord(c === CR);
          } else {
            throw fail(line,
              `${JSON.stringify(chunk[i - 1])} follows the closing quote of a quoted field, expected the delimiter ` +
              `${JSON.stringify(delimiter)} or the end of the line (a quote inside a quoted field is written "")`);
          }
        }
      }
    },
    end() {
      if (state === Quoted) {
        throw fail(quoteLine, 'a quoted field opens here and is never closed: the text ends inside quotes');
      }
      state = Unquoted;
      if (!atFieldStart || fields.length > 0) endRecord(false);
    },
  };
}

/** Reading cells into the table: header, label columns, numbers; one record at a time. */
function createTableBuilder(fn: string, o: CheckedOptions) {
  const {source} = o;
  let delimiter = o.delimiter ?? ',';
  // The first two records wait here until the header question is settled.
  const waiting: {fields: string[]; line: number}[] = [];
  let layout: Layout | null = null;
  let firstLine = 0;
  let rows = 0;
  const chunks: Float32Array[] = [];
  let current = new Float32Array(0), used = 0;
  let labelValues: string[][] = [];

  const fail = (detail: string) => new BadDataFileError(`${fn}: ${source}: ${detail}`, source);

  const settle = () => {
    const [a, b] = waiting;
    if (a === undefined) throw fail('is empty, expected lines of numbers (one sample per line, optionally a header line first)');
    const header = o.header === 'auto' ? looksLikeHeader(o, a.fields, b?.fields) : o.header;
    layout = resolveLayout(fn, source, o, a.fields, header);
    labelValues = layout.labelIndices.map(() => []);
    const data = waiting.slice(header ? 1 : 0);
    firstLine = a.line;
    waiting.length = 0;
    for (const r of data) addRow(r.fields, r.line);
  };

  const addRow = (fields: string[], line: number) => {
    const l = layout!;
    if (fields.length !== l.width) {
      throw fail(
        `line ${line} has ${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${l.width} as on line ${firstLine} ` +
        `(fields separated by ${JSON.stringify(delimiter)})`);
    }
    for (let k = 0; k < l.numericIndices.length; k++) {
      const j = l.numericIndices[k];
      if (used === current.length) {
        if (used > 0) chunks.push(current);
        current = new Float32Array(Math.max(1024, Math.min(1 << 20, 2 * used)));
        used = 0;
      }
      const value = decimalValue(fields[j]);
      if (!(Math.abs(value) <= FLOAT32_MAX)) throw fail(cellProblem(fields[j], `line ${line}, ${l.describeColumn(j)}`));
      current[used++] = value;
    }
    for (let k = 0; k < l.labelIndices.length; k++) labelValues[k].push(fields[l.labelIndices[k]]);
    rows++;
  };

  return {
    setDelimiter(d: string) { delimiter = d; },
    add(fields: string[], line: number) {
      if (layout !== null) {
        addRow(fields, line);
        return;
      }
      waiting.push({fields, line});
      if (waiting.length === 2) settle();
    },
    end(): CsvTable {
      if (layout === null) settle();
      const l = layout!;
      if (rows === 0) throw fail(`has a header line (line ${firstLine}) but no data lines, expected rows of numbers after it`);
      const cols = l.numericIndices.length;
      if (rows * cols > maxArrayLength) {
        throw fail(`has ${rows} rows × ${cols} numeric columns = ${rows * cols} values, more than the ${maxArrayLength} one array can hold`);
      }
      const data = new Float32Array(rows * cols);
      let offset = 0;
      for (const c of chunks) { data.set(c, offset); offset += c.length; }
      data.set(current.subarray(0, used), offset);
      const labels: Record<string, string[]> = {};
      l.labelNames.forEach((name, k) => { labels[name] = labelValues[k]; });
      return {data, rows, cols, columns: l.numericNames, labelColumns: l.labelNames, labels, delimiter, header: l.header};
    },
  };
}

/** Which columns hold numbers and which labels, and what to call them. */
interface Layout {
  readonly header: boolean;
  readonly width: number;
  readonly numericIndices: readonly number[];
  readonly numericNames: string[];
  readonly labelIndices: readonly number[];
  readonly labelNames: string[];
  describeColumn(j: number): string;
}

/**
 * The first line is a header when a label column is named, or when one of its cells is not a
 * number where the second line's is (ids in both lines are no evidence); with one line only,
 * when any of its cells is not a number.
 */
function looksLikeHeader(o: CheckedOptions, first: string[], second: string[] | undefined): boolean {
  if (o.labelColumns.some((c) => typeof c === 'string')) return true;
  const skip = new Set(o.labelColumns.map((c) => (c as number) - 1));
  for (let j = 0; j < first.length; j++) {
    if (skip.has(j) || isNumber(first[j])) continue;
    if (second === undefined || (j < second.length && isNumber(second[j]))) return true;
  }
  return false;
}

function resolveLayout(fn: string, source: string, o: CheckedOptions, first: string[], header: boolean): Layout {
  const width = first.length;
  const names = first.map((cell, j) => (header && cell.trim() !== '' ? cell.trim() : `column${j + 1}`));
  const labelIndices = o.labelColumns.map((c) => {
    if (typeof c === 'number') {
      if (c > width) {
        throw new BadConfigError(`${fn}: labelColumns names column ${c}, but ${source} has ${width} column${width === 1 ? '' : 's'}`);
      }
      return c - 1;
    }
    if (!header) {
      throw new BadConfigError(
        `${fn}: labelColumns names ${JSON.stringify(c)}, but the first line of ${source} holds only numbers, so it has no ` +
        'header; name the column by its number (counted from 1), or pass header: true');
    }
    const found = names.flatMap((name, j) => (name === c.trim() ? [j] : []));
    if (found.length === 0) {
      throw new BadConfigError(`${fn}: labelColumns names ${JSON.stringify(c)}, but ${source} has no such column; its columns are ${names.map((n) => JSON.stringify(n)).join(', ')}`);
    }
    if (found.length > 1) {
      throw new BadConfigError(`${fn}: labelColumns names ${JSON.stringify(c)}, which ${source} has ${found.length} times (columns ${found.map((j) => j + 1).join(', ')}); name the column by its number`);
    }
    return found[0];
  });
  const uniqueIndices = new Set(labelIndices);
  if (uniqueIndices.size !== labelIndices.length) {
    throw new BadConfigError(`${fn}: labelColumns names one column of ${source} twice (by name and by number)`);
  }
  labelIndices.sort((a, b) => a - b); // file order, whatever the order asked in
  const labelNames = labelIndices.map((j) => names[j]);
  if (new Set(labelNames).size !== labelNames.length) {
    throw new BadConfigError(`${fn}: two label columns of ${source} have the same name (${labelNames.join(', ')}); rename one in the header`);
  }
  const numericIndices = names.flatMap((_, j) => (uniqueIndices.has(j) ? [] : [j]));
  if (numericIndices.length === 0) {
    throw new BadConfigError(`${fn}: every column of ${source} is a label column, expected at least one column of numbers`);
  }
  return {
    header, width, numericIndices, labelIndices, labelNames,
    numericNames: numericIndices.map((j) => names[j]),
    describeColumn: (j) => (header ? `column ${j + 1} (${JSON.stringify(names[j])})` : `column ${j + 1}`),
  };
}

function isNumber(cell: string): boolean {
  return !Number.isNaN(decimalValue(cell));
}

const SPACE = 32, TAB = 9, PLUS = 43, MINUS = 45, DOT = 46, ZERO = 48, NINE = 57, E = 101, BIG_E = 69;

/**
 * The value of a decimal number written as [+-]digits[.digits][e[+-]digits] (spaces around it
 * allowed), else NaN. A scan rather than a regular expression or `Number` alone: `Number` also
 * takes "", "0x10", "0b1" and "Infinity", and this runs once per cell.
 */
function decimalValue(cell: string): number {
  let i = 0, n = cell.length;
  while (i < n && (cell.charCodeAt(i) === SPACE || cell.charCodeAt(i) === TAB)) i++;
  while (n > i && (cell.charCodeAt(n - 1) === SPACE || cell.charCodeAt(n - 1) === TAB)) n--;
  let k = i;
  if (k < n && (cell.charCodeAt(k) === PLUS || cell.charCodeAt(k) === MINUS)) k++;
  const intEnd = digitsEnd(cell, k, n);
  let digits = intEnd - k;
  k = intEnd;
  if (k < n && cell.charCodeAt(k) === DOT) {
    const fracEnd = digitsEnd(cell, k + 1, n);
    digits += fracEnd - k - 1;
    k = fracEnd;
  }
  if (digits === 0) return NaN;
  if (k < n && (cell.charCodeAt(k) === E || cell.charCodeAt(k) === BIG_E)) {
    let e = k + 1;
    if (e < n && (cell.charCodeAt(e) === PLUS || cell.charCodeAt(e) === MINUS)) e++;
    const expEnd = digitsEnd(cell, e, n);
    if (expEnd === e) return NaN;
    k = expEnd;
  }
  return k === n ? Number(cell.slice(i, n)) : NaN;
}

/** The end of the run of digits of `cell` that starts at k (before n). */
function digitsEnd(cell: string, k: number, n: number): number {
  while (k < n && cell.charCodeAt(k) >= ZERO && cell.charCodeAt(k) <= NINE) k++;
  return k;
}

/** Why `cell` is not a float32 number, for the message: where it is, then what is wrong. */
function cellProblem(cell: string, where: string): string {
  const text = cell.trim();
  if (text === '') return `${where} is empty, expected a number (missing values are not supported: fill or drop them first)`;
  if (/^[+-]?(nan|inf|infinity)$/i.test(text)) {
    return `${where}: ${JSON.stringify(cell)} is not a finite number, expected a number (NaN and Infinity are refused)`;
  }
  if (!Number.isNaN(decimalValue(cell))) return `${where}: ${JSON.stringify(cell)} is beyond the float32 range (±3.4e38)`;
  return `${where}: ${JSON.stringify(cell)} is not a number, expected a decimal number such as 3, -0.5 or 1e-3 ` +
    '(if the column holds ids or labels, pass it in labelColumns)';
}
