import { describe, expect, it } from 'vitest';
import { MESSAGES, messageSchema } from '../../src/contract/messages.js';
import { parseUploads } from '../../src/research/uploads.js';
import { ALPHA_CSV_COLUMNS, AlphaCsvError, parseAlphaCsv } from '../../src/sources/alpha/index.js';
import { messagesEn } from '../../web/src/i18n/locales/messages.en.js';
import { messagesZhCN } from '../../web/src/i18n/locales/messages.zh-CN.js';

const HEADER = ALPHA_CSV_COLUMNS.join(',');
const GOOD = '2024-01-03,10,11,9,10.5,10.5,1000,0,1';

function issuesOf(text: string) {
  try {
    parseAlphaCsv(text, 'AAPL.csv', 'AAPL');
  } catch (error) {
    if (error instanceof AlphaCsvError) return error.issues;
    throw error;
  }
  throw new Error('the file was accepted');
}

/** Issue 17: import errors reach the UI as IMPORT_LINE_INVALID (file, line, field, problem), not English. */
describe('import line errors as catalogued messages', () => {
  it('each bad line of a price file names its file, line, field and a translatable problem', () => {
    const issues = issuesOf(
      [HEADER, GOOD, 'yesterday,1,1,1,1,1,1,0,1', '2024-01-04,10,11,9,-2,10.5,1000,0,1', GOOD, '1,2'].join(
        '\n',
      ),
    );
    expect(issues.map((issue) => issue.text)).toEqual([
      {
        code: 'IMPORT_LINE_INVALID',
        params: { file: 'AAPL.csv', line: 3, field: 'timestamp', problem: 'not-a-date', detail: 'yesterday' },
      },
      {
        code: 'IMPORT_LINE_INVALID',
        params: { file: 'AAPL.csv', line: 4, field: 'close', problem: 'not-positive', detail: '-2' },
      },
      {
        code: 'IMPORT_LINE_INVALID',
        params: {
          file: 'AAPL.csv',
          line: 5,
          field: 'timestamp',
          problem: 'duplicate-date',
          detail: '2024-01-03',
        },
      },
      {
        code: 'IMPORT_LINE_INVALID',
        params: { file: 'AAPL.csv', line: 6, field: 'row', problem: 'field-count', detail: '2/9' },
      },
    ]);
    for (const issue of issues) expect(messageSchema.safeParse(issue.text).success).toBe(true);
    // The English text for logs and the CLI is still there.
    expect(issues[0]?.message).toContain('is not a date');
    expect(issuesOf('wrong,header\n1,2')[0]?.text.params).toMatchObject({
      problem: 'wrong-columns',
      line: 1,
    });
    expect(issuesOf(`${HEADER}\n`)[0]?.text.params).toMatchObject({ problem: 'no-rows' });
  });

  it('an upload rejected for bad lines carries the messages to the API answer', () => {
    const { rejected } = parseUploads([
      { name: 'MSFT.csv', content: `${HEADER}\n2024-13-01,1,1,1,1,1,1,0,1\n` },
    ]);
    expect(rejected[0]?.errors[0]?.text).toMatchObject({
      code: 'IMPORT_LINE_INVALID',
      params: { file: 'MSFT.csv', line: 2, problem: 'not-a-date' },
    });
  });

  it('every problem has a name in both languages', () => {
    expect(MESSAGES.IMPORT_LINE_INVALID.params.problem).toBe('importProblem');
    expect(Object.keys(messagesZhCN.enums.importProblem).sort()).toEqual(
      Object.keys(messagesEn.enums.importProblem).sort(),
    );
    expect(messagesZhCN.codes.IMPORT_LINE_INVALID).toContain('{{problem}}');
  });
});
