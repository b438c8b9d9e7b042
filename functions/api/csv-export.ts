import { type CallRecord, nanoToUsd } from 'claude-monitor/domain';
import { stringify } from 'csv-stringify/sync';

/** Byte-order mark so that Excel opens the file as UTF-8. */
export const UTF8_BOM = '\uFEFF';

/** Column name → value of a record. The documented column list of the CSV export, in order. */
export const CSV_COLUMNS: readonly [string, (r: CallRecord) => string | number | boolean | undefined][] = [
  ['call_id', (r) => r.callId],
  ['timestamp', (r) => r.timestamp],
  ['model', (r) => r.model],
  ['requested_model', (r) => r.requestedModel],
  ['provider', (r) => r.provider],
  ['operation', (r) => r.operation],
  ['beta', (r) => r.beta],
  ['status', (r) => r.status],
  ['error_type', (r) => r.errorType],
  ['http_status', (r) => r.httpStatus],
  ['session_id', (r) => r.sessionId],
  ['user_id', (r) => r.userId],
  ['tenant_id', (r) => r.tenantId],
  ['function_name', (r) => r.functionName],
  ['input_tokens', (r) => r.usage?.inputTokens],
  ['output_tokens', (r) => r.usage?.outputTokens],
  ['cache_write_5m_tokens', (r) => r.usage?.cacheWrite5mTokens],
  ['cache_write_1h_tokens', (r) => r.usage?.cacheWrite1hTokens],
  ['cache_read_tokens', (r) => r.usage?.cacheReadTokens],
  ['web_search_requests', (r) => r.usage?.webSearchRequests],
  ['web_fetch_requests', (r) => r.usage?.webFetchRequests],
  ['cost_usd', (r) => (r.cost ? nanoToUsd(r.cost.totalNanoUsd, 9) : undefined)],
  ['cost_nano_usd', (r) => r.cost?.totalNanoUsd],
  ['priced', (r) => r.cost?.priced],
  ['price_version', (r) => r.cost?.priceVersion],
  ['latency_ms', (r) => r.latencyMs],
  ['ttft_ms', (r) => r.ttftMs],
  ['attempts', (r) => r.attempts],
  ['stop_reason', (r) => r.stopReason],
  ['service_tier', (r) => r.serviceTier],
  ['request_id', (r) => r.requestId],
  ['error_message', (r) => r.errorMessage],
  ['tags', (r) => r.tags?.join(' ')],
  ['budget_outcome', (r) => r.budget?.outcome],
];

/**
 * A spreadsheet runs a cell that starts with one of these as a formula; prefixing `'` makes it text (the
 * OWASP CSV injection advice: `=`, `+`, `-`, `@`, tab, carriage return), plus a line feed and the full-width
 * and small forms of `=`, `+`, `-` and `@`, which spreadsheets read as the plain ones. Only text cells are
 * touched, so numbers stay numbers.
 * @see https://owasp.org/www-community/attacks/CSV_Injection
 */
const FORMULA_START = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B]/;

export const neutraliseCell = (value: string | number | boolean | undefined): string | number => {
  if (value === undefined) return '';
  if (typeof value !== 'string') return typeof value === 'boolean' ? String(value) : value;
  return FORMULA_START.test(value) ? `'${value}` : value;
};

/** CSV (RFC 4180, CRLF) of one page; the first page starts with the BOM and the header row. */
export const callsToCsv = (calls: readonly CallRecord[], firstPage: boolean): string => {
  const rows = calls.map((call) => CSV_COLUMNS.map(([, read]) => neutraliseCell(read(call))));
  // A lone CR or LF is not the record delimiter, so it is quoted explicitly (RFC 4180: any line break).
  const body = stringify(rows, { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
  if (!firstPage) return body;
  return UTF8_BOM + stringify([CSV_COLUMNS.map(([name]) => name)], { record_delimiter: 'windows' }) + body;
};
