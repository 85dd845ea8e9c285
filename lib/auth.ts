import { Aws, Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  FeaturePlan,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ALL_SCOPES } from '../functions/shared/routes.js';

export type AuthConfig =
  | {
      kind: 'cognito';
      /** Cognito hosted domain prefix (globally unique per region); default "<stack>-<account>". */
      domainPrefix?: string;
      /** Access token lifetime; default 1 hour. */
      tokenValidity?: Duration;
    }
  | {
      kind: 'oidc';
      /** Issuer URL of an existing OpenID Connect provider. */
      issuer: string;
      /** Accepted `aud` (or `client_id`) values. */
      audience: string[];
      /** The provider's token endpoint, for the stack outputs. */
      tokenUrl?: string;
    };

export interface AuthProps {
  config: AuthConfig;
  stackName: string;
}

/**
 * OAuth 2.0 client credentials. Either a Cognito user pool with the three scopes on resource servers
 * ("activities": write, read; "streams": manage) and a management app client holding all of them, or an
 * external OIDC issuer. Exposes the HTTP API JWT authorizer that verifies tokens for every route.
 */
export class Auth extends Construct {
  readonly authorizer: HttpJwtAuthorizer;
  readonly tokenUrl: string;
  readonly issuer: string;
  readonly managementClient?: UserPoolClient;
  readonly userPool?: UserPool;
  readonly domain?: UserPoolDomain;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    const config = props.config;
    if (config.kind === 'oidc') {
      this.issuer = config.issuer;
      this.tokenUrl = config.tokenUrl ?? `${config.issuer.replace(/\/$/, '')}/oauth2/token`;
      this.authorizer = new HttpJwtAuthorizer('Jwt', config.issuer, { jwtAudience: config.audience });
      return;
    }
    const pool = new UserPool(this, 'UserPool', {
      // Machine-to-machine only: no sign-up, no users, no passwords in use.
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      featurePlan: FeaturePlan.ESSENTIALS,
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(pool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason: 'Machine-to-machine pool (client credentials only): no users, so no MFA to require.',
      },
      {
        id: 'AwsSolutions-COG3',
        reason: 'No user sign-ins happen in this pool; threat protection applies to user authentication.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus feature plan adds user threat protection; this pool only issues client-credentials tokens.',
      },
    );
    const scopeOf = (full: string) => {
      const [server, name] = full.split('/') as [string, string];
      return { server, name };
    };
    const servers = new Map<string, UserPoolResourceServer>();
    const scopes: OAuthScope[] = [];
    for (const server of new Set(ALL_SCOPES.map((s) => scopeOf(s).server))) {
      const serverScopes = ALL_SCOPES.filter((s) => scopeOf(s).server === server).map(
        (s) =>
          new ResourceServerScope({ scopeName: scopeOf(s).name, scopeDescription: `Activity Events ${s}` }),
      );
      const rs = pool.addResourceServer(`${server}Server`, { identifier: server, scopes: serverScopes });
      servers.set(server, rs);
      for (const sc of serverScopes) scopes.push(OAuthScope.resourceServer(rs, sc));
    }
    this.managementClient = pool.addClient('ManagementClient', {
      userPoolClientName: 'activity-events-management',
      generateSecret: true,
      authFlows: {},
      oAuth: { flows: { clientCredentials: true }, scopes },
      accessTokenValidity: config.tokenValidity ?? Duration.hours(1),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    this.domain = pool.addDomain('Domain', {
      cognitoDomain: {
        domainPrefix: config.domainPrefix ?? Fn.join('-', [props.stackName.toLowerCase(), Aws.ACCOUNT_ID]),
      },
    });
    this.userPool = pool;
    this.issuer = `https://cognito-idp.${Aws.REGION}.amazonaws.com/${pool.userPoolId}`;
    this.tokenUrl = `${this.domain.baseUrl()}/oauth2/token`;
    // Cognito access tokens carry client_id instead of aud; the JWT authorizer checks it against the audience.
    this.authorizer = new HttpJwtAuthorizer('Jwt', this.issuer, {
      jwtAudience: [this.managementClient.userPoolClientId],
    });
  }
}
