import { describe, expect, it } from 'vitest';
import {
  filterLine,
  filterSummary,
  filtersOf,
  hasLinkedFilters,
  REPORT_FILTERS,
  reportRequestBody,
  reportWindow,
} from '../../console/src/report-filters.js';
import { REPORT_PARAMS } from '../../functions/shared/model/search-filters.js';
import { reportRequestSchema } from '../../functions/shared/reports/reports.js';

const NOW = Date.parse('2026-11-30T12:34:56.789Z');

describe('console report filters', () => {
  it('labels exactly the filters POST /reports takes (besides from/to)', () => {
    expect([...REPORT_FILTERS].sort()).toEqual(
      REPORT_PARAMS.filter((p) => p !== 'from' && p !== 'to').sort(),
    );
  });

  it("takes the report's filters from the page URL, leaving out page state and empty values", () => {
    const url = {
      source: 'cis,verify',
      type: 'user_login',
      user: 'ada@example.com',
      ip: '',
      range: '7d',
      tz: 'local',
      report: '01ABC',
      before: '01XYZ',
      format: 'ndjson',
      cursor: 'c',
    };
    expect(filtersOf(url)).toEqual({ source: 'cis,verify', type: 'user_login', user: 'ada@example.com' });
    expect(hasLinkedFilters(url)).toBe(true);
    expect(hasLinkedFilters({ source: 'cis', type: 'user_login', range: '1h' })).toBe(false);
  });

  it('resolves the range when the report is requested: relative, custom, or the default 24 hours', () => {
    expect(reportWindow({ range: '1h' }, NOW)).toEqual({
      from: '2026-11-30T11:35:00.000Z',
      to: '2026-11-30T12:34:59.999Z',
    });
    expect(
      reportWindow({ range: 'custom', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }, NOW),
    ).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' });
    // from/to without a range (a link spelling the window out) are a custom range.
    expect(reportWindow({ from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }, NOW).from).toBe(
      '2026-11-01T00:00:00.000Z',
    );
    expect(reportWindow({}, NOW)).toEqual({
      from: '2026-11-29T12:35:00.000Z',
      to: '2026-11-30T12:34:59.999Z',
    });
  });

  it('builds a request body the API accepts', () => {
    const body = reportRequestBody(
      { source: 'cis,verify,risk', type: 'user_login,user_logout', user_id: 'u-1', range: '24h', tz: 'utc' },
      'csv',
      NOW,
    );
    expect(body).toEqual({
      source: 'cis,verify,risk',
      type: 'user_login,user_logout',
      user_id: 'u-1',
      from: '2026-11-29T12:35:00.000Z',
      to: '2026-11-30T12:34:59.999Z',
      format: 'csv',
    });
    expect(reportRequestSchema.safeParse(body).success).toBe(true);
  });

  it('summarises filters with the display names of sources and types', () => {
    expect(
      filterSummary({
        source: 'cis,admin',
        type: 'user_login,not_a_type',
        category: 'journeys',
        app_id: 'web',
      }),
    ).toEqual([
      { filter: 'source', label: 'Source', value: 'Customer identity, Admin activities' },
      { filter: 'type', label: 'Event type', value: 'User login (user_login), not_a_type' },
      { filter: 'app_id', label: 'App', value: 'web' },
      { filter: 'category', label: 'Category', value: 'Journeys' },
    ]);
    expect(filterLine({ journey_id: 'signup', from: 'x' })).toBe('Journey: signup');
    expect(filterLine({})).toBe('All events');
  });
});
