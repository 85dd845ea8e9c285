import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import type { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HTTP_HANDLERS, type HttpHandlerName, ROUTES } from '../functions/shared/routes.js';
import { handlerFunction, type Wiring } from './service-function.js';

/**
 * The origins of this region's API Gateway endpoints, for the console's Content-Security-Policy. Not the API's
 * own origin: that holds the API id, and the API's CORS holds the console's origin, which would make the API
 * and the console's distribution depend on each other.
 */
export function regionalApiOrigins(scope: Construct): string {
  const stack = Stack.of(scope);
  return `https://*.execute-api.${stack.region}.${stack.urlSuffix}`;
}

export interface ApiProps {
  authorizer: HttpJwtAuthorizer;
  /** What the HTTP handlers are wired to (each gets what its row of functions/shared/handlers.ts declares). */
  wiring: Wiring;
  throttle: { rateLimit: number; burstLimit: number };
  /** Browser origins that may call the API (the console's); none by default (no CORS). */
  corsOrigins?: string[];
}

/**
 * The HTTP API: one Lambda per handler, one route per entry of the shared route table, each behind the JWT
 * authorizer with the route's scopes (a public route, the API's own OpenAPI document, has none). Access logs in
 * JSON, stage throttling. CORS for the console's origin only: API Gateway answers the preflight (no OPTIONS
 * route, so no authorizer on it) and adds the headers.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly functions: Record<HttpHandlerName, NodejsFunction>;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Activity Events API',
      createDefaultStage: false,
      ...(props.corsOrigins?.length
        ? {
            corsPreflight: {
              allowOrigins: props.corsOrigins,
              // What the console sends: a bearer token and JSON bodies.
              allowHeaders: ['authorization', 'content-type'],
              // The methods of the route table.
              allowMethods: [...new Set(ROUTES.map((r) => r.method))].map((m) => CorsHttpMethod[m]),
              // The console reads Retry-After on 409/429 to say when to try again.
              exposeHeaders: ['retry-after'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.wiring.logRetention });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            clientId: '$context.authorizer.claims.client_id',
            error: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.url = `${this.httpApi.apiEndpoint}`;

    const fns = {} as Record<HttpHandlerName, NodejsFunction>;
    for (const name of HTTP_HANDLERS) {
      fns[name] = handlerFunction(this, `${toPascal(name)}Function`, name, props.wiring);
    }
    this.functions = fns;

    const integrations = new Map<HttpHandlerName, HttpLambdaIntegration>();
    for (const route of ROUTES) {
      let integration = integrations.get(route.handler);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${toPascal(route.handler)}Integration`, fns[route.handler]);
        integrations.set(route.handler, integration);
      }
      const added = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(route.public
          ? { authorizer: new HttpNoneAuthorizer() }
          : { authorizer: props.authorizer, authorizationScopes: [...route.scopes] }),
      });
      if (route.public) {
        for (const r of added) {
          Validations.of(r).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${route.method} ${route.path} is public on purpose: it serves the API's own description (no data, nothing written), so tools and people can read the contract before they hold a token. Stage throttling applies.`,
          });
        }
      }
    }
    new CfnOutput(this, 'Url', {
      value: this.url,
      description: 'API base URL (routes under /activities/v1)',
    });
  }
}

function toPascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
}
