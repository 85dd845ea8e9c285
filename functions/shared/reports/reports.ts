import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { enrichEvents, newDirectoryCache } from '../directory/index.js';
import { type Actor, auditEvent, recordAudit } from '../ingest/index.js';
import { expiresAt } from '../log/index.js';
import {
  type ActivityEvent,
  notFound,
  parseWith,
  REPORT_PARAMS,
  type ReportParam,
  SEARCH_FILTER_ROWS,
  type SEARCH_FILTERS,
  type SearchIndexSet,
  searchIndexSet,
} from '../model/index.js';

import type { Lazy } from '../platform/clients/lazy.js';
import { presignerSdk } from '../platform/clients/presigner.js';
import { s3Sdk } from '../platform/clients/s3.js';
import { sqsSdk } from '../platform/clients/sqs.js';
import { batchGetAll } from '../platform/dynamo/index.js';
import { logger, newId } from '../platform/index.js';

import { assertSearchable, parseSearch, search, searchQuerySchema } from '../search/index.js';

/**
 * Reports (seed 004's "generate and download report"): a search written to an S3 object, asynchronously.
 * Control-table item pk = R#<report id>, sk = R: status pending|ready|failed, format, filters, created_at,
 * created_by, number_of_records, key, completed_at, error, expires_at.
 */

export const FORMATS = ['csv', 'ndjson'] as const;
/** The filters a report takes: the search-filter rows marked for reports (model/search-filters.ts). */
const FILTER_FIELDS = REPORT_PARAMS;

type ReportValues = {
  [R in Extract<
    (typeof SEARCH_FILTERS)[number],
    { report: true; reportValue: unknown }
  > as R['param']]: R['reportValue'];
};

export const reportRequestSchema = searchQuerySchema
  .pick(Object.fromEntries(FILTER_FIELDS.map((f) => [f, true])) as Record<ReportParam, true>)
  .extend(
    Object.fromEntries(
      SEARCH_FILTER_ROWS.flatMap((r) => (r.report && r.reportValue ? [[r.param, r.reportValue]] : [])),
    ) as ReportValues,
  )
  .extend({
    format: z.enum(FORMATS, { error: "must be 'csv' or 'ndjson'" }).default('csv'),
  })
  .strict();

export interface Report {
  report_id: string;
  status: 'pending' | 'ready' | 'failed';
  format: (typeof FORMATS)[number];
  filters: Record<string, string>;
  created_at: string;
  created_by: string;
  number_of_records: number;
  completed_at?: string;
  error?: string;
  key?: string;
}

export interface ReportDeps {
  ddb: DynamoDBClient;
  eventsTable: string;
  controlTable: string;
  s3: Lazy<S3Client>;
  bucket: string;
  kinesis: Lazy<KinesisClient>;
  streamName: string;
  /** The deployed search indexes (default: the default set): a report is a search one of them must serve. */
  searchIndexes?: SearchIndexSet;
  now?: () => number;
}

/** What the worker needs besides: the key of the cursors it pages its search with. */
export interface WorkerDeps extends ReportDeps {
  cursorKey: Lazy<Uint8Array>;
}

const REPORT_PREFIX = 'R#';
const reportKey = (id: string) => ({ pk: { S: `${REPORT_PREFIX}${id}` }, sk: { S: 'R' } });
/** The list of reports, newest first: one small item per report in one partition (reports are rare). */
const REPORT_LIST_PK = 'RL';
const reportListKey = (id: string) => ({ pk: { S: REPORT_LIST_PK }, sk: { S: id } });

/** The queue message asking the worker for a report (what the worker's handler parses). */
export const reportMessage = (reportId: string) => JSON.stringify({ report_id: reportId });

/**
 * Ids of the reports still pending (a Scan of the control table: for the local runner's start, whose in-memory
 * queue lost what a previous run had queued; never on a request path).
 */
export async function pendingReportIds(deps: Pick<ReportDeps, 'ddb' | 'controlTable'>): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await deps.ddb.send(
      new ScanCommand({
        TableName: deps.controlTable,
        FilterExpression: 'begins_with(pk, :r) AND #s = :pending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':r': { S: REPORT_PREFIX }, ':pending': { S: 'pending' } },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) ids.push((item.pk?.S ?? '').slice(REPORT_PREFIX.length));
    start = page.LastEvaluatedKey;
  } while (start);
  return ids;
}

function fromItem(item: Record<string, { S?: string; N?: string }>): Report {
  return {
    report_id: (item.pk?.S ?? '').slice(2),
    status: (item.status?.S ?? 'pending') as Report['status'],
    format: (item.format?.S ?? 'csv') as Report['format'],
    filters: JSON.parse(item.filters?.S ?? '{}') as Record<string, string>,
    created_at: item.created_at?.S ?? '',
    created_by: item.created_by?.S ?? '',
    number_of_records: Number(item.number_of_records?.N ?? 0),
    ...(item.completed_at?.S ? { completed_at: item.completed_at.S } : {}),
    ...(item.error?.S ? { error: item.error.S } : {}),
    ...(item.key?.S ? { key: item.key.S } : {}),
  };
}

/**
 * Whether a report item is past its retention. DynamoDB's TTL deletes expired items only eventually (within
 * days), and the bucket's lifecycle may already have removed the file: past `expires_at`, a report is gone.
 */
function expired(item: Record<string, { N?: string }>, now: number): boolean {
  const at = Number(item.expires_at?.N ?? Number.POSITIVE_INFINITY);
  return at * 1000 <= now;
}

export async function loadReport(
  deps: Pick<ReportDeps, 'ddb' | 'controlTable' | 'now'>,
  id: string,
): Promise<Report | undefined> {
  const res = await deps.ddb.send(
    new GetItemCommand({ TableName: deps.controlTable, Key: reportKey(id), ConsistentRead: true }),
  );
  const item = res.Item as Record<string, { S?: string; N?: string }> | undefined;
  return item && !expired(item, (deps.now ?? Date.now)()) ? fromItem(item) : undefined;
}

/** POST /reports: validate the filters like a search, record the request, queue the work. */
export async function requestReport(
  deps: ReportDeps & { sqs: Lazy<SQSClient>; queueUrl: string; retentionDays: number },
  body: unknown,
  actor: Actor,
): Promise<Report> {
  const input = parseWith(reportRequestSchema, body, 'report request');
  const filters: Record<string, string> = {};
  for (const f of FILTER_FIELDS) {
    const v = input[f];
    if (v !== undefined) filters[f] = Array.isArray(v) ? v.join(',') : String(v);
  }
  // The same validation as GET /activities (unknown types, from after to, ...), and a deployed index to serve it.
  assertSearchable(parseSearch(filters).filters, (deps.searchIndexes ?? searchIndexSet()).names);
  const now = (deps.now ?? Date.now)();
  const report: Report = {
    report_id: newId(now),
    status: 'pending',
    format: input.format,
    filters,
    created_at: new Date(now).toISOString(),
    created_by: actor.id,
    number_of_records: 0,
  };
  await deps.ddb.send(
    new PutItemCommand({
      TableName: deps.controlTable,
      Item: {
        ...reportKey(report.report_id),
        status: { S: report.status },
        format: { S: report.format },
        filters: { S: JSON.stringify(filters) },
        created_at: { S: report.created_at },
        created_by: { S: actor.id },
        number_of_records: { N: '0' },
        expires_at: { N: String(expiresAt(now, deps.retentionDays)) },
      },
    }),
  );
  await deps.ddb.send(
    new PutItemCommand({
      TableName: deps.controlTable,
      Item: {
        ...reportListKey(report.report_id),
        expires_at: { N: String(expiresAt(now, deps.retentionDays)) },
      },
    }),
  );
  const { SendMessageCommand } = await sqsSdk();
  await (await deps.sqs()).send(
    new SendMessageCommand({
      QueueUrl: deps.queueUrl,
      MessageBody: reportMessage(report.report_id),
    }),
  );
  await recordAudit(
    [
      auditEvent({
        type: 'reportRequested',
        actor,
        target: { id: report.report_id, type: 'report' },
        changes: {},
        data: { report_id: report.report_id, format: report.format, filters_used: filters },
        now,
      }),
    ],
    deps,
  );
  return report;
}

/** The query parameters of GET /reports. */
export const listReportsQuerySchema = /* @__PURE__ */ z.strictObject({
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(20),
  before: z
    .string()
    .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a report id (from next_before)')
    .optional(),
});

/**
 * GET /reports: the most recent reports (pending, ready or failed), newest first, `limit` at a time; `before`
 * (the previous page's `next_before`) pages back. Download URLs are issued by GET /reports/{id} only.
 */
export async function listReports(
  deps: Pick<ReportDeps, 'ddb' | 'controlTable' | 'now'>,
  query: Record<string, string | undefined>,
): Promise<{ data: Array<Omit<Report, 'key'>>; next_before: string | null }> {
  const q = parseWith(listReportsQuerySchema, query, 'query');
  const page = await deps.ddb.send(
    new QueryCommand({
      TableName: deps.controlTable,
      KeyConditionExpression: q.before ? 'pk = :pk AND sk < :before' : 'pk = :pk',
      ExpressionAttributeValues: {
        ':pk': { S: REPORT_LIST_PK },
        ...(q.before ? { ':before': { S: q.before } } : {}),
      },
      ScanIndexForward: false,
      Limit: q.limit,
    }),
  );
  const ids = (page.Items ?? []).map((i) => i.sk?.S ?? '');
  const now = (deps.now ?? Date.now)();
  const found = await batchGetAll(deps.ddb, deps.controlTable, ids.map(reportKey));
  const byId = new Map(
    found
      .filter((item) => !expired(item as Record<string, { N?: string }>, now))
      .map((item) => {
        const { key: _key, ...view } = fromItem(item as Record<string, { S?: string; N?: string }>);
        return [view.report_id, view] as const;
      }),
  );
  return {
    data: ids.flatMap((id) => byId.get(id) ?? []),
    next_before: page.LastEvaluatedKey ? (ids.at(-1) ?? null) : null,
  };
}

/** GET /reports/{id}: the report, with a fresh presigned download URL when it is ready. */
export async function reportView(deps: ReportDeps & { urlTtlSeconds: number }, id: string) {
  const r = await loadReport(deps, id);
  if (!r) throw notFound(`no report with id '${id}' (unknown or expired)`);
  const { key, ...view } = r;
  if (r.status !== 'ready' || !key) return view;
  const [{ GetObjectCommand }, { getSignedUrl }] = await Promise.all([s3Sdk(), presignerSdk()]);
  const url = await getSignedUrl(
    await deps.s3(),
    new GetObjectCommand({
      Bucket: deps.bucket,
      Key: key,
      ResponseContentDisposition: `attachment; filename="activity-report-${r.report_id}.${r.format}"`,
    }),
    { expiresIn: deps.urlTtlSeconds },
  );
  const expires = new Date((deps.now ?? Date.now)() + deps.urlTtlSeconds * 1000).toISOString();
  return { ...view, download_url: url, download_url_expires_at: expires };
}

// ---- CSV

export const CSV_COLUMNS = [
  'id',
  'timestamp',
  'received_at',
  'type',
  'source',
  'tenant_id',
  'app_id',
  'app_name',
  'user_id',
  'user_email',
  'actor_id',
  'actor_type',
  'actor_email',
  'target_resource_id',
  'target_resource_type',
  'ip',
  'user_agent',
  'changes',
  'data',
] as const;

/**
 * One CSV cell: RFC 4180 quoting, and spreadsheet formula injection neutralised: a cell that begins with
 * =, +, -, @, a tab or a carriage return gets a leading apostrophe, so it is shown as text, not evaluated.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let s = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(e: ActivityEvent & Record<string, unknown>): string {
  return CSV_COLUMNS.map((c) => csvCell(e[c])).join(',');
}

// ---- worker

/**
 * Generate a report: page through the search into a temporary file (CSV or NDJSON), recording progress,
 * upload it to the (encrypted) reports bucket, mark it ready, record reportGenerated. A report no longer
 * pending (already done by an earlier delivery of the message) is left alone.
 */
export async function generateReport(
  deps: WorkerDeps,
  id: string,
  onProgress?: (n: number) => void,
): Promise<Report | undefined> {
  const r = await loadReport(deps, id);
  if (r?.status !== 'pending') return r;
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  const file = join(dir, `report.${r.format}`);
  try {
    const out = createWriteStream(file);
    const write = async (s: string) => {
      if (!out.write(s)) await once(out, 'drain');
    };
    if (r.format === 'csv') await write(`${CSV_COLUMNS.join(',')}\r\n`);
    const cache = newDirectoryCache();
    let cursor: string | undefined;
    let rows = 0;
    let pages = 0;
    do {
      const page = await search(deps, { ...r.filters, limit: '1000', ...(cursor ? { cursor } : {}) });
      await enrichEvents(page.data, { ddb: deps.ddb, controlTable: deps.controlTable }, cache);
      for (const e of page.data)
        await write(
          r.format === 'csv'
            ? `${csvRow(e as ActivityEvent & Record<string, unknown>)}\r\n`
            : `${JSON.stringify(e)}\n`,
        );
      rows += page.data.length;
      cursor = page.next_cursor ?? undefined;
      if (++pages % 10 === 0) {
        onProgress?.(rows);
        await setProgress(deps, id, rows);
      }
    } while (cursor);
    out.end();
    await once(out, 'finish');
    const key = `reports/${r.created_at.slice(0, 10)}/${id}.${r.format}`;
    const { PutObjectCommand } = await s3Sdk();
    await (await deps.s3()).send(
      new PutObjectCommand({
        Bucket: deps.bucket,
        Key: key,
        Body: createReadStream(file),
        ContentLength: statSync(file).size,
        ContentType: r.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      }),
    );
    const done = new Date((deps.now ?? Date.now)()).toISOString();
    await deps.ddb.send(
      new UpdateItemCommand({
        TableName: deps.controlTable,
        Key: reportKey(id),
        UpdateExpression: 'SET #s = :ready, number_of_records = :n, #k = :k, completed_at = :at',
        ExpressionAttributeNames: { '#s': 'status', '#k': 'key' },
        ExpressionAttributeValues: {
          ':ready': { S: 'ready' },
          ':n': { N: String(rows) },
          ':k': { S: key },
          ':at': { S: done },
        },
      }),
    );
    await recordAudit(
      [
        auditEvent({
          type: 'reportGenerated',
          actor: { id: 'activity-events-reports', type: 'service' },
          target: { id, type: 'report' },
          changes: {},
          data: {
            report_id: id,
            format: r.format,
            filters_used: r.filters,
            number_of_records: rows,
            requested_by: r.created_by,
          },
        }),
      ],
      deps,
    );
    logger.info('report generated', { reportId: id, rows });
    return { ...r, status: 'ready', number_of_records: rows, key, completed_at: done };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function setProgress(deps: ReportDeps, id: string, rows: number) {
  await deps.ddb.send(
    new UpdateItemCommand({
      TableName: deps.controlTable,
      Key: reportKey(id),
      UpdateExpression: 'SET number_of_records = :n',
      ExpressionAttributeValues: { ':n': { N: String(rows) } },
    }),
  );
}

export async function failReport(deps: Pick<ReportDeps, 'ddb' | 'controlTable'>, id: string, error: string) {
  await deps.ddb
    .send(
      new UpdateItemCommand({
        TableName: deps.controlTable,
        Key: reportKey(id),
        UpdateExpression: 'SET #s = :failed, #e = :e',
        ConditionExpression: '#s = :pending',
        ExpressionAttributeNames: { '#s': 'status', '#e': 'error' },
        ExpressionAttributeValues: {
          ':failed': { S: 'failed' },
          ':pending': { S: 'pending' },
          ':e': { S: error.slice(0, 500) },
        },
      }),
    )
    .catch(() => undefined);
}
