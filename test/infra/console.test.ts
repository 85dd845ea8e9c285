import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheControl, SECURITY_HEADERS } from '../../console/runtime.js';
import { CONSOLE_GROUP_NAMES, CONSOLE_GROUPS, CONSOLE_SCOPES } from '../../functions/shared/people/index.js';
import { ROUTES, SCOPES } from '../../functions/shared/routes.js';
import { type ActivityEventsConfig, ActivityEventsStack } from '../../lib/activity-events-stack.js';
import { HANDLER_TAG } from '../../lib/service-function.js';
import { testApp } from '../support/cdk-app.js';

const ENV = { account: '123456789012', region: 'us-east-1' };

/**
 * A stand-in for `buildConsole()`'s output (index.html, hashed assets/, the build's stamp): the construct
 * deploys whatever the build produced, so these tests need no Vite build (`npm run synth`, in synth.test.ts,
 * builds and synthesizes the real one).
 */
const fixture = mkdtempSync(join(tmpdir(), 'console-dist-'));
mkdirSync(join(fixture, 'assets'));
writeFileSync(
  join(fixture, 'index.html'),
  '<!doctype html><script type="module" src="/assets/index-Ab12.js"></script>',
);
writeFileSync(join(fixture, 'assets', 'index-Ab12.js'), 'console.log("console")');
writeFileSync(join(fixture, 'assets', 'index-Cd34.css'), 'body{}');
writeFileSync(join(fixture, '.source-hash'), '0123456789abcdef0123');
afterAll(() => rmSync(fixture, { recursive: true, force: true }));

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
type Json = Record<string, unknown>;

function synth(config: ActivityEventsConfig, opts: { nag?: boolean; dir?: string | null } = {}) {
  const app = testApp();
  const stack = new ActivityEventsStack(app, 'Test', {
    env: ENV,
    config,
    ...(opts.dir === null ? {} : { consoleDir: opts.dir ?? fixture }),
  });
  if (opts.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let nagError: unknown;
  let assembly: ReturnType<typeof app.synth> | undefined;
  try {
    assembly = app.synth();
  } catch (err) {
    nagError = err;
  }
  const template = assembly
    ? Template.fromJSON(assembly.getStackByName(stack.stackName).template as Json)
    : Template.fromStack(stack);
  return { app, stack, template, nagError, outdir: assembly?.directory };
}

/** A template value with its intrinsics written out (`${Ref:X}`, `${X.Attr}`), to read it as one string. */
function flat(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(flat).join(',');
  const o = v as Json;
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map(flat).join(sep);
  }
  if ('Ref' in o) return `\${${String(o.Ref)}}`;
  if ('Fn::GetAtt' in o) return `\${${(o['Fn::GetAtt'] as string[]).join('.')}}`;
  return JSON.stringify(o);
}

function only(template: Template, type: string, props: Json = {}): [string, Resource] {
  const found = Object.entries(template.findResources(type, props ? { Properties: props } : {}));
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
}

describe('the console (Admin Portal)', () => {
  let template: Template;
  let nagError: unknown;
  let outdir: string;
  let resources: Record<string, Resource>;
  let distributionId: string;
  let bucketId: string;
  const distributionUrl = () => `https://\${${distributionId}.DomainName}`;

  beforeAll(() => {
    const r = synth({ console: { adminEmail: 'Ada@Example.com' } }, { nag: true });
    template = r.template;
    nagError = r.nagError;
    outdir = r.outdir as string;
    resources = template.toJSON().Resources as Record<string, Resource>;
    distributionId = only(template, 'AWS::CloudFront::Distribution')[0];
    const origin = (
      ((resources[distributionId] as Resource).Properties.DistributionConfig as Json).Origins as Array<{
        DomainName: { 'Fn::GetAtt': [string, string] };
      }>
    )[0];
    bucketId = origin?.DomainName['Fn::GetAtt'][0] as string;
  });

  it('passes the cdk-nag AwsSolutions pack, every finding fixed or acknowledged with a reason', () => {
    expect(nagError).toBeUndefined();
  });

  describe('hosting', () => {
    it('serves a private bucket through CloudFront with origin access control, HTTPS only, the SPA routes from index.html', () => {
      const config = (resources[distributionId] as Resource).Properties.DistributionConfig as Json;
      expect(config).toMatchObject({
        DefaultRootObject: 'index.html',
        HttpVersion: 'http2and3',
        Enabled: true,
        DefaultCacheBehavior: {
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
          Compress: true,
          // Managed policy UseOriginCacheControlHeaders: the objects' own Cache-Control decides.
          CachePolicyId: '83da9c7e-98b4-4e11-a168-04f0df8e2c65',
          ResponseHeadersPolicyId: { Ref: only(template, 'AWS::CloudFront::ResponseHeadersPolicy')[0] },
        },
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
        ],
        Logging: { Bucket: { 'Fn::GetAtt': [expect.stringMatching(/CdnLogs/), 'RegionalDomainName'] } },
      });
      const [oac] = only(template, 'AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: Match.objectLike({
          OriginAccessControlOriginType: 's3',
          SigningBehavior: 'always',
        }),
      });
      expect(config.Origins).toEqual([
        expect.objectContaining({
          DomainName: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
          OriginAccessControlId: { 'Fn::GetAtt': [oac, 'Id'] },
          S3OriginConfig: { OriginAccessIdentity: '' },
        }),
      ]);
      // No WAF, geo restriction or custom certificate unless configured (acknowledged for cdk-nag).
      expect(config.WebACLId).toBeUndefined();
      expect(config.ViewerCertificate).toBeUndefined();
    });

    it('keeps the files in a private, encrypted, TLS-only bucket that logs to the access-log bucket', () => {
      expect((resources[bucketId] as Resource).Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: expect.stringMatching(/ExportersAccessLogs/) },
          LogFilePrefix: 'console/',
        },
      });
      expect((resources[bucketId] as Resource).Properties.WebsiteConfiguration).toBeUndefined();
    });

    it('lets only this distribution read the objects (cloudfront.amazonaws.com with AWS:SourceArn)', () => {
      const [, policy] = only(template, 'AWS::S3::BucketPolicy', { Bucket: { Ref: bucketId } });
      const statements = (policy.Properties.PolicyDocument as { Statement: Json[] }).Statement;
      const read = statements.filter((s) => s.Effect === 'Allow');
      expect(read).toHaveLength(1);
      expect(read[0]).toMatchObject({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
      });
      const condition = ((read[0] as Json).Condition as { StringEquals: Json }).StringEquals['AWS:SourceArn'];
      expect(flat(condition)).toBe(
        `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${distributionId}}`,
      );
      expect(JSON.stringify(statements)).toContain('aws:SecureTransport');
    });

    it('sends the Content-Security-Policy and security headers of console/runtime.ts on every response', () => {
      const [, policy] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
      const headers = (policy.Properties.ResponseHeadersPolicyConfig as Json).SecurityHeadersConfig as Json;
      const csp = flat((headers.ContentSecurityPolicy as Json).ContentSecurityPolicy);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
      ]) {
        expect(csp).toContain(directive);
      }
      // The API (this region's API Gateway endpoints) and the Cognito hosted domain, nothing else.
      const cognito = `https://test-\${AWS::AccountId}.auth.us-east-1.amazoncognito.com`;
      expect(csp).toContain(
        `connect-src 'self' https://*.execute-api.us-east-1.\${AWS::URLSuffix} ${cognito};`,
      );
      expect(csp).toContain(`form-action 'self' ${cognito};`);
      expect(headers).toMatchObject({
        ContentSecurityPolicy: { Override: true },
        StrictTransportSecurity: {
          AccessControlMaxAgeSec: 63_072_000,
          IncludeSubdomains: true,
          Override: true,
        },
        FrameOptions: { FrameOption: 'DENY', Override: true },
        ContentTypeOptions: { Override: true },
        ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      });
      expect(SECURITY_HEADERS.strictTransportSecurity.maxAgeSeconds).toBe(63_072_000);
    });

    it('deploys the hashed assets (kept, cached a year) before index.html and config.json (no-cache, invalidated)', () => {
      const deployments = template.findResources('Custom::CDKBucketDeployment');
      const entries = Object.entries(deployments) as Array<[string, Resource]>;
      expect(entries).toHaveLength(2);
      const [assetsId, assets] = entries.find(([, d]) => d.Properties.DestinationBucketKeyPrefix) as [
        string,
        Resource,
      ];
      const [, site] = entries.find(([id]) => id !== assetsId) as [string, Resource];
      expect(assets.Properties).toMatchObject({
        DestinationBucketName: { Ref: bucketId },
        DestinationBucketKeyPrefix: 'assets/',
        Prune: false,
        SystemMetadata: { 'cache-control': cacheControl('/assets/index-Ab12.js') },
      });
      expect(assets.Properties.SystemMetadata).toEqual({
        'cache-control': 'public, max-age=31536000, immutable',
      });
      expect(site.Properties).toMatchObject({
        DestinationBucketName: { Ref: bucketId },
        Prune: true,
        Exclude: ['assets/*'],
        SystemMetadata: { 'cache-control': 'no-cache' },
        DistributionId: { Ref: distributionId },
        DistributionPaths: ['/', '/index.html', '/config.json'],
      });
      expect(cacheControl('/index.html')).toBe('no-cache');
      expect(cacheControl('/config.json')).toBe('no-cache');
      expect(site.DependsOn).toContain(assetsId);

      // What each uploads: the build's assets; index.html without assets/ and the build stamp; config.json.
      const staged = (d: Resource) =>
        (d.Properties.SourceObjectKeys as string[]).map((k) =>
          readdirSync(join(outdir, `asset.${k.replace(/\.zip$/, '')}`)).sort(),
        );
      expect(staged(assets)).toEqual([['index-Ab12.js', 'index-Cd34.css']]);
      expect(staged(site)).toEqual([['index.html'], ['config.json']]);
    });

    it('writes config.json with the API URL, the Cognito endpoints, the console client, the scopes and the stack name', () => {
      const [, site] = (
        Object.entries(template.findResources('Custom::CDKBucketDeployment')) as Array<[string, Resource]>
      ).find(([, d]) => !d.Properties.DestinationBucketKeyPrefix) as [string, Resource];
      const key = (site.Properties.SourceObjectKeys as string[])[1] as string;
      const raw = readFileSync(join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'config.json'), 'utf8');
      // Deploy-time values are markers the deployment replaces; write each as the intrinsic it stands for.
      const markers = (site.Properties.SourceMarkers as Json[])[1] as Json;
      let text = raw;
      for (const [marker, value] of Object.entries(markers)) text = text.split(marker).join(flat(value));
      const config = JSON.parse(text) as Json;
      const [consoleClient] = only(template, 'AWS::Cognito::UserPoolClient', { AllowedOAuthFlows: ['code'] });
      const [domain] = only(template, 'AWS::Cognito::UserPoolDomain');
      const [api] = only(template, 'AWS::ApiGatewayV2::Api');
      const cognito = `https://\${${domain}}.auth.us-east-1.amazoncognito.com`;
      expect(config).toEqual({
        apiUrl: `\${${api}.ApiEndpoint}`,
        authorizeUrl: `${cognito}/oauth2/authorize`,
        tokenUrl: `${cognito}/oauth2/token`,
        logoutUrl: `${cognito}/logout`,
        clientId: `\${${consoleClient}}`,
        scopes: ['openid', 'email', ...CONSOLE_SCOPES],
        environment: 'Test',
      });
      expect(config.scopes).not.toContain(SCOPES.write);
    });

    it('outputs the console URL', () => {
      expect(flat(template.toJSON().Outputs.ConsoleUrl.Value)).toBe(`${distributionUrl()}/`);
    });
  });

  describe('people in Cognito', () => {
    it('signs people in with a public authorization-code client (PKCE, no secret) returning to the console', () => {
      const [, client] = only(template, 'AWS::Cognito::UserPoolClient', { AllowedOAuthFlows: ['code'] });
      const p = client.Properties;
      expect(p).toMatchObject({
        GenerateSecret: false,
        AllowedOAuthFlowsUserPoolClient: true,
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        SupportedIdentityProviders: ['COGNITO'],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        AccessTokenValidity: 60,
        RefreshTokenValidity: 720,
      });
      expect((p.CallbackURLs as unknown[]).map(flat)).toEqual([`${distributionUrl()}/`]);
      expect((p.LogoutURLs as unknown[]).map(flat)).toEqual([`${distributionUrl()}/`]);
      const scopes = (p.AllowedOAuthScopes as unknown[]).map(flat);
      expect(scopes.slice(0, 2)).toEqual(['openid', 'email']);
      expect(scopes.slice(2).map((s) => s.replace(/^\$\{AuthUserPool(\w+)Server\w+\}/, '$1'))).toEqual([
        ...CONSOLE_SCOPES,
      ]);
      // The management client is unchanged: client credentials with a secret.
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
      });
    });

    it('creates the groups of CONSOLE_GROUPS, the first admin in admins, and optional TOTP MFA', () => {
      for (const name of CONSOLE_GROUP_NAMES) {
        template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
          GroupName: name,
          Description: Match.stringLikeRegexp(CONSOLE_GROUPS[name].description),
        });
      }
      template.resourceCountIs('AWS::Cognito::UserPoolGroup', CONSOLE_GROUP_NAMES.length);
      template.hasResourceProperties('AWS::Cognito::UserPoolUser', {
        Username: 'ada@example.com',
        UserAttributes: [
          { Name: 'email', Value: 'ada@example.com' },
          { Name: 'email_verified', Value: 'true' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      });
      const [admins] = only(template, 'AWS::Cognito::UserPoolGroup', { GroupName: 'admins' });
      template.hasResourceProperties('AWS::Cognito::UserPoolUserToGroupAttachment', {
        GroupName: { Ref: admins },
        Username: 'ada@example.com',
      });
      const [, pool] = only(template, 'AWS::Cognito::UserPool');
      expect(pool.Properties).toMatchObject({
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        UserPoolTier: 'ESSENTIALS',
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      });
      // Username sign-in, as the pool was created (aliases cannot change): people use their email as username.
      expect(pool.Properties.UsernameAttributes).toBeUndefined();
      expect(pool.Properties.AliasAttributes).toBeUndefined();
      const invite = (pool.Properties.AdminCreateUserConfig as Json).InviteMessageTemplate as Json;
      expect(flat(invite.EmailMessage)).toContain(`${distributionUrl()}/`);
      expect(flat(invite.EmailMessage)).toMatch(/\{username\}.*\{####\}/);
    });

    it('gives tokens the scopes of the groups through the sign-in function, a pre token generation V2 trigger', () => {
      const [, pool] = only(template, 'AWS::Cognito::UserPool');
      const fns = template.findResources('AWS::Lambda::Function');
      const signIn = Object.entries(fns).find(([, f]) =>
        ((f.Properties.Tags ?? []) as Array<{ Key: string; Value: string }>).some(
          (t) => t.Key === HANDLER_TAG && t.Value === 'sign-in',
        ),
      )?.[0];
      expect(signIn).toBeDefined();
      expect(pool.Properties.LambdaConfig).toEqual({
        PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [signIn, 'Arn'] }, LambdaVersion: 'V2_0' },
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        FunctionName: { 'Fn::GetAtt': [signIn, 'Arn'] },
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [only(template, 'AWS::Cognito::UserPool')[0], 'Arn'] },
      });
    });

    it('accepts tokens of the management client and of the console client at the API', () => {
      const [mgmt] = only(template, 'AWS::Cognito::UserPoolClient', { GenerateSecret: true });
      const [consoleClient] = only(template, 'AWS::Cognito::UserPoolClient', { AllowedOAuthFlows: ['code'] });
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        JwtConfiguration: Match.objectLike({ Audience: [{ Ref: mgmt }, { Ref: consoleClient }] }),
      });
    });
  });

  it("lets only the console's origin call the API from a browser (CORS)", () => {
    const [, api] = only(template, 'AWS::ApiGatewayV2::Api');
    const cors = api.Properties.CorsConfiguration as Json;
    expect((cors.AllowOrigins as unknown[]).map(flat)).toEqual([distributionUrl()]);
    expect(cors).toMatchObject({
      AllowHeaders: ['authorization', 'content-type'],
      ExposeHeaders: ['retry-after'],
      MaxAge: 3600,
    });
    expect([...(cors.AllowMethods as string[])].sort()).toEqual(
      [...new Set(ROUTES.map((r) => r.method))].sort(),
    );
    expect(cors.AllowCredentials).toBeUndefined();
  });

  it('uses a custom domain, a WAF web ACL, allowed countries and required MFA when configured', () => {
    const { template: t, nagError: nag } = synth(
      {
        console: {
          domainName: 'console.example.com',
          certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
          webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/console/123',
          allowedCountries: ['DE', 'FR'],
          requireMfa: true,
        },
      },
      { nag: true },
    );
    expect(nag).toBeUndefined();
    const [, dist] = only(t, 'AWS::CloudFront::Distribution');
    expect(dist.Properties.DistributionConfig).toMatchObject({
      Aliases: ['console.example.com'],
      ViewerCertificate: {
        AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
      WebACLId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/console/123',
      Restrictions: { GeoRestriction: { RestrictionType: 'whitelist', Locations: ['DE', 'FR'] } },
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://console.example.com'] }),
    });
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      CallbackURLs: ['https://console.example.com/'],
    });
    t.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' });
    t.resourceCountIs('AWS::Cognito::UserPoolUser', 0);
  });

  describe('with an OIDC provider', () => {
    const oidc = {
      kind: 'oidc' as const,
      issuer: 'https://login.example.com/',
      audience: ['activity-events', 'console-client'],
      tokenUrl: 'https://login.example.com/oauth2/token',
    };

    it("deploys the console with the provider's console client", () => {
      const { template: t, outdir: out } = synth({
        auth: {
          ...oidc,
          console: {
            clientId: 'console-client',
            authorizeUrl: 'https://login.example.com/oauth2/authorize',
            logoutUrl: 'https://login.example.com/logout',
          },
        },
      });
      t.resourceCountIs('AWS::Cognito::UserPool', 0);
      t.resourceCountIs('AWS::CloudFront::Distribution', 1);
      const csp = flat(
        (
          (
            only(t, 'AWS::CloudFront::ResponseHeadersPolicy')[1].Properties
              .ResponseHeadersPolicyConfig as Json
          ).SecurityHeadersConfig as { ContentSecurityPolicy: Json }
        ).ContentSecurityPolicy.ContentSecurityPolicy,
      );
      expect(csp).toContain("form-action 'self' https://login.example.com;");
      const [, site] = (
        Object.entries(t.findResources('Custom::CDKBucketDeployment')) as Array<[string, Resource]>
      ).find(([, d]) => !d.Properties.DestinationBucketKeyPrefix) as [string, Resource];
      const key = (site.Properties.SourceObjectKeys as string[])[1] as string;
      const raw = readFileSync(
        join(out as string, `asset.${key.replace(/\.zip$/, '')}`, 'config.json'),
        'utf8',
      );
      expect(JSON.parse(raw)).toMatchObject({
        authorizeUrl: 'https://login.example.com/oauth2/authorize',
        tokenUrl: 'https://login.example.com/oauth2/token',
        logoutUrl: 'https://login.example.com/logout',
        clientId: 'console-client',
      });
      t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        JwtConfiguration: {
          Audience: ['activity-events', 'console-client'],
          Issuer: 'https://login.example.com/',
        },
      });
    });

    it('skips the console, with a warning, when the provider has no console client', () => {
      const { stack, template: t } = synth({ auth: oidc });
      t.resourceCountIs('AWS::CloudFront::Distribution', 0);
      t.resourceCountIs('Custom::CDKBucketDeployment', 0);
      expect((only(t, 'AWS::ApiGatewayV2::Api')[1].Properties as Json).CorsConfiguration).toBeUndefined();
      Annotations.fromStack(stack).hasWarning('/Test', Match.stringLikeRegexp('No console deployed'));
      expect(() => synth({ auth: oidc, console: { enabled: true } })).toThrow(/OIDC console client/);
    });
  });

  it('can be left out, and asks for the build when it is not', () => {
    const { template: t } = synth({ console: { enabled: false } }, { dir: null });
    t.resourceCountIs('AWS::CloudFront::Distribution', 0);
    t.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    // The groups and the sign-in trigger serve people whatever signs them in.
    t.resourceCountIs('AWS::Cognito::UserPoolGroup', CONSOLE_GROUP_NAMES.length);
    expect(() => synth({}, { dir: null })).toThrow(/buildConsole/);
    const empty = mkdtempSync(join(tmpdir(), 'console-empty-'));
    try {
      expect(() => synth({}, { dir: empty })).toThrow(/not a console build/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect(existsSync(join(fixture, 'index.html'))).toBe(true);
  });
});
