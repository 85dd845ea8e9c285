import { signOut, whoAmI } from '../shared/people/index.js';
import { kinesisClient } from '../shared/platform/clients/kinesis.js';
import { caller, dispatch, httpHandler, json, readHandlerEnv } from '../shared/platform/index.js';
import { API_PREFIX } from '../shared/routes.js';

const env = readHandlerEnv('me');
const deps = { kinesis: kinesisClient(), streamName: env.eventStream };

/** GET /activities/v1/me and POST /activities/v1/me/sign-out */
export const handler = httpHandler(
  dispatch('me', {
    [`GET ${API_PREFIX}/me`]: async (event) => json(200, whoAmI(caller(event))),
    [`POST ${API_PREFIX}/me/sign-out`]: async (event) => {
      await signOut(deps, caller(event).actor, {
        ip: event.requestContext.http?.sourceIp,
        userAgent: event.requestContext.http?.userAgent,
      });
      return { statusCode: 204, body: '' };
    },
  }),
);
