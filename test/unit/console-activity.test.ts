import { describe, expect, it } from 'vitest';
import {
  type ActivityState,
  ADMIN_ACTIVITY,
  activeChips,
  aggregateParams,
  bucketRange,
  clearFilters,
  describeWindow,
  filteredLink,
  groupOf,
  histogramInterval,
  histogramSeries,
  nextPage,
  pageNumber,
  pageSize,
  previousPage,
  relatedLinks,
  removeChip,
  reportLink,
  searchParams,
  typeName,
  USER_ACTIVITY,
} from '../../console/src/activity-view.js';
import { diffChanges, formatValue, sameValue, summarizeChanges } from '../../console/src/changes-diff.js';
import {
  formatTime,
  fromInputValue,
  intervalFor,
  resolveRange,
  toInputValue,
} from '../../console/src/time-range.js';
import { filterTypeGroups, toggleGroup, toggleType, typeGroups } from '../../console/src/type-groups.js';
import { CATALOG } from '../../functions/shared/model/catalog.js';

const NOW = Date.parse('2026-11-30T12:34:56.789Z');
const W24 = resolveRange('24h', undefined, undefined, NOW);

describe('console time ranges', () => {
  it('ends a relative range at the end of the current minute, so queries within a minute share it', () => {
    expect(W24).toEqual({
      from: '2026-11-29T12:35:00.000Z',
      to: '2026-11-30T12:34:59.999Z',
      interval: '15m',
    });
    expect(resolveRange('24h', undefined, undefined, NOW + 2_000)).toEqual(W24);
    expect(resolveRange('15m', undefined, undefined, NOW).interval).toBe('1m');
    expect(resolveRange('7d', undefined, undefined, NOW).interval).toBe('1h');
    expect(resolveRange('30d', undefined, undefined, NOW).interval).toBe('1d');
  });

  it('takes a custom range as given, and falls back to 24 h for an unknown or inverted one', () => {
    const custom = resolveRange('custom', '2026-11-01T00:00:00Z', '2026-11-01T06:00:00Z', NOW);
    expect(custom).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-01T06:00:00.000Z',
      interval: '5m',
    });
    expect(resolveRange('custom', '2026-11-02T00:00:00Z', '2026-11-01T00:00:00Z', NOW)).toEqual(W24);
    expect(resolveRange('bogus', undefined, undefined, NOW)).toEqual(W24);
    expect(intervalFor(60 * 60_000)).toBe('1m');
    expect(intervalFor(400 * 86_400_000)).toBe('1d');
  });

  it('formats times in UTC and converts datetime-local values both ways', () => {
    expect(formatTime('2026-11-30T08:05:09.123Z', 'utc')).toBe('2026-11-30 08:05:09');
    expect(formatTime('2026-11-30T08:05:09.123Z', 'utc', false)).toBe('2026-11-30 08:05');
    expect(formatTime('not a time', 'utc')).toBe('not a time');
    expect(toInputValue('2026-11-30T08:05:00.000Z', 'utc')).toBe('2026-11-30T08:05');
    expect(fromInputValue('2026-11-30T08:05', 'utc')).toBe('2026-11-30T08:05:00.000Z');
    expect(fromInputValue('', 'utc')).toBeUndefined();
    const local = fromInputValue('2026-11-30T08:05', 'local') as string;
    expect(toInputValue(local, 'local')).toBe('2026-11-30T08:05');
  });

  it('draws histograms of windows older than the minute counters by the hour', () => {
    const old = resolveRange('custom', '2026-11-01T00:00:00Z', '2026-11-01T06:00:00Z', NOW);
    expect(histogramInterval(old, NOW)).toBe('1h');
    expect(histogramInterval(W24, NOW)).toBe('15m');
    expect(bucketRange('2026-11-30T10:00:00.000Z', '15m')).toEqual({
      from: '2026-11-30T10:00:00.000Z',
      to: '2026-11-30T10:14:59.999Z',
    });
    expect(describeWindow('24h', W24, 'utc')).toBe('Last 24 hours');
    expect(describeWindow('custom', W24, 'utc')).toBe('2026-11-29 12:35 to 2026-11-30 12:34 UTC');
  });
});

describe('activity views: what the pages ask the API', () => {
  const state: ActivityState = {
    type: 'user_login,sms_sent',
    user: ' ada@example.com ',
    app_id: 'app-web',
    journey_id: 'onboarding',
    actor_id: 'ignored-on-user-activity',
    cursor: 'c1',
    limit: '25',
    event: 'e1',
    group: 'app_id',
  };

  it('searches the user sources with the filters, the window, the page and enrichment', () => {
    expect(searchParams(USER_ACTIVITY, state, W24)).toEqual({
      source: 'cis,verify,risk',
      type: 'user_login,sms_sent',
      user: 'ada@example.com',
      app_id: 'app-web',
      journey_id: 'onboarding',
      from: W24.from,
      to: W24.to,
      limit: '25',
      cursor: 'c1',
      enrich: 'true',
    });
    expect(
      searchParams(ADMIN_ACTIVITY, { actor_id: 'adm-1', target_resource_type: 'app' }, W24),
    ).toMatchObject({
      source: 'admin',
      actor_id: 'adm-1',
      target_resource_type: 'app',
      limit: '50',
    });
    expect(pageSize({ limit: '7' })).toBe(50);
  });

  it('aggregates the same filters, grouped, without paging parameters', () => {
    const p = aggregateParams(USER_ACTIVITY, state, W24, { groupBy: 'type', top: 8, interval: '15m' });
    expect(p).toEqual({
      source: 'cis,verify,risk',
      type: 'user_login,sms_sent',
      user: 'ada@example.com',
      app_id: 'app-web',
      journey_id: 'onboarding',
      from: W24.from,
      to: W24.to,
      group_by: 'type',
      top: '8',
      interval: '15m',
    });
    expect(groupOf(USER_ACTIVITY, state)).toBe('app_id');
    expect(groupOf(USER_ACTIVITY, { group: 'actor_id' })).toBe('type');
    expect(groupOf(ADMIN_ACTIVITY, { group: 'actor_id' })).toBe('actor_id');
  });

  it('links a report of exactly these events, with the window as absolute times', () => {
    const url = new URL(reportLink(USER_ACTIVITY, state, W24), 'http://x');
    expect(url.pathname).toBe('/reports');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      source: 'cis,verify,risk',
      type: 'user_login,sms_sent',
      user: 'ada@example.com',
      app_id: 'app-web',
      journey_id: 'onboarding',
      from: W24.from,
      to: W24.to,
    });
  });

  it('shows the filters as chips, one per type, and removes one at a time', () => {
    const chips = activeChips(USER_ACTIVITY, state);
    expect(chips.map((c) => `${c.label}: ${c.text}`)).toEqual([
      'Event type: User login',
      'Event type: SMS sent',
      'User: ada@example.com',
      'App: app-web',
      'Journey: onboarding',
    ]);
    expect(removeChip(state, chips[0] as (typeof chips)[number])).toEqual({ type: 'sms_sent' });
    expect(removeChip(state, chips[1] as (typeof chips)[number])).toEqual({ type: 'user_login' });
    expect(removeChip(state, chips[4] as (typeof chips)[number])).toEqual({ journey_id: undefined });
    const many = activeChips(USER_ACTIVITY, { type: 'a1,a2,a3,a4,a5' });
    expect(many).toEqual([{ key: 'type', value: 'a1,a2,a3,a4,a5', label: 'Event type', text: '5 selected' }]);
    expect(removeChip({ type: 'a1,a2,a3,a4,a5' }, many[0] as (typeof many)[number])).toEqual({
      type: undefined,
    });
    expect(activeChips(ADMIN_ACTIVITY, { actor_type: 'client' })[0]?.text).toBe('Client (API)');
    expect(Object.keys(clearFilters(USER_ACTIVITY))).toEqual(USER_ACTIVITY.filters.map((f) => f.key));
  });

  it('links related events keeping the time range (relative ranges drop stale from/to)', () => {
    const s: ActivityState = { range: '7d', tz: 'local', from: 'x', to: 'y', type: 'user_login' };
    expect(filteredLink('/user-activity', { user: 'usr-1' }, s)).toBe(
      '/user-activity?user=usr-1&range=7d&tz=local',
    );
    const c: ActivityState = {
      range: 'custom',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-02T00:00:00.000Z',
    };
    expect(filteredLink('/user-activity', { session_id: 's 1' }, c)).toBe(
      '/user-activity?session_id=s+1&range=custom&from=2026-11-01T00%3A00%3A00.000Z&to=2026-11-02T00%3A00%3A00.000Z',
    );
    const base = { id: 'e', tenant_id: 't', timestamp: 'x', received_at: 'x' };
    const user = relatedLinks(
      {
        ...base,
        type: 'action_start',
        source: 'cis',
        user_id: 'u1',
        data: { session_id: 's1', journey_id: 'j1' },
      },
      { range: '24h' },
    );
    expect(user).toEqual([
      { to: '/user-activity?user=u1&range=24h', text: 'All events of this user' },
      { to: '/user-activity?session_id=s1&range=24h', text: 'All events of this session' },
      { to: '/user-activity?journey_id=j1&range=24h', text: 'All events of this journey' },
    ]);
    const admin = relatedLinks(
      {
        ...base,
        type: 'adminUpdateUser',
        source: 'admin',
        actor_id: 'adm-1',
        target_resource_id: 'u9',
        target_resource_type: 'user',
      },
      {},
    );
    expect(admin.map((l) => l.to)).toEqual([
      '/admin-activity?actor_id=adm-1',
      '/admin-activity?target_resource_id=u9&target_resource_type=user',
      '/user-activity?user=u9',
    ]);
  });

  it('pages back through the cursors it came through', () => {
    let back: string[] = [];
    let cursor: string | undefined;
    expect(pageNumber(back, cursor)).toBe(1);
    ({ back, cursor } = nextPage(back, cursor, 'c2'));
    ({ back, cursor } = nextPage(back, cursor, 'c3'));
    expect({ back, cursor, page: pageNumber(back, cursor) }).toEqual({
      back: ['', 'c2'],
      cursor: 'c3',
      page: 3,
    });
    ({ back, cursor } = previousPage(back));
    expect({ back, cursor }).toEqual({ back: [''], cursor: 'c2' });
    ({ back, cursor } = previousPage(back));
    expect({ back, cursor, page: pageNumber(back, cursor) }).toEqual({
      back: [],
      cursor: undefined,
      page: 1,
    });
  });

  it('stacks the histogram by the top groups and sums the rest as Other', () => {
    const s = histogramSeries(
      {
        from: 'a',
        to: 'b',
        interval: '1h',
        group_by: ['app_id'],
        total: 10,
        groups: [
          { key: { app_id: 'app-web' }, count: 6 },
          { key: { app_id: null }, count: 2 },
        ],
        other: 2,
        series: [
          { t: 't0', count: 7, groups: { 'app-web': 5, '(none)': 1 }, other: 1 },
          { t: 't1', count: 3, groups: { 'app-web': 1, '(none)': 1 }, other: 1 },
        ],
        counted_from: 'counters',
      },
      (v) => `name of ${v}`,
    );
    expect(s).toEqual({
      buckets: ['t0', 't1'],
      total: 10,
      datasets: [
        { key: 'app-web', label: 'name of app-web', counts: [5, 1] },
        { key: '(none)', label: '(none)', counts: [1, 1] },
        { key: '(other)', label: 'Other', counts: [1, 1], other: true },
      ],
    });
  });

  it('names types by the catalog, and unknown ones from their id', () => {
    expect(typeName('session_end')).toBe('Journey completed successfully');
    expect(typeName('createStream')).toBe('Create stream');
    expect(typeName('my_custom_thing')).toBe('My custom thing');
  });
});

describe('the changes diff', () => {
  it('says what was added, removed, changed or left alone', () => {
    expect(
      diffChanges({
        status: { prev: 'active', current: 'suspended' },
        nickname: { prev: null, current: 'Ada' },
        phone: { prev: '+1 555', current: null },
        roles: { prev: ['a'], current: ['a'] },
        count: { current: 3 },
      }),
    ).toEqual([
      { path: 'status', kind: 'changed', prev: 'active', current: 'suspended' },
      { path: 'nickname', kind: 'added', prev: 'null', current: 'Ada' },
      { path: 'phone', kind: 'removed', prev: '+1 555', current: 'null' },
      { path: 'roles', kind: 'unchanged', prev: '["a"]', current: '["a"]' },
      { path: 'count', kind: 'added', prev: undefined, current: '3' },
    ]);
  });

  it('compares nested objects field by field and lists which list items came and went', () => {
    const rows = diffChanges({
      settings: {
        prev: { mfa: { required: false, methods: ['sms'] }, theme: 'dark' },
        current: { mfa: { required: true, methods: ['sms', 'passkey'] }, theme: 'dark', locale: 'en' },
      },
      redirect_uris: {
        prev: ['https://old.example/cb', 'https://keep'],
        current: ['https://keep', 'https://new'],
      },
    });
    expect(rows).toEqual([
      { path: 'settings.mfa.required', kind: 'changed', prev: 'false', current: 'true' },
      {
        path: 'settings.mfa.methods',
        kind: 'changed',
        prev: '["sms"]',
        current: '["sms","passkey"]',
        items: { added: ['passkey'], removed: [] },
      },
      { path: 'settings.theme', kind: 'unchanged', prev: 'dark', current: 'dark' },
      { path: 'settings.locale', kind: 'added', prev: undefined, current: 'en' },
      {
        path: 'redirect_uris',
        kind: 'changed',
        prev: '["https://old.example/cb","https://keep"]',
        current: '["https://keep","https://new"]',
        items: { added: ['https://new'], removed: ['https://old.example/cb'] },
      },
    ]);
  });

  it('takes anything: no changes, or changes not in {prev, current} form', () => {
    expect(diffChanges(undefined)).toEqual([]);
    expect(diffChanges([1, 2])).toEqual([]);
    expect(diffChanges({ raw: 5 })).toEqual([
      { path: 'raw', kind: 'changed', prev: undefined, current: '5' },
    ]);
    expect(formatValue({ b: 1 })).toBe('{"b":1}');
    expect(sameValue({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
  });

  it('summarizes the changes in a line for the table', () => {
    expect(
      summarizeChanges({
        mfa_required: { prev: false, current: true },
        session_lifetime_minutes: { prev: 60, current: 30 },
        note: { prev: 'x'.repeat(40), current: 'y' },
        same: { prev: 1, current: 1 },
      }),
    ).toBe('mfa_required: false → true; session_lifetime_minutes: 60 → 30; +1 more');
    expect(summarizeChanges({ note: { prev: 'x'.repeat(40), current: null } })).toBe(
      `note: ${'x'.repeat(23)}… → null`,
    );
    expect(summarizeChanges({})).toBe('');
  });
});

describe('the event type picker', () => {
  it('offers every catalog type of the page sources once, grouped by source and category', () => {
    const groups = typeGroups(['cis', 'verify', 'risk']);
    const offered = groups.flatMap((g) => g.types.map((t) => t.type));
    const expected = CATALOG.filter((t) => t.source !== 'admin').map((t) => t.type);
    expect([...offered].sort()).toEqual([...expected].sort());
    expect(groups.map((g) => g.legend)).toEqual([
      'Customer identity: User management and authentication',
      'Customer identity: Journeys',
      'Identity verification (verify)',
      'Fraud prevention (risk)',
      'Customer identity: 1Kosmos logins',
      'Customer identity: 1Kosmos onboarding',
      'Customer identity: 1Kosmos authentication',
      '1Kosmos authentication policy (risk)',
    ]);
    const admin = typeGroups(['admin']);
    expect(admin.map((g) => g.id)).toEqual(['admin-portal', 'admin-service', 'admin-audit-log']);
    expect(admin[1]?.types.map((t) => t.type).sort()).toEqual(
      [
        'createStream',
        'deleteStream',
        'reportGenerated',
        'reportRequested',
        'updateDirectory',
        'updateStream',
      ].sort(),
    );
  });

  it('narrows by name, id or description and drops empty groups', () => {
    const groups = typeGroups(['cis', 'verify', 'risk']);
    const risk = filterTypeGroups(groups, 'RISK');
    expect(risk.flatMap((g) => g.types.map((t) => t.type))).toContain('risk_recommendation');
    expect(filterTypeGroups(groups, 'journey started').flatMap((g) => g.types.map((t) => t.type))).toEqual([
      'session_start',
    ]);
    expect(filterTypeGroups(groups, 'zzz-nothing')).toEqual([]);
    expect(filterTypeGroups(groups, '  ')).toHaveLength(groups.length);
  });

  it('toggles one type or a whole group', () => {
    expect(toggleType(['a'], 'b', true)).toEqual(['a', 'b']);
    expect(toggleType(['a', 'b'], 'a', false)).toEqual(['b']);
    expect(toggleType(['a'], 'a', true)).toEqual(['a']);
    const [risk] = filterTypeGroups(typeGroups(['risk']), '');
    if (!risk) throw new Error('no risk group');
    expect(toggleGroup(['user_login'], risk, true)).toEqual(['user_login', 'risk_recommendation']);
    expect(toggleGroup(['user_login', 'risk_recommendation'], risk, false)).toEqual(['user_login']);
  });
});
