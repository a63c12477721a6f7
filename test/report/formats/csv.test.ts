import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, toCsv } from '../../../functions/report/formats/csv.ts';
import { HOSTILE, hostileResult, sampleResult } from '../sample-result.ts';

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (char === '"') {
        quoted = false;
        i += 1;
        if (i < text.length && text[i] !== ',' && text[i] !== '\r')
          throw new Error(`text after a quote at ${i}`);
      } else {
        field += char;
        i += 1;
      }
    } else if (char === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      i += 1;
    } else if (char === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (char === '\n' || char === '\r') {
      throw new Error(`bare line break outside quotes at ${i}`);
    } else {
      field += char;
      i += 1;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
}

describe('toCsv', () => {
  it('has a header row and one row per finding, every row as wide as the header', () => {
    const result = sampleResult();
    const rows = parseCsv(toCsv(result));

    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows[0]).toEqual([
      'checkId',
      'status',
      'severity',
      'responsibility',
      'kind',
      'namespace',
      'name',
      'path',
      'message',
      'frameworks',
    ]);
    expect(rows).toHaveLength(result.findings.length + 1);
    for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length);
    expect(rows[3]).toEqual([
      'eks-logging-control-plane-enabled',
      'fail',
      'high',
      'shared',
      'Cluster',
      '',
      'prod-eu-1',
      'logging.clusterLogging',
      'Log types audit, authenticator are not enabled.',
      'cis-eks-1.8.0 2.1.1; nsa-cisa-1.2 logging',
    ]);
  });

  it('quotes commas, quotes and line breaks, and the values read back unchanged', () => {
    const rows = parseCsv(toCsv(hostileResult()));
    const hostile = rows.filter((row) => row[0] === 'hostile-names-check');

    expect(hostile).toHaveLength(4);
    expect(hostile[0]?.[5]).toBe(HOSTILE.cdataEnd);
    expect(hostile[0]?.[6]).toBe(HOSTILE.controls);
    expect(hostile[0]?.[7]).toBe(HOSTILE.lines);
    expect(hostile[2]?.[8]).toBe(`${HOSTILE.quotesAndCommas} ${HOSTILE.emoji}`);
    expect(hostile[3]?.[8]).toBe(HOSTILE.lines);
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    const rows = parseCsv(toCsv(hostileResult()));
    const hostile = rows.filter((row) => row[0] === 'hostile-names-check');

    expect(hostile[1]?.[5]).toBe(`'${HOSTILE.formula}`);
    expect(hostile[1]?.[6]).toBe(`'${HOSTILE.plus}`);
    expect(hostile[1]?.[7]).toBe(`'${HOSTILE.at}`);
    expect(hostile[1]?.[8]).toBe(`'${HOSTILE.minus}`);
    expect(hostile[2]?.[6]).toBe(`'${HOSTILE.tab}`);
    for (const row of rows) {
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('writes each field as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('=HYPERLINK("x","y")')).toBe('"\'=HYPERLINK(""x"",""y"")"');
    expect(csvField('\r=1')).toBe('"\'\r=1"');
    expect(csvField(undefined)).toBe('');
    expect(csvField('a-b')).toBe('a-b');
  });

  it('ends every record, the last one too, with CRLF', () => {
    const text = toCsv(sampleResult());
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/"[^"]*"/g, '')).not.toMatch(/[^\r]\n/);
  });
});
