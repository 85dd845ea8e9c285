import document from '../../docs/openapi.json' with { type: 'json' };
import { httpHandler, json, publicBaseUrl, readHandlerEnv } from '../shared/platform/index.js';

const env = readHandlerEnv('openapi');
type Doc = typeof document;

/**
 * GET /activities/v1/openapi.json: the committed document (`npm run openapi`), naming the URL it was asked on
 * as its server and the stack's token endpoint (the request's own origin when the stack names none: `npm
 * start` serves its token endpoint beside the API). The document is not generated here: that would put every
 * capability's schemas in this bundle.
 */
export const handler = httpHandler(async (event) => {
  const base = publicBaseUrl(event);
  const flows = document.components.securitySchemes.oauth2.flows;
  const served: Doc = {
    ...document,
    servers: [{ url: base, description: 'This API' }],
    components: {
      ...document.components,
      securitySchemes: {
        oauth2: {
          ...document.components.securitySchemes.oauth2,
          flows: {
            clientCredentials: {
              ...flows.clientCredentials,
              tokenUrl: env.tokenUrl || `${base}${flows.clientCredentials.tokenUrl}`,
            },
          },
        },
      },
    },
  };
  return json(200, served, { 'cache-control': 'public, max-age=300' });
});
