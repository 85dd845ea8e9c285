import { Aws, Duration, Fn, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  CfnUserPoolUser,
  CfnUserPoolUserToGroupAttachment,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  type UserPoolGroup,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { CONSOLE_GROUP_NAMES, CONSOLE_GROUPS, CONSOLE_SCOPES } from '../functions/shared/people/index.js';
import { ALL_SCOPES } from '../functions/shared/routes.js';
import { handlerFunction, type Wiring } from './service-function.js';

export type AuthConfig =
  | {
      kind: 'cognito';
      /** Cognito hosted domain prefix (globally unique per region); default "<stack>-<account>". */
      domainPrefix?: string;
      /** Access token lifetime of the management client; default 1 hour. */
      tokenValidity?: Duration;
    }
  | {
      kind: 'oidc';
      /** Issuer URL of an existing OpenID Connect provider. */
      issuer: string;
      /** Accepted `aud` (or `client_id`) values: include what the console's access tokens carry. */
      audience: string[];
      /** The provider's token endpoint (stack outputs; the console's token requests). */
      tokenUrl?: string;
      /**
       * The provider's app client for the console: public (no secret), authorization code with PKCE, redirect and
       * logout URI the console's URL with a trailing `/`. Without it no console is deployed. The provider decides
       * which API scopes a person's token holds (Cognito does it with groups and the sign-in trigger).
       */
      console?: { clientId: string; authorizeUrl: string; logoutUrl: string };
    };

/** How the console signs people in: the `config.json` fields of the identity provider. */
export interface ConsoleSignIn {
  authorizeUrl: string;
  tokenUrl: string;
  logoutUrl: string;
  clientId: string;
}

export interface AuthProps {
  config: AuthConfig;
  stackName: string;
  /** What the Cognito sign-in trigger (the `sign-in` row of the wiring table) is wired to. */
  wiring: Wiring;
  /** The console, when it is deployed: its Cognito app client signs people in and returns them to `url`. */
  console?: {
    /** The console's origin, `https://<domain>` (no trailing slash). */
    url: string;
    /** The first admin: created with this email (lowercased) as username, invited by email, in `admins`. */
    adminEmail?: string;
    /** Require MFA (TOTP) of everyone. Default optional: see README "Console" (an existing pool may refuse it). */
    requireMfa?: boolean;
  };
}

/** The Cognito hosted domain prefix: the one given, or "<stack>-<account>". */
function cognitoDomainPrefix(config: Extract<AuthConfig, { kind: 'cognito' }>, stackName: string): string {
  return config.domainPrefix ?? Fn.join('-', [stackName.toLowerCase(), Aws.ACCOUNT_ID]);
}

/**
 * The origin the console talks to for sign-in (authorization, token and logout endpoints), known before the
 * Auth construct exists: the console's Content-Security-Policy needs it, and the console is created first.
 * Undefined when there is no console sign-in (OIDC without a console client).
 */
export function signInOrigin(scope: Construct, config: AuthConfig, stackName: string): string | undefined {
  if (config.kind === 'oidc') {
    return config.console ? new URL(oidcTokenUrl(config)).origin : undefined;
  }
  return `https://${cognitoDomainPrefix(config, stackName)}.auth.${Stack.of(scope).region}.amazoncognito.com`;
}

function oidcTokenUrl(config: Extract<AuthConfig, { kind: 'oidc' }>): string {
  return config.tokenUrl ?? `${config.issuer.replace(/\/$/, '')}/oauth2/token`;
}

/**
 * OAuth 2.0 for the API. Either a Cognito user pool or an external OIDC issuer; exposes the HTTP API JWT
 * authorizer that verifies tokens for every route.
 *
 * Cognito: the three scopes on resource servers ("activities": write, read; "streams": manage) and a
 * management app client holding all of them (client credentials). For people (the console): the groups of
 * CONSOLE_GROUPS, a public app client (authorization code with PKCE, no secret) whose tokens get the scopes of
 * the person's groups from the pre token generation trigger (V2, the `sign-in` function), optional TOTP MFA,
 * and optionally the first admin. The pool predates people: its username sign-in cannot change, so people
 * sign in with their email as their username.
 */
export class Auth extends Construct {
  readonly authorizer: HttpJwtAuthorizer;
  readonly tokenUrl: string;
  readonly issuer: string;
  readonly managementClient?: UserPoolClient;
  readonly consoleClient?: UserPoolClient;
  readonly userPool?: UserPool;
  readonly domain?: UserPoolDomain;
  readonly groups: Partial<Record<(typeof CONSOLE_GROUP_NAMES)[number], UserPoolGroup>> = {};
  /** The pre token generation trigger (Cognito). */
  readonly signInFunction?: NodejsFunction;
  /** The console's sign-in settings, when people can sign in. */
  readonly consoleSignIn?: ConsoleSignIn;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    const config = props.config;
    if (config.kind === 'oidc') {
      this.issuer = config.issuer;
      this.tokenUrl = oidcTokenUrl(config);
      this.authorizer = new HttpJwtAuthorizer('Jwt', config.issuer, { jwtAudience: config.audience });
      if (config.console && props.console) {
        this.consoleSignIn = { ...config.console, tokenUrl: this.tokenUrl };
      }
      return;
    }
    const people = props.console;
    const pool = new UserPool(this, 'UserPool', {
      // People are invited by an admin (no sign-up); machines use the management client.
      selfSignUpEnabled: false,
      // Fixed when the pool was created (machine-only): people's usernames are their email addresses.
      signInAliases: { username: true },
      featurePlan: FeaturePlan.ESSENTIALS,
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      mfa: people?.requireMfa ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      autoVerify: { email: true },
      ...(people
        ? {
            userInvitation: {
              emailSubject: 'Your Activity Events console account',
              emailBody: `Sign in to the Activity Events console at ${people.url}/ with the username {username} and the temporary password {####}. You will choose your own password.`,
            },
          }
        : {}),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(pool).acknowledge(
      ...(people?.requireMfa
        ? []
        : [
            {
              id: 'AwsSolutions-COG2',
              reason:
                'MFA (TOTP) is allowed, not required: CloudFormation cannot reliably switch an existing pool to required MFA; `consoleRequireMfa` requires it (README, "The console on AWS").',
            },
          ]),
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Essentials covers what the service uses (access token customization for console scopes); Plus adds threat protection (adaptive authentication, compromised credentials) at a per-user price, for a few admin-invited people with a 14-character password policy.',
      },
    );
    const scopeOf = (full: string) => {
      const [server, name] = full.split('/') as [string, string];
      return { server, name };
    };
    const scopes = new Map<string, OAuthScope>();
    for (const server of new Set(ALL_SCOPES.map((s) => scopeOf(s).server))) {
      const inServer = ALL_SCOPES.filter((s) => scopeOf(s).server === server);
      const serverScopes = inServer.map(
        (s) =>
          new ResourceServerScope({ scopeName: scopeOf(s).name, scopeDescription: `Activity Events ${s}` }),
      );
      const rs = pool.addResourceServer(`${server}Server`, { identifier: server, scopes: serverScopes });
      serverScopes.forEach((sc, i) => {
        scopes.set(inServer[i] as string, OAuthScope.resourceServer(rs, sc));
      });
    }
    this.managementClient = pool.addClient('ManagementClient', {
      userPoolClientName: 'activity-events-management',
      generateSecret: true,
      authFlows: {},
      oAuth: { flows: { clientCredentials: true }, scopes: [...scopes.values()] },
      accessTokenValidity: config.tokenValidity ?? Duration.hours(1),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    this.domain = pool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: cognitoDomainPrefix(config, props.stackName) },
    });
    this.userPool = pool;
    this.issuer = `https://cognito-idp.${Aws.REGION}.amazonaws.com/${pool.userPoolId}`;
    this.tokenUrl = `${this.domain.baseUrl()}/oauth2/token`;

    // People: groups give scopes (CONSOLE_GROUPS); the trigger keeps in each access token only the scopes of
    // the person's groups and records the sign-in. Cognito applies V2 responses to people's tokens only:
    // client-credentials tokens (the management client) are customized by V3 triggers alone.
    for (const name of CONSOLE_GROUP_NAMES) {
      this.groups[name] = pool.addGroup(`${name}Group`, {
        groupName: name,
        description: `Activity Events console: ${CONSOLE_GROUPS[name].description} (${CONSOLE_GROUPS[name].scopes.join(', ')})`,
      });
    }
    this.signInFunction = handlerFunction(this, 'SignInFunction', 'sign-in', props.wiring);
    pool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, this.signInFunction, LambdaVersion.V2_0);

    const audience = [this.managementClient.userPoolClientId];
    if (people) {
      const home = `${people.url}/`;
      this.consoleClient = pool.addClient('ConsoleClient', {
        userPoolClientName: 'activity-events-console',
        // A browser app: a public client, PKCE in place of a secret.
        generateSecret: false,
        // Sign-in only through the hosted pages (password policy, MFA); the API flows stay off.
        authFlows: { user: false, userSrp: false, userPassword: false, custom: false },
        oAuth: {
          flows: { authorizationCodeGrant: true },
          scopes: [
            OAuthScope.OPENID,
            OAuthScope.EMAIL,
            ...CONSOLE_SCOPES.map((s) => scopes.get(s) as OAuthScope),
          ],
          callbackUrls: [home],
          logoutUrls: [home],
        },
        supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
        accessTokenValidity: Duration.hours(1),
        idTokenValidity: Duration.hours(1),
        // A working day: then sign in again.
        refreshTokenValidity: Duration.hours(12),
      });
      audience.push(this.consoleClient.userPoolClientId);
      this.consoleSignIn = {
        authorizeUrl: `${this.domain.baseUrl()}/oauth2/authorize`,
        tokenUrl: this.tokenUrl,
        logoutUrl: `${this.domain.baseUrl()}/logout`,
        clientId: this.consoleClient.userPoolClientId,
      };
      if (people.adminEmail) this.addAdmin(pool, people.adminEmail);
    }
    // Cognito access tokens carry client_id instead of aud; the JWT authorizer checks it against the audience.
    this.authorizer = new HttpJwtAuthorizer('Jwt', this.issuer, {
      jwtAudience: Lazy.list({ produce: () => audience }),
    });
  }

  /** The first admin: username = email (lowercased: usernames in this pool are case sensitive), invited by email. */
  private addAdmin(pool: UserPool, adminEmail: string): void {
    const email = adminEmail.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      throw new Error(`consoleAdminEmail '${adminEmail}' is not an email address`);
    }
    const user = new CfnUserPoolUser(this, 'AdminUser', {
      userPoolId: pool.userPoolId,
      username: email,
      userAttributes: [
        { name: 'email', value: email },
        { name: 'email_verified', value: 'true' },
      ],
      desiredDeliveryMediums: ['EMAIL'],
    });
    const admins = this.groups.admins as UserPoolGroup;
    const attachment = new CfnUserPoolUserToGroupAttachment(this, 'AdminUserInAdmins', {
      userPoolId: pool.userPoolId,
      groupName: admins.groupName,
      username: email,
    });
    attachment.node.addDependency(user);
  }
}
