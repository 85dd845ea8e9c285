import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { signIn } from '../shared/people/index.js';
import { kinesisClient } from '../shared/platform/clients/kinesis.js';
import { logger, readHandlerEnv } from '../shared/platform/index.js';

const env = readHandlerEnv('sign-in');
const kinesis = kinesisClient();
// Every sign-in is recorded: the client is made at cold start (Cognito gives a trigger 5 seconds).
await kinesis();
const deps = { kinesis, streamName: env.eventStream };

/**
 * Cognito pre token generation (V2) for the console's app client: the access token gets the scopes of the
 * person's groups and no others, and a sign-in (not a refresh) is recorded as adminLogin.
 */
export const handler = middy<PreTokenGenerationV2TriggerEvent, PreTokenGenerationV2TriggerEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    // Only people's tokens are this trigger's (a V3 trigger would also see client-credentials tokens).
    if ((event.triggerSource as string) === 'TokenGeneration_ClientCredentials') return event;
    const attrs = event.request.userAttributes ?? {};
    const { suppress } = await signIn(
      deps,
      {
        id: attrs.sub ?? event.userName,
        ...(attrs.email ? { email: attrs.email } : {}),
        groups: event.request.groupConfiguration?.groupsToOverride ?? [],
      },
      {
        clientId: event.callerContext.clientId,
        requested: event.request.scopes ?? [],
        refresh: event.triggerSource === 'TokenGeneration_RefreshTokens',
      },
    );
    event.response = {
      claimsAndScopeOverrideDetails: { accessTokenGeneration: { scopesToSuppress: suppress } },
    };
    return event;
  });
