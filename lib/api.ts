import { CfnOutput } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import type { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HTTP_HANDLERS, type HttpHandlerName, ROUTES } from '../functions/shared/routes.js';
import { handlerFunction, type Wiring } from './service-function.js';

export interface ApiProps {
  authorizer: HttpJwtAuthorizer;
  /** What the HTTP handlers are wired to (each gets what its row of functions/shared/handlers.ts declares). */
  wiring: Wiring;
  throttle: { rateLimit: number; burstLimit: number };
}

/**
 * The HTTP API: one Lambda per handler, one route per entry of the shared route table, each behind the JWT
 * authorizer with the route's scopes. Access logs in JSON, stage throttling.
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
      this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: props.authorizer,
        authorizationScopes: [...route.scopes],
      });
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
