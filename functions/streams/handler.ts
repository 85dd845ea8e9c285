import { parseJson } from '../shared/model/index.js';
import { dynamoClient } from '../shared/platform/clients/dynamodb.js';
import { kinesisClient } from '../shared/platform/clients/kinesis.js';
import {
  caller,
  dispatch,
  httpHandler,
  json,
  publicBaseUrl,
  readBody,
  readHandlerEnv,
} from '../shared/platform/index.js';

import { API_PREFIX } from '../shared/routes.js';
import {
  createStream,
  getStreamView,
  listStreamViews,
  patchStream,
  removeStream,
} from '../shared/streams/index.js';

const env = readHandlerEnv('streams');
const deps = {
  ddb: dynamoClient(),
  // Only changes use Kinesis (audit events, `start_from: now` markers): loaded by the first one.
  kinesis: kinesisClient(),
  eventsTable: env.eventsTable,
  controlTable: env.controlTable,
  streamName: env.eventStream,
  destinations: {
    defaultBucket: env.exportBucket,
    buckets: env.exportBuckets,
    secretsPrefix: env.secretsPrefix,
    allowCidrs: env.destinationAllowCidrs,
  },
};
const MAX_BODY = 64 * 1024;
const id = (e: { pathParameters?: Record<string, string | undefined> }) => e.pathParameters?.stream_id ?? '';

/** /activities/v1/streams and /activities/v1/streams/{stream_id} */
export const handler = httpHandler(
  dispatch('streams', {
    [`POST ${API_PREFIX}/streams`]: async (event) => {
      const stream = await createStream(
        deps,
        parseJson(readBody(event, MAX_BODY)),
        caller(event).actor,
        publicBaseUrl(event),
      );
      return json(201, stream, { location: `${API_PREFIX}/streams/${stream.stream_id}` });
    },
    [`GET ${API_PREFIX}/streams`]: async (event) =>
      json(200, {
        data: await listStreamViews(deps, publicBaseUrl(event), event.queryStringParameters ?? {}),
      }),
    [`GET ${API_PREFIX}/streams/{stream_id}`]: async (event) =>
      json(200, await getStreamView(deps, id(event), publicBaseUrl(event))),
    [`PATCH ${API_PREFIX}/streams/{stream_id}`]: async (event) =>
      json(
        200,
        await patchStream(
          deps,
          id(event),
          parseJson(readBody(event, MAX_BODY)),
          caller(event).actor,
          publicBaseUrl(event),
        ),
      ),
    [`DELETE ${API_PREFIX}/streams/{stream_id}`]: async (event) => {
      await removeStream(deps, id(event), caller(event).actor);
      return { statusCode: 204 };
    },
  }),
);
