import type { Summary } from '../../functions/api/queries';
import { LocalStackError, MonitorApiError } from './local-stack-errors';

export interface ExportPage {
  count: number;
  calls: Record<string, unknown>[];
  next_cursor: string | null;
}

/** Reads the monitoring API of a running stack with its bearer token, as a script would. */
export class MonitorApiClient {
  public constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  public async get(path: string): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (!response.ok) throw new MonitorApiError(path, response.status, await response.text());
    return response;
  }

  public async json<T>(path: string): Promise<T> {
    return (await (await this.get(path)).json()) as T;
  }

  public summary(hours = 24): Promise<Summary> {
    return this.json<Summary>(`/api/monitoring/summary?hours=${hours}`);
  }

  /**
   * Polls the summary of the last `hours` until it counts at least `calls` calls: the aggregator runs behind
   * the table's stream, so what was just recorded shows up a moment later.
   */
  public async waitForCalls(calls: number, timeoutMs = 30_000, hours = 24): Promise<Summary> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const summary = await this.summary(hours);
      if (summary.total_calls >= calls) return summary;
      if (Date.now() > deadline) {
        throw new LocalStackError(
          `the stack counted ${summary.total_calls} calls after ${timeoutMs / 1000} s, expected ${calls}: is the aggregator running?`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Every raw call record of the window, following the export's pages. */
  public async exportJson(hours = 24): Promise<Record<string, unknown>[]> {
    const calls: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: ExportPage = await this.json<ExportPage>(
        `/api/monitoring/export?format=json&hours=${hours}${query}`,
      );
      calls.push(...page.calls);
      cursor = page.next_cursor;
    } while (cursor);
    return calls;
  }

  /** The CSV export of the window, pages joined (only the first page carries the header). */
  public async exportCsv(hours = 24): Promise<string> {
    let csv = '';
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const response = await this.get(`/api/monitoring/export?format=csv&hours=${hours}${query}`);
      csv += await response.text();
      cursor = response.headers.get('x-next-cursor');
    } while (cursor);
    return csv;
  }
}
