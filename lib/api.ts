import { CfnOutput, Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import type { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HTTP_HANDLERS, type HttpHandlerName, ROUTES } from '../functions/shared/routes.js';
import { type Needs, type SharedResources, serviceFunction, wire } from './service-function.js';

/** What each HTTP handler may touch (least privilege); the route table says which routes it serves. */
const HANDLER_NEEDS: Record<HttpHandlerName, { needs: Needs; description: string; memorySize?: number }> = {
  ingest: {
    needs: { eventStream: 'write' },
    description: 'POST /activities: validate and put events on the stream',
  },
  activities: {
    needs: { eventsTable: 'read', controlTable: 'read' },
    description: 'GET /activities (search) and GET /activities/{id} (details, enriched)',
  },
  'event-types': { needs: {}, description: 'GET /event-types: the event catalog' },
  streams: {
    needs: { controlTable: 'readwrite', eventsTable: 'read', eventStream: 'write' },
    description: 'Stream management (config, health, start markers, audit events)',
  },
  collect: {
    needs: { controlTable: 'readwrite', eventsTable: 'read' },
    description: 'POST /activities/collect: next batch of a custom stream',
    memorySize: 1024,
  },
  directory: {
    needs: { controlTable: 'readwrite', eventStream: 'write' },
    description: 'PUT /directory/{kind}/{id}: enrichment directory bulk sync',
  },
  // Delivery permissions (buckets, secrets) come from Exporters.grantDelivery via ApiProps.configure.
  redrive: {
    needs: { eventsTable: 'read' },
    description: 'POST /streams/{id}/redrive: re-deliver failed batches',
  },
  analytics: {
    needs: { eventsTable: 'read' },
    description: 'GET /analytics/journeys: journey analytics from counters',
  },
  // Queue and bucket access come from Reports.grantRequests via ApiProps.configure.
  reports: {
    needs: { eventsTable: 'read', controlTable: 'readwrite', eventStream: 'write' },
    description: 'POST /reports and GET /reports/{id}: report requests and downloads',
  },
};

export interface ApiProps {
  authorizer: HttpJwtAuthorizer;
  resources: SharedResources;
  logRetention: RetentionDays;
  environment: Record<string, string>;
  throttle: { rateLimit: number; burstLimit: number };
  /** Extra grants or environment for particular handlers (owned by other capabilities). */
  configure?: Partial<Record<HttpHandlerName, (fn: NodejsFunction) => void>>;
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
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });
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
      const spec = HANDLER_NEEDS[name];
      const fn = serviceFunction(this, `${toPascal(name)}Function`, {
        name,
        description: spec.description,
        logRetention: props.logRetention,
        memorySize: spec.memorySize ?? 512,
        timeout: Duration.seconds(29),
        environment: props.environment,
      });
      wire(fn, props.resources, spec.needs);
      props.configure?.[name]?.(fn);
      fns[name] = fn;
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
