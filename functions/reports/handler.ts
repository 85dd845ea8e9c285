import { parseJson, searchIndexSet } from '../shared/model/index.js';
import { dynamoClient } from '../shared/platform/clients/dynamodb.js';
import { kinesisClient } from '../shared/platform/clients/kinesis.js';
import { s3Client } from '../shared/platform/clients/s3.js';
import { sqsClient } from '../shared/platform/clients/sqs.js';
import { caller, dispatch, httpHandler, json, readBody, readHandlerEnv } from '../shared/platform/index.js';

import { listReports, reportView, requestReport } from '../shared/reports/index.js';
import { API_PREFIX } from '../shared/routes.js';

const env = readHandlerEnv('reports');
const deps = {
  ddb: dynamoClient(),
  // Loaded on first use: SQS and Kinesis by POST, S3 (with the presigner) by GET of a ready report.
  s3: s3Client(env.s3ForcePathStyle),
  sqs: sqsClient(),
  kinesis: kinesisClient(),
  eventsTable: env.eventsTable,
  controlTable: env.controlTable,
  streamName: env.eventStream,
  bucket: env.reportsBucket,
  queueUrl: env.reportsQueueUrl,
  urlTtlSeconds: env.reportUrlTtl,
  retentionDays: env.reportRetentionDays,
  searchIndexes: searchIndexSet(env.searchIndexes, env.searchIndexMigration),
};

/** POST /activities/v1/reports, GET /activities/v1/reports (recent) and GET /activities/v1/reports/{report_id} */
export const handler = httpHandler(
  dispatch('reports', {
    [`POST ${API_PREFIX}/reports`]: async (event) => {
      const r = await requestReport(deps, parseJson(readBody(event, 64 * 1024)), caller(event).actor);
      return json(202, r, { location: `${API_PREFIX}/reports/${r.report_id}` });
    },
    [`GET ${API_PREFIX}/reports`]: async (event) =>
      json(200, await listReports(deps, event.queryStringParameters ?? {})),
    [`GET ${API_PREFIX}/reports/{report_id}`]: async (event) =>
      json(200, await reportView(deps, event.pathParameters?.report_id ?? '')),
  }),
);
